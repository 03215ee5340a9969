import MigLintCore
import MigLintSyntax

struct DropTable: StatementRule {
  static let description = RuleDescription(
    id: "drop-table",
    summary: "Dropping a table breaks running code that uses it and loses its data",
    category: .compat,
    severity: .warning,
    aliases: ["ban-drop-table"],
    rationale: """
      ## What it flags
      `DROP TABLE` of a table that was not created earlier in the same migration.

      ## Why it is dangerous
      Code that still queries the table fails at once, and the rows are gone for good: a code
      rollback cannot bring them back.

      ## Safe alternative
      Deploy code that no longer uses the table first; drop it in a later release, after a backup
      (or rename it out of the way for a release before dropping it).
      """,
    triggering: [
      "▶DROP TABLE users;",
      "▶DROP TABLE IF EXISTS audit_log, old_sessions;",
    ],
    nonTriggering: [
      """
      CREATE TABLE tmp_import (id bigint);
      DROP TABLE tmp_import;
      """
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .drop(let drop) = statement.kind, drop.objectType == "table" else { return [] }
    let existing = drop.objects.filter { context.catalog.isExisting($0) }
    guard let first = existing.first else { return [] }
    let names = existing.map { "`\($0)`" }.joined(separator: ", ")
    return [
      Finding(
        at: statement.range,
        message: "Dropping table \(names) breaks running code that still uses it, and its data is lost",
        help: "Deploy code that no longer uses the table first, back it up, then drop it in a later release",
        lock: LockAcquisition(.accessExclusive, on: first))
    ]
  }
}
