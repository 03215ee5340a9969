import MigLintCore
import MigLintSyntax

struct DropColumn: StatementRule {
  static let description = RuleDescription(
    id: "drop-column",
    summary: "Dropping a column breaks running code that uses it and loses its data",
    category: .compat,
    severity: .warning,
    aliases: ["ban-drop-column"],
    rationale: """
      ## What it flags
      `ALTER TABLE … DROP COLUMN` on an existing table, unless the column was added earlier in
      the same migration.

      ## Why it is dangerous
      During a deploy the old version of the application still runs: its `SELECT`s and
      `INSERT`s that name the column fail as soon as the migration commits. The data is gone,
      and rolling back the code does not bring it back.

      ## Safe alternative
      Expand and contract: first deploy code that no longer reads or writes the column (ORMs:
      mark it ignored), then drop it in a later release.
      """,
    triggering: [
      "ALTER TABLE users DROP COLUMN ▶legacy_name;",
      "ALTER TABLE users DROP COLUMN IF EXISTS ▶a, DROP COLUMN ▶b;",
    ],
    nonTriggering: [
      """
      ALTER TABLE users ADD COLUMN tmp text;
      ALTER TABLE users DROP COLUMN tmp;
      """,
      """
      CREATE TABLE teams (id bigint, name text);
      ALTER TABLE teams DROP COLUMN name;
      """,
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .alterTable(let alter) = statement.kind else { return [] }
    return alter.commands.compactMap { command in
      guard command.subtype == "DropColumn", let column = command.name,
        context.catalog.isExistingColumn(column, of: alter.relation)
      else { return nil }
      return Finding(
        at: SourceRange(
          start: context.identifier(column, in: command.range)?.start ?? command.range.start,
          end: command.range.end),
        message:
          "Dropping column \(alter.relation.column(column)) breaks running code that still uses it, and its data is lost",
        help: "Deploy code that no longer reads or writes `\(column)` first, then drop the column in a later release",
        lock: LockAcquisition(.accessExclusive, on: alter.relation))
    }
  }
}
