import MigLintCore
import MigLintSyntax

struct AlterColumnType: StatementRule {
  static let description = RuleDescription(
    id: "alter-column-type",
    summary: "Changing a column's type rewrites the table under an ACCESS EXCLUSIVE lock",
    category: .lock,
    severity: .warning,
    aliases: ["changing-column-type"],
    versionNotes: """
      `timestamp` ↔ `timestamptz` skips the rewrite from PostgreSQL 12, but only when the session
      TimeZone is UTC: miglint still reports it, with that condition in the message.
      """,
    rationale: """
      ## What it flags
      `ALTER TABLE … ALTER COLUMN … TYPE …` on an existing table, unless the schema model knows
      the old type and the change is binary-coercible: `varchar(n)` → `varchar(m ≥ n)`, unlimited
      `varchar` or `text`; `text` → unlimited `varchar`; `numeric(p,s)` → `numeric(q ≥ p,s)` or
      unconstrained `numeric`; higher precision for `time`, `timestamp`, `interval`; `cidr` → `inet`.
      A `USING` clause always rewrites. When the old type is unknown it is reported.

      ## Why it is dangerous
      PostgreSQL copies every row into a new file and rebuilds every index of the table while
      holding an ACCESS EXCLUSIVE lock: no reads, no writes until it ends.

      ## Safe alternative
      Add a new column with the new type, write to both, backfill in batches, switch reads, and
      drop the old column in a later release.
      """,
    triggering: [
      "ALTER TABLE users ALTER COLUMN ▶id TYPE bigint;",
      "ALTER TABLE users ALTER COLUMN ▶age TYPE int USING age::int;",
    ],
    nonTriggering: [
      """
      CREATE TABLE teams (id int, name varchar(50));
      ALTER TABLE teams ALTER COLUMN name TYPE varchar(100);
      """
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .alterTable(let alter) = statement.kind, alter.objectType == .table,
      context.catalog.isExisting(alter.relation)
    else { return [] }
    return alter.commands.compactMap { command in
      guard command.subtype == .alterColumnType, let column = command.name, let newType = command.newType else {
        return nil
      }
      let oldType = context.catalog.table(alter.relation)?.column(column)?.type
      var consequence = "rewrites the table and its indexes"
      if let oldType, !command.hasUsing || command.usingIsColumn {
        switch TypeChange.verdict(from: oldType, to: newType, pgVersion: context.pgVersion) {
        case .noRewrite: return nil
        case .noRewriteIfUTC:
          consequence = "rewrites the table and its indexes unless the session TimeZone is UTC"
        case .rewrite: break
        }
      } else if oldType == nil {
        consequence = "may rewrite the table and its indexes (the old type is unknown)"
      }
      return Finding(
        at: SourceRange(
          start: context.identifier(column, in: command.range)?.start ?? command.range.start,
          end: command.range.end),
        message:
          "Changing the type of \(alter.relation.column(column)) to `\(newType.displayName)` \(consequence) under an ACCESS EXCLUSIVE lock that blocks reads and writes",
        help: ExpandContract.column,
        lock: LockAcquisition(.accessExclusive, on: alter.relation))
    }
  }
}
