import MigLintCore
import MigLintSyntax

/// GitLab Code Quality report (`artifacts:reports:codequality`): a JSON array of issues that
/// GitLab shows in merge requests.
package struct GitLabReporter: Sendable {
  package init() {}

  package func render(_ report: Report) -> String {
    var issues: [JSONValue] = []
    for result in report.results {
      Report.forEachFingerprintKey(result) { index, key in
        let diagnostic = result.diagnostics[index]
        issues.append(
          .object([
            ("description", .string(diagnostic.messageAndHelp)),
            ("check_name", .string(diagnostic.ruleID)),
            // Stable across runs and line shifts (GitLab matches issues between branches by it).
            ("fingerprint", .string(SHA256.hex(key))),
            ("severity", .string(Self.severity(diagnostic.severity))),
            (
              "location",
              .object([
                ("path", .string(diagnostic.path)),
                ("lines", .object([("begin", .int(diagnostic.start.line)), ("end", .int(diagnostic.end.line))])),
              ])
            ),
          ]))
      }
    }
    return JSONValue.array(issues).rendered() + "\n"
  }

  /// GitLab's scale is info, minor, major, critical, blocker; a failing error is critical.
  static func severity(_ severity: Severity) -> String {
    switch severity {
    case .error: "critical"
    case .warning: "major"
    case .info: "info"
    }
  }
}
