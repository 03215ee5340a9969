import MigLintCore
import MigLintSyntax

struct RenameColumn: StatementRule {
  static let description = RuleDescription(
    id: "rename-column",
    summary: "Renaming a column breaks running code that uses the old name",
    category: .compat,
    severity: .warning,
    aliases: ["renaming-column"],
    rationale: """
      ## What it flags
      `ALTER TABLE … RENAME COLUMN` on an existing table or view.

      ## Why it is dangerous
      The rename is instant, but the application version that is still running keeps using the
      old name: every query that names it fails until the new code is everywhere. Views follow
      the rename; application code does not.

      ## Safe alternative
      Expand and contract: add the new column, write to both, backfill in batches, switch reads
      to the new column, then drop the old one in a later release.
      """,
    triggering: [
      "ALTER TABLE users RENAME COLUMN ▶email TO email_address;"
    ],
    nonTriggering: [
      """
      CREATE TABLE teams (id bigint, title text);
      ALTER TABLE teams RENAME COLUMN title TO name;
      """
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .rename(let rename) = statement.kind, rename.renameType == .column,
      let relation = rename.relation, let column = rename.oldName,
      context.catalog.isExistingColumn(column, of: relation)
    else { return [] }
    return [
      Finding(
        at: SourceRange(
          start: context.identifier(column, in: statement.range)?.start ?? statement.range.start,
          end: statement.range.end),
        message:
          "Renaming column \(relation.column(column)) to `\(rename.newName)` breaks running code that uses the old name",
        help: ExpandContract.column,
        lock: LockAcquisition(.accessExclusive, on: relation))
    ]
  }
}
