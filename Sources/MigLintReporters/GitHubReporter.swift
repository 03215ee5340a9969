import MigLintCore
import MigLintSyntax

/// GitHub Actions workflow commands: each finding becomes an annotation on the pull request.
///
/// `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=<rule id>::<message>`; severities map
/// to error, warning and notice; positions are 1-based.
package struct GitHubReporter: Sendable {
  package init() {}

  package func render(_ report: Report) -> String {
    var out = ""
    for result in report.results {
      for diagnostic in result.diagnostics {
        let properties = [
          ("file", diagnostic.path), ("line", "\(diagnostic.start.line)"), ("col", "\(diagnostic.start.column)"),
          ("endLine", "\(diagnostic.end.line)"), ("endColumn", "\(diagnostic.end.column)"),
          ("title", diagnostic.ruleID),
        ]
        out += command(Self.level(diagnostic.severity), properties, diagnostic.messageWithHelp)
      }
      if let error = result.inputError {
        let position = result.inputErrorPosition.map { [("line", "\($0.line)"), ("col", "\($0.column)")] } ?? []
        out += command(
          "error", [("file", result.path)] + position + [("title", "miglint")], error.escapingControlCharacters)
      }
    }
    return out
  }

  private func command(_ name: String, _ properties: [(String, String)], _ message: String) -> String {
    let list = properties.map { "\($0)=\(Self.escapeProperty($1))" }.joined(separator: ",")
    return "::\(name) \(list)::\(Self.escapeData(message))\n"
  }

  static func level(_ severity: Severity) -> String {
    switch severity {
    case .error: "error"
    case .warning: "warning"
    case .info: "notice"
    }
  }

  /// The message of a command: `%`, CR and LF are encoded (a newline would end the command).
  static func escapeData(_ text: String) -> String {
    var out = ""
    for character in text.unicodeScalars {
      switch character {
      case "%": out += "%25"
      case "\r": out += "%0D"
      case "\n": out += "%0A"
      default: out.unicodeScalars.append(character)
      }
    }
    return out
  }

  /// A property value: as data, plus `:` and `,`, which separate properties.
  static func escapeProperty(_ text: String) -> String {
    // Control characters from a file name never reach the log raw (ESC, TAB, …).
    escapeData(text.escapingControlCharacters).replacing("\t", with: "%09").replacing(":", with: "%3A")
      .replacing(",", with: "%2C")
  }
}
