import MigLintCore
import MigLintSyntax

/// JUnit XML for CI test-report views: one test case per file; each finding that fails the run
/// (at or above `fail-on`) is a `<failure>`, the others are listed in the case's `<system-out>`;
/// a file that could not be read is an `<error>`.
package struct JUnitReporter: Sendable {
  package init() {}

  package func render(_ report: Report) -> String {
    let failOn = report.configuration.failOn
    var cases = ""
    var failures = 0
    var errors = 0
    for result in report.results {
      cases +=
        "    <testcase name=\"\(Self.escape(result.path))\" classname=\"miglint\" file=\"\(Self.escape(result.path))\">\n"
      var notes: [String] = []
      for diagnostic in result.diagnostics {
        let location = "\(diagnostic.path):\(diagnostic.start.line):\(diagnostic.start.column)"
        let text = "\(location): \(diagnostic.severity.rawValue)[\(diagnostic.ruleID)] \(diagnostic.messageWithHelp)"
        if failOn.fails(diagnostic.severity) {
          failures += 1
          cases +=
            "      <failure type=\"\(diagnostic.ruleID)\" message=\"\(Self.escape(diagnostic.message))\">"
            + Self.escape(text, attribute: false) + "</failure>\n"
        } else {
          notes.append(text)
        }
      }
      if let error = result.inputError {
        errors += 1
        cases += "      <error type=\"input-error\" message=\"\(Self.escape(error))\"/>\n"
      }
      if !notes.isEmpty {
        cases += "      <system-out>" + Self.escape(notes.joined(separator: "\n"), attribute: false) + "</system-out>\n"
      }
      cases += "    </testcase>\n"
    }
    let counts = "tests=\"\(report.results.count)\" failures=\"\(failures)\" errors=\"\(errors)\""
    return """
      <?xml version="1.0" encoding="UTF-8"?>
      <testsuites name="miglint" \(counts)>
        <testsuite name="miglint" \(counts) skipped="0">
      \(cases)  </testsuite>
      </testsuites>

      """
  }

  /// Text as XML character data (or an attribute value): markup characters as entities, and
  /// characters XML 1.0 cannot carry at all (most C0 controls, U+FFFE, U+FFFF) as `\u{…}`.
  static func escape(_ text: String, attribute: Bool = true) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"" where attribute: out += "&quot;"
      case "\n" where attribute: out += "&#10;"
      case "\r": out += "&#13;"
      case "\t" where attribute: out += "&#9;"
      case "\t", "\n": out.unicodeScalars.append(scalar)
      default:
        let value = scalar.value
        if value < 0x20 || value == 0xFFFE || value == 0xFFFF {
          out += "\\u{" + String(value, radix: 16) + "}"
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out
  }
}
