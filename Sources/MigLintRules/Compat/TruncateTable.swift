import MigLintCore
import MigLintSyntax

struct TruncateTable: StatementRule {
  static let description = RuleDescription(
    id: "truncate-table",
    summary: "TRUNCATE of an existing table deletes every row under ACCESS EXCLUSIVE",
    category: .compat,
    severity: .warning,
    rationale: """
      ## What it flags
      `TRUNCATE` of a table that was not created earlier in the same migration.

      ## Why it is dangerous
      Every row is gone at once (no WHERE, no trigger-based audit), and the statement takes an
      ACCESS EXCLUSIVE lock that blocks reads and writes while it waits and runs.

      ## Safe alternative
      If the data really must go, delete it in batches (`DELETE … WHERE id < …`), or back the
      table up first and truncate it by hand.
      """,
    triggering: ["▶TRUNCATE sessions;"],
    nonTriggering: [
      """
      CREATE TABLE import_rows (line text);
      TRUNCATE import_rows;
      """
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .truncate(let truncate) = statement.kind else { return [] }
    let existing = truncate.relations.filter { context.catalog.isExisting($0) }
    guard let first = existing.first else { return [] }
    return [
      Finding(
        at: statement.range,
        message:
          "`TRUNCATE` deletes every row of \(existing.map { "`\($0)`" }.joined(separator: ", ")) under an ACCESS EXCLUSIVE lock that blocks reads and writes",
        help: "Delete in batches, or back the table up and truncate it by hand",
        lock: LockAcquisition(.accessExclusive, on: first))
    ]
  }
}
