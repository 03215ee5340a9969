import MigLintCore
import MigLintSyntax

/// JUnit XML for CI test-report views. Each finding that fails the run (at or above `fail-on`)
/// is a test case of its own with one `<failure>` (viewers expect at most one per case, and
/// `failures` never above `tests`); each file is one more case, passing, that lists its other
/// findings in `<system-out>`, or holds an `<error>` when the file could not be read.
package struct JUnitReporter: Sendable {
  package init() {}

  package func render(_ report: Report) -> String {
    let failOn = report.configuration.failOn
    var cases = ""
    var tests = 0
    var failures = 0
    var errors = 0
    for result in report.results {
      let file = Self.escape(result.path)
      var notes: [String] = []
      for diagnostic in result.diagnostics {
        let location = "\(diagnostic.path):\(diagnostic.start.line):\(diagnostic.start.column)"
        let text = "\(location): \(diagnostic.severity.rawValue)[\(diagnostic.ruleID)] \(diagnostic.messageWithHelp)"
        guard failOn.fails(diagnostic.severity) else {
          notes.append(text)
          continue
        }
        tests += 1
        failures += 1
        cases +=
          "    <testcase name=\"\(Self.escape(location)) \(diagnostic.ruleID)\" classname=\"miglint.\(diagnostic.ruleID)\" file=\"\(file)\" line=\"\(diagnostic.start.line)\">\n"
          + "      <failure type=\"\(diagnostic.ruleID)\" message=\"\(Self.escape(diagnostic.message))\">"
          + Self.escape(text, attribute: false) + "</failure>\n    </testcase>\n"
      }
      tests += 1
      cases += "    <testcase name=\"\(file)\" classname=\"miglint\" file=\"\(file)\">\n"
      if let error = result.inputError {
        errors += 1
        cases += "      <error type=\"input-error\" message=\"\(Self.escape(error))\"/>\n"
      }
      if !notes.isEmpty {
        cases += "      <system-out>" + Self.escape(notes.joined(separator: "\n"), attribute: false) + "</system-out>\n"
      }
      cases += "    </testcase>\n"
    }
    let counts = "tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\""
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
