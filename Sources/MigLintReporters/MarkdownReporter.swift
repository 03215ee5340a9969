import MigLintCore
import MigLintSyntax

/// Where a file's lines can be opened in a browser: `<base><path>#L<line>`.
package struct SourceLinks: Sendable {
  package var base: String

  package init(base: String) { self.base = base.hasSuffix("/") ? base : base + "/" }

  /// The blob URL of the commit being checked, from the variables GitHub Actions or GitLab CI set.
  package static func fromEnvironment(_ variable: (String) -> String?) -> SourceLinks? {
    if let server = variable("GITHUB_SERVER_URL"), let repository = variable("GITHUB_REPOSITORY"),
      let sha = variable("GITHUB_SHA"), !server.isEmpty, !repository.isEmpty, !sha.isEmpty
    {
      return SourceLinks(base: "\(server)/\(repository)/blob/\(sha)/")
    }
    if let project = variable("CI_PROJECT_URL"), let sha = variable("CI_COMMIT_SHA"), !project.isEmpty, !sha.isEmpty {
      return SourceLinks(base: "\(project)/-/blob/\(sha)/")
    }
    return nil
  }

  /// Nil for paths outside the repository (absolute, or above the working directory).
  func url(_ path: String, line: Int) -> String? {
    var relative = Substring(path)
    while relative.hasPrefix("./") { relative = relative.dropFirst(2) }
    guard !relative.hasPrefix("/"), !relative.hasPrefix("../"), !relative.hasPrefix("<") else { return nil }
    return base + percentEncodedPath(String(relative)) + "#L\(line)"
  }
}

/// A summary for a pull-request comment or `$GITHUB_STEP_SUMMARY`: counts, then one table row per
/// finding (errors first) with its location, rule, the lock it takes and the help text.
package struct MarkdownReporter: Sendable {
  /// Rows beyond this are counted, not listed: a pull-request comment holds 65,536 characters.
  static let maximumRows = 100

  package var links: SourceLinks?

  package init(links: SourceLinks? = nil) { self.links = links }

  package func render(_ report: Report) -> String {
    let checked = plural(report.results.count, "file") + " checked"
    var out = "### miglint\n\n"
    let diagnostics = report.diagnostics.enumerated().sorted { lhs, rhs in
      lhs.element.severity != rhs.element.severity
        ? lhs.element.severity > rhs.element.severity : lhs.offset < rhs.offset
    }.map(\.element)
    if diagnostics.isEmpty {
      out += "No problems found (\(checked)).\n"
    } else {
      out += "**\(report.countsPhrase)** (\(checked)).\n\n"
      out += "| Severity | Location | Rule | Finding | Lock |\n|---|---|---|---|---|\n"
      for diagnostic in diagnostics.prefix(Self.maximumRows) { out += row(diagnostic) }
      if diagnostics.count > Self.maximumRows {
        out += "\n…and \(plural(diagnostics.count - Self.maximumRows, "more finding")) (see the full report).\n"
      }
    }
    let errors = report.inputErrors
    if !errors.isEmpty {
      out += "\n**Could not be linted:**\n\n"
      for error in errors { out += "- `\(Self.code(error.path))`: \(Self.cell(error.message))\n" }
    }
    return out
  }

  private func row(_ diagnostic: Diagnostic) -> String {
    let place = "\(diagnostic.path):\(diagnostic.start.line)"
    let location =
      links?.url(diagnostic.path, line: diagnostic.start.line).map { "[`\(Self.code(place))`](\($0))" }
      ?? "`\(Self.code(place))`"
    let rule = "[\(diagnostic.ruleID)](\(RuleDocumentation.url(for: diagnostic.ruleID)))"
    var finding = Self.cell(diagnostic.message)
    if let help = diagnostic.help { finding += "<br>" + Self.cell(help) }
    let lock = diagnostic.lock.map { "\($0.mode.name) on `\(Self.code($0.relation.description))`" } ?? ""
    return
      "| \(Self.icon(diagnostic.severity)) \(diagnostic.severity.rawValue) | \(location) | \(rule) | \(finding) | \(lock) |\n"
  }

  private static func icon(_ severity: Severity) -> String {
    switch severity {
    case .error: "🔴"
    case .warning: "🟠"
    case .info: "🔵"
    }
  }

  /// Text in a table cell: pipes and HTML escaped, lines joined with `<br>`.
  static func cell(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
      var out = ""
      for scalar in String(line).escapingControlCharacters.unicodeScalars {
        switch scalar {
        case "|": out += "\\|"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "&": out += "&amp;"
        default: out.unicodeScalars.append(scalar)
        }
      }
      return out
    }.joined(separator: "<br>")
  }

  /// Text inside a code span in a cell: backticks cannot be escaped there, pipes still split cells.
  static func code(_ text: String) -> String {
    text.escapingControlCharacters.replacing("`", with: "'").replacing("|", with: "\\|")
  }
}
