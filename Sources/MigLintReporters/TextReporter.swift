import MigLintCore
import MigLintSyntax

/// `path:line:col: severity[rule-id] message`, the source line with the range underlined, help,
/// the rule page, and a summary line.
package struct TextReporter: Sendable {
  package var color: Bool

  package init(color: Bool) { self.color = color }

  package func render(_ report: Report) -> String {
    // Files render independently: on all cores, joined in order.
    let parts = Parallel.map(report.results) { result in
      var out = ""
      if let error = result.inputError {
        out += paint("\(result.path.escapingControlCharacters): error: \(error)", .red) + "\n\n"
      }
      guard let source = result.source else { return out }
      for diagnostic in result.diagnostics { out += render(diagnostic, source) + "\n" }
      return out
    }
    return parts.joined() + summary(report) + "\n"
  }

  private func render(_ diagnostic: Diagnostic, _ source: SourceFile) -> String {
    let style: Style = diagnostic.severity == .error ? .red : (diagnostic.severity == .warning ? .yellow : .blue)
    var out = "\(diagnostic.path.escapingControlCharacters):\(diagnostic.start.line):\(diagnostic.start.column): "
    out += paint("\(diagnostic.severity.rawValue)[\(diagnostic.ruleID)]", style) + " "
    out += diagnostic.message.escapingControlCharacters + "\n"
    let lineIndex = diagnostic.start.line - 1
    let number = String(diagnostic.start.line)
    let gutter = String(repeating: " ", count: number.count)
    let line = source.lineRange(lineIndex)
    let shown = displayed(source, from: line.start, to: line.end)
    let before = displayed(source, from: line.start, to: min(diagnostic.range.start, line.end)).count
    let endOnLine = min(max(diagnostic.range.end, diagnostic.range.start + 1), line.end)
    let width = max(1, displayed(source, from: line.start, to: endOnLine).count - before)
    out += paint("\(gutter) |", .blue) + "\n"
    out += paint("\(number) |", .blue) + " \(shown)\n"
    out +=
      paint("\(gutter) |", .blue) + " " + String(repeating: " ", count: before)
      + paint(String(repeating: "^", count: width), style) + "\n"
    if let help = diagnostic.help { out += paint("\(gutter) = help:", .bold) + " \(help.escapingControlCharacters)\n" }
    out += paint("\(gutter) = see:", .bold) + " \(RuleDocumentation.url(for: diagnostic.ruleID))\n"
    return out
  }

  /// Source text as shown: tabs as four spaces, control characters escaped.
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
    return paint(parts.joined(separator: "; "), .bold)
  }

  private enum Style: String {
    case red = "31", yellow = "33", blue = "34", bold = "1"
  }

  private func paint(_ text: String, _ style: Style) -> String {
    color ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
  }
}
