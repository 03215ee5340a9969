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
      and rolling back the code does not bring it back (unless an `UPDATE` or `INSERT … SELECT`
      earlier in the migration copied it elsewhere: the message then names that line).

      ## Safe alternative
      Expand and contract: first deploy code that no longer reads or writes the column (ORMs:
      mark it ignored), then drop it in a later release.
      """,
    triggering: [
      "ALTER TABLE users DROP COLUMN ▶legacy_name;",
      "ALTER TABLE users DROP COLUMN IF EXISTS ▶a, DROP COLUMN ▶b;",
    ],
    // The finding stays (running code still breaks); its message says the data was copied.
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
      guard command.subtype == .dropColumn, let column = command.name,
        context.catalog.isExistingColumn(column, of: alter.relation)
      else { return nil }
      let at = SourceRange(
        start: context.identifier(column, in: command.range)?.start ?? command.range.start, end: command.range.end)
      let lock = LockAcquisition(.accessExclusive, on: alter.relation)
      // Dropped and added again in the same statement: the column stays, its values do not.
      if alter.commands.contains(where: { $0.subtype == .addColumn && $0.column?.name == column }) {
        return Finding(
          at: at,
          message:
            "Dropping and adding column \(alter.relation.column(column)) again empties it: every row loses its value, and running code reads NULL or the new default",
          help:
            "Change the type with `ALTER COLUMN … TYPE … USING …`, or add a new column, backfill it, then drop the old one",
          lock: lock)
      }
      // Data copied elsewhere earlier in the script (`UPDATE … SET new = old`, `INSERT … SELECT
      // old`) is not lost.
      let copy = context.earlierStatements(ofNode: .updateStmt, .insertStmt, naming: column, alter.relation.name).last {
        copies(column, of: alter.relation, $0, context)
      }
      let data =
        copy.map { "; its data was copied on line \(context.file.source.line(of: $0.range.start))" }
        ?? ", and its data is lost"
      return Finding(
        at: at,
        message: "Dropping column \(alter.relation.column(column)) breaks running code that still uses it\(data)",
        help: "Deploy code that no longer reads or writes `\(column)` first, then drop the column in a later release",
        lock: lock)
    }
  }

  /// True when `statement` is an UPDATE or INSERT that reads `column` of `table`: it names the
  /// table, and the column other than as a column it assigns (`UPDATE other SET x = email` reads
  /// another table's `email`).
  private func copies(_ column: String, of table: QualifiedName, _ statement: Statement, _ context: StatementContext)
    -> Bool
  {
    guard case .dataChange(let change) = statement.kind, change.kind != .delete else { return false }
    // Rewriting the column in place (`SET email = lower(email)`) copies it nowhere.
    if change.kind == .update, Catalog.key(change.table) == Catalog.key(table),
      change.columns.allSatisfy({ $0 == column })
    {
      return false
    }
    let assigned = Set(change.columnLocations)
    func holds(_ word: String, skipping: Set<Int> = []) -> Bool {
      statement.tokens.contains { index in
        let token = context.file.tokens[index]
        guard token.kind == Token.Kind.identifier || token.isKeyword, !skipping.contains(token.start) else {
          return false
        }
        return token.name(in: context.file.source.bytes) == word
      }
    }
    return holds(table.name) && holds(column, skipping: assigned)
  }
}
