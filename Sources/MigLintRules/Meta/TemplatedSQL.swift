import MigLintCore
import MigLintSyntax

struct TemplatedSQL: ObservationRule {
  static let description = RuleDescription(
    id: "templated-sql",
    summary: "A file with template placeholders that cannot be parsed as written",
    category: .syntax,
    severity: .info,
    rationale: """
      ## What it flags
      A file with template placeholders, `{{ … }}` or `${…}` (Flyway, Liquibase, dbt and
      home-grown templating). Reported once a file. Each placeholder is read as a name of the same
      length, so `CREATE INDEX ON {{ schema }}.users (…)` is still linted; a statement that still
      does not parse (`{{ if … }}` blocks) is skipped, not reported as a syntax error.

      ## Why it is dangerous
      miglint lints what is written, not what the template renders: a statement it could not
      parse has not been checked at all.

      ## Safe alternative
      Lint the rendered SQL as well when the template engine can produce it.
      """,
    // Template engines substitute placeholders inside string literals too: there they still count.
    triggering: [
      RuleExample("CREATE INDEX users_email_idx ON ▶${schema}.users (email);", skipping: [.inString]),
      RuleExample(
        """
        ▶{{ if .Partitioned }}
        CREATE TABLE events (id bigint) PARTITION BY RANGE (id);
        {{ end }}
        """, skipping: [.inString]),
    ],
    nonTriggering: [
      "INSERT INTO settings (payload) VALUES ('{\"a\": {\"b\": 1}}');",
      "SELECT '${not a placeholder' AS text;",
    ])
}

extension TemplatedSQL {
  static let judges: Set<Observation.Kind> = [.templatePlaceholders]

  static func finding(for observation: Observation, at range: SourceRange) -> Finding? {
    guard case .templatePlaceholders(let count, let first, let unparsed) = observation else { return nil }
    let detail =
      unparsed == 0
      ? "linted with each placeholder read as a name"
      : "\(unparsed) statement\(unparsed == 1 ? "" : "s") with placeholders could not be parsed and \(unparsed == 1 ? "was" : "were") skipped"
    return Finding(
      at: range, message: "File has \(count) template placeholder\(count == 1 ? "" : "s") (`\(first)`): \(detail)",
      help: "Lint the rendered SQL for a full check")
  }
}
