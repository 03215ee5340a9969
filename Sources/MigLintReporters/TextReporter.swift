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
    var out = ReportText()
    if let error = result.inputError {
      out.write(paint("\(result.path.escapingControlCharacters): error: \(error)", .red) + "\n\n")
    }
    guard let source = result.source else { return out.bytes }
    out.bytes.reserveCapacity(result.diagnostics.count * 512)
    let path = result.path.escapingControlCharacters
    // Several findings on one line share its code frame: it is shown under the first only.
    var framed: Int?
    for diagnostic in result.diagnostics {
      let shownPath = diagnostic.path == result.path ? path : diagnostic.path.escapingControlCharacters
      render(diagnostic, source, frame: framed != diagnostic.start.line, path: shownPath, into: &out)
      out.write("\n")
      framed = diagnostic.start.line
    }
    return out.bytes
  }

  private func render(
    _ diagnostic: Diagnostic, _ source: SourceFile, frame: Bool, path: String, into out: inout ReportText
  ) {
    let style: Style = diagnostic.severity == .error ? .red : (diagnostic.severity == .warning ? .yellow : .blue)
    out.write(path)
    out.write(":")
    out.write(diagnostic.start.line)
    out.write(":")
    out.write(diagnostic.start.column)
    out.write(": ")
    paint(style, into: &out) { out in
      out.write(diagnostic.severity.rawValue)
      out.write("[")
      out.write(diagnostic.ruleID)
      out.write("]")
    }
    out.write(" ")
    out.write(diagnostic.message.escapingControlCharacters)
    out.write("\n")
    // The gutter is as wide as the line number.
    let number = diagnostic.start.line
    let gutter = ReportText.digits(number)
    // A file that is gone (deleted after deploy) has no text to frame.
    guard !source.bytes.isEmpty, frame else { return footer(diagnostic, gutter: gutter, into: &out) }
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
    paint(.blue, into: &out) { out in
      out.write(0x20, count: gutter)
      out.write(" |")
    }
    out.write("\n")
    paint(.blue, into: &out) { out in
      out.write(number)
      out.write(" |")
    }
    out.write(" ")
    if cutBefore { out.write("…") }
    if plain {
      out.bytes += source.bytes[line.start..<line.end]
    } else {
      out.write(displayed(source, from: line.start, to: line.end))
    }
    if cutAfter { out.write("…") }
    out.write("\n")
    paint(.blue, into: &out) { out in
      out.write(0x20, count: gutter)
      out.write(" |")
    }
    out.write(" ")
    out.write(0x20, count: before)
    paint(style, into: &out) { $0.write(0x5E, count: width) }  // ^
    out.write("\n")
    footer(diagnostic, gutter: gutter, into: &out)
  }

  /// The help and rule-page lines under a finding.
  private func footer(_ diagnostic: Diagnostic, gutter: Int, into out: inout ReportText) {
    if let help = diagnostic.help {
      paint(.bold, into: &out) { out in
        out.write(0x20, count: gutter)
        out.write(" = help:")
      }
      out.write(" ")
      out.write(help.escapingControlCharacters)
      out.write("\n")
    }
    paint(.bold, into: &out) { out in
      out.write(0x20, count: gutter)
      out.write(" = see:")
    }
    out.write(" ")
    out.write(RuleDocumentation.baseURL)
    out.write(diagnostic.ruleID)
    out.write(".md\n")
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

  private enum Style: String {
    case red = "31", yellow = "33", blue = "34", bold = "1"
  }

  /// Appends what `write` appends, in `style` when the report is colored (no string is made for
  /// the painted text).
  private func paint(_ style: Style, into out: inout ReportText, _ write: (inout ReportText) -> Void) {
    if color {
      out.write("\u{1B}[")
      out.write(style.rawValue)
      out.write("m")
    }
    write(&out)
    if color { out.write("\u{1B}[0m") }
  }

  private func paint(_ text: String, _ style: Style) -> String {
    guard color else { return text }
    return "\u{1B}[\(style.rawValue)m" + text + "\u{1B}[0m"
  }
}

/// A text report being written, as UTF-8 bytes.
private struct ReportText {
  var bytes: [UInt8] = []

  mutating func write(_ text: String) {
    var text = text
    text.withUTF8 { bytes.append(contentsOf: $0) }
  }

  mutating func write(_ text: StaticString) { text.withUTF8Buffer { bytes.append(contentsOf: $0) } }

  /// `count` copies of the ASCII `byte`.
  mutating func write(_ byte: UInt8, count: Int) { bytes.append(contentsOf: repeatElement(byte, count: max(0, count))) }

  /// A number in decimal.
  mutating func write(_ number: Int) {
    if number < 0 { bytes.append(0x2D) }
    let start = bytes.count
    var rest = number.magnitude
    repeat {
      bytes.append(UInt8(truncatingIfNeeded: rest % 10) + 0x30)
      rest /= 10
    } while rest > 0
    bytes[start...].reverse()
  }

  /// The characters of `number` in decimal.
  static func digits(_ number: Int) -> Int {
    var count = number < 0 ? 2 : 1
    var rest = number.magnitude / 10
    while rest > 0 {
      count += 1
      rest /= 10
    }
    return count
  }
}
