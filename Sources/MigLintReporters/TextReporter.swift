import MigLintCore
import MigLintSyntax

/// `path:line:col: severity[rule-id] message`, the source line with the range underlined, help,
/// the rule page, and a summary line.
package struct TextReporter: Sendable {
  package var color: Bool
  /// Threads that render files (`--jobs`).
  package var jobs: Int

  package init(color: Bool, jobs: Int = Parallel.coreCount) {
    self.color = color
    self.jobs = jobs
  }

  package func render(_ report: Report) -> String { ReportOutput.collecting { write(report, to: $0) } }

  /// Files render independently: on all cores, a batch of files at a time, written in order.
  package func write(_ report: Report, to output: ReportOutput) {
    var start = 0
    while start < report.results.count {
      let batch = report.results[start..<min(start + 256, report.results.count)]
      for part in Parallel.map(Array(batch), jobs: jobs, render) { output.append(bytes: part) }
      start = batch.endIndex
    }
    output.append(summary(report) + "\n")
  }

  private func render(_ result: FileResult) -> [UInt8] {
    // One buffer of bytes a file: appending to a String, and interpolating into one, cost a sixth
    // of a run.
    let out = ByteBuffer(capacity: result.diagnostics.count * 512)
    if let error = result.inputError {
      out.appendUTF8(paint("\(result.path.escapingControlCharacters): error: \(error)", .red) + "\n\n")
    }
    guard let source = result.source else { return out.bytes }
    let path = result.path.escapingControlCharacters
    // Several findings on one line share its code frame: it is shown under the first only.
    var framed: Int?
    for diagnostic in result.diagnostics {
      let shownPath = diagnostic.path == result.path ? path : diagnostic.path.escapingControlCharacters
      render(diagnostic, source, frame: framed != diagnostic.start.line, path: shownPath, into: out)
      out.append("\n")
      framed = diagnostic.start.line
    }
    return out.bytes
  }

  private func render(
    _ diagnostic: Diagnostic, _ source: SourceFile, frame: Bool, path: String, into out: ByteBuffer
  ) {
    let style: Style = diagnostic.severity == .error ? .red : (diagnostic.severity == .warning ? .yellow : .blue)
    out.appendUTF8(path)
    out.append(":")
    out.appendDecimal(diagnostic.start.line)
    out.append(":")
    out.appendDecimal(diagnostic.start.column)
    out.append(": ")
    paint(style, into: out) { out in
      out.appendUTF8(diagnostic.severity.rawValue)
      out.append("[")
      out.appendUTF8(diagnostic.ruleID)
      out.append("]")
    }
    out.append(" ")
    out.appendUTF8(diagnostic.message.escapingControlCharacters)
    out.append("\n")
    // The gutter is as wide as the line number.
    let number = diagnostic.start.line
    let gutter = Self.digits(number)
    // A file that is gone (deleted after deploy) has no text to frame.
    guard !source.bytes.isEmpty, frame else { return footer(diagnostic, gutter: gutter, into: out) }
    let full = source.lineRange(diagnostic.start.line - 1)
    let endOnLine = min(max(diagnostic.range.end, diagnostic.range.start + 1), full.end)
    // A long line is shown around the flagged text only, marked with an ellipsis on each cut side.
    let line = Self.excerpt(full, around: SourceRange(start: diagnostic.range.start, end: endOnLine), in: source.bytes)
    let cutBefore = line.start > full.start
    let cutAfter = line.end < full.end
    // A line of printable ASCII (most lines) is shown as it is, a column a byte.
    let plain = source.bytes[line.start..<line.end].allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    // Columns as a terminal draws them: CJK and emoji take two, combining marks none.
    let columns = { (end: Int) in
      plain
        ? max(0, min(end, line.end) - line.start)
        : Self.displayWidth(displayed(source, from: line.start, to: min(end, line.end)))
    }
    let before = (cutBefore ? 1 : 0) + columns(diagnostic.range.start)
    let width = max(1, (cutBefore ? 1 : 0) + columns(endOnLine) - before)
    paint(.blue, into: out) { out in
      out.append(0x20, count: gutter)
      out.append(" |")
    }
    out.append("\n")
    paint(.blue, into: out) { out in
      out.appendDecimal(number)
      out.append(" |")
    }
    out.append(" ")
    if cutBefore { out.append("…") }
    if plain {
      source.bytes[line.start..<line.end].withUnsafeBufferPointer { out.append($0) }
    } else {
      out.appendUTF8(displayed(source, from: line.start, to: line.end))
    }
    if cutAfter { out.append("…") }
    out.append("\n")
    paint(.blue, into: out) { out in
      out.append(0x20, count: gutter)
      out.append(" |")
    }
    out.append(" ")
    out.append(0x20, count: before)
    paint(style, into: out) { $0.append(0x5E, count: width) }  // ^
    out.append("\n")
    footer(diagnostic, gutter: gutter, into: out)
  }

  /// The help and rule-page lines under a finding.
  private func footer(_ diagnostic: Diagnostic, gutter: Int, into out: ByteBuffer) {
    if let help = diagnostic.help {
      paint(.bold, into: out) { out in
        out.append(0x20, count: gutter)
        out.append(" = help:")
      }
      out.append(" ")
      out.appendUTF8(help.escapingControlCharacters)
      out.append("\n")
    }
    paint(.bold, into: out) { out in
      out.append(0x20, count: gutter)
      out.append(" = see:")
    }
    out.append(" ")
    out.appendUTF8(RuleDocumentation.baseURL)
    out.appendUTF8(diagnostic.ruleID)
    out.append(".md\n")
  }

  /// Terminal columns of `text`: two for East Asian wide and fullwidth characters and emoji
  /// shown as emoji, none for zero-width ones, one for the rest (a character's combining marks
  /// belong to it).
  package static func displayWidth(_ text: String) -> Int {
    // Printable ASCII, most source text: a column a byte, without breaking text into characters
    // (the costly part).
    if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text.utf8.count }
    return text.reduce(0) { total, character in
      guard let first = character.unicodeScalars.first else { return total }
      let value = first.value
      if value == 0x200B || value == 0x200C || value == 0x200D || value == 0xFEFF { return total }
      if first.properties.isEmojiPresentation || character.unicodeScalars.contains(where: { $0.value == 0xFE0F }) {
        return total + 2
      }
      return total + (wideRanges.contains { $0.contains(value) } ? 2 : 1)
    }
  }

  /// East Asian wide and fullwidth blocks.
  private static let wideRanges: [ClosedRange<UInt32>] = [
    0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
    0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x2FFFD,
    0x30000...0x3FFFD,
  ]

  /// Source text as shown: tabs as four spaces, control characters escaped.
  /// Bytes of a line shown at most: longer lines are cut to a window around the flagged text.
  static let maximumExcerpt = 240

  /// The part of `line` to show for `span`: the whole line when short, else up to
  /// ``maximumExcerpt`` bytes from a little before the span, cut at character boundaries.
  static func excerpt(_ line: SourceRange, around span: SourceRange, in bytes: [UInt8]) -> SourceRange {
    guard line.length > maximumExcerpt else { return line }
    func boundary(_ offset: Int) -> Int {
      var index = offset
      while index > line.start, index < bytes.count, bytes[index] & 0xC0 == 0x80 { index -= 1 }
      return index
    }
    let start = boundary(max(line.start, min(span.start, line.end) - 60))
    let end = boundary(min(line.end, start + maximumExcerpt))
    return SourceRange(start: start, end: max(end, min(span.end, start + maximumExcerpt, line.end)))
  }

  private func displayed(_ source: SourceFile, from start: Int, to end: Int) -> String {
    let text = source.text(of: SourceRange(start: start, end: end))
    return (text.utf8.contains(0x09) ? text.replacing("\t", with: "    ") : text).escapingControlCharacters
  }

  private func summary(_ report: Report) -> String {
    let total = report.results.reduce(0) { $0 + $1.diagnostics.count }
    let checked = plural(report.results.count, "file") + " checked"
    var parts: [String] = []
    if total == 0 {
      parts.append("No problems found (\(checked))")
    } else {
      parts.append("Found \(plural(total, "problem")) (\(report.countsPhrase)); \(checked)")
    }
    let unreadable = report.inputErrors.count
    if unreadable > 0 { parts.append(plural(unreadable, "file") + " could not be linted") }
    var lines = [paint(parts.joined(separator: "; "), .bold)]
    for directory in report.directories {
      var line = "\(directory.path): \(directory.tool.summaryName)"
      if let calls = directory.calls {
        line += ", \(calls.analysed) of \(plural(calls.analysed + calls.unanalysable, "call")) analysed"
      }
      lines.append(line)
    }
    return lines.joined(separator: "\n")
  }

  /// The characters of `number` in decimal: the width of a code frame's gutter.
  private static func digits(_ number: Int) -> Int {
    var count = number < 0 ? 2 : 1
    var rest = number.magnitude / 10
    while rest > 0 {
      count += 1
      rest /= 10
    }
    return count
  }

  private enum Style: String {
    case red = "31", yellow = "33", blue = "34", bold = "1"
  }

  /// Appends what `write` appends, in `style` when the report is colored (no string is made for
  /// the painted text).
  private func paint(_ style: Style, into out: ByteBuffer, _ write: (ByteBuffer) -> Void) {
    if color {
      out.append("\u{1B}[")
      out.appendUTF8(style.rawValue)
      out.append("m")
    }
    write(out)
    if color { out.append("\u{1B}[0m") }
  }

  private func paint(_ text: String, _ style: Style) -> String {
    guard color else { return text }
    return "\u{1B}[\(style.rawValue)m" + text + "\u{1B}[0m"
  }
}
