import MigLintCore
import MigLintSyntax

struct AddColumnGeneratedStored: StatementRule {
  static let description = RuleDescription(
    id: "add-column-generated-stored",
    summary: "Adding a stored generated column rewrites the whole table",
    category: .lock,
    severity: .warning,
    rationale: """
      ## What it flags
      `ALTER TABLE … ADD COLUMN … GENERATED ALWAYS AS (…) STORED` on an existing table.

      ## Why it is dangerous
      The value is computed and stored for every existing row: PostgreSQL rewrites the table and
      its indexes under an ACCESS EXCLUSIVE lock, blocking reads and writes for the whole copy.

      ## Safe alternative
      Add a plain nullable column, fill it from a trigger for new rows and a batched backfill for
      old ones; or compute the value in a view or in the query.
      """,
    triggering: [
      "ALTER TABLE orders ADD COLUMN ▶total_cents bigint GENERATED ALWAYS AS (quantity * unit_cents) STORED;"
    ],
    nonTriggering: [
      """
      CREATE TABLE lines (quantity int, unit_cents int);
      ALTER TABLE lines ADD COLUMN total_cents bigint GENERATED ALWAYS AS (quantity * unit_cents) STORED;
      """,
      "ALTER TABLE orders ADD COLUMN total_cents bigint;",
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .alterTable(let alter) = statement.kind, context.catalog.isExisting(alter.relation) else {
      return []
    }
    return alter.commands.compactMap { command in
      guard command.subtype == .addColumn, let column = command.column, column.has(.generated) else { return nil }
      return Finding(
        at: SourceRange(start: column.location ?? command.range.start, end: command.range.end),
        message:
          "Adding stored generated column \(alter.relation.column(column.name)) rewrites the table under an ACCESS EXCLUSIVE lock that blocks reads and writes",
        help: "Add a plain column, fill new rows from a trigger and old rows with a batched backfill",
        lock: LockAcquisition(.accessExclusive, on: alter.relation))
    }
  }
}
