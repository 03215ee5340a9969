import MigLintCore
import MigLintSyntax

struct AddColumnNotNullWithoutDefault: StatementRule {
  static let description = RuleDescription(
    id: "add-column-not-null-without-default",
    summary: "Adding a NOT NULL column without a default fails on a table with rows",
    category: .lock,
    severity: .error,
    aliases: ["adding-required-field"],
    rationale: """
      ## What it flags
      `ALTER TABLE … ADD COLUMN … NOT NULL` (or `PRIMARY KEY`) with no `DEFAULT`, on a table
      that already exists. Generated, identity and serial columns have values and are not flagged,
      nor is a table the same transaction emptied first (`TRUNCATE`, `DELETE` without `WHERE`).

      ## Why it is dangerous
      Every existing row would get NULL in the new column, so PostgreSQL refuses the statement
      ("column contains null values") as soon as the table has one row. It passes on an empty
      development database and fails in production.

      ## Safe alternative
      Add the column with a constant `DEFAULT` (no rewrite since PostgreSQL 11), or add it
      nullable, backfill it in batches, and then add the NOT NULL constraint without a long lock
      (a validated `CHECK (col IS NOT NULL)` first, see `set-not-null`).
      """,
    triggering: [
      "ALTER TABLE users ADD COLUMN ▶tenant_id bigint NOT NULL;",
      "ALTER TABLE users ADD COLUMN note text, ADD COLUMN ▶kind text NOT NULL;",
      """
      DO $migration$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attname = 'tenant_id') THEN
          ALTER TABLE users ADD COLUMN ▶tenant_id bigint NOT NULL;
        END IF;
      END
      $migration$;
      """,
    ],
    nonTriggering: [
      """
      BEGIN;
      TRUNCATE TABLE resource_alerts;
      ALTER TABLE resource_alerts ADD COLUMN resource text NOT NULL;
      COMMIT;
      """,
      "ALTER TABLE users ADD COLUMN kind text NOT NULL DEFAULT 'member';",
      "ALTER TABLE users ADD COLUMN tenant_id bigint;",
      """
      CREATE TABLE teams (id bigint PRIMARY KEY);
      ALTER TABLE teams ADD COLUMN name text NOT NULL;
      """,
      "ALTER TABLE users ADD COLUMN seq bigint NOT NULL GENERATED ALWAYS AS IDENTITY;",
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .alterTable(let alter) = statement.kind, context.catalog.isExisting(alter.relation),
      !emptiedEarlier(alter.relation, context)
    else {
      return []
    }
    return alter.commands.compactMap { command in
      guard command.subtype == .addColumn, let column = command.column,
        column.has(.notNull) || column.has(.primaryKey),
        !column.has(.defaultValue), !column.has(.generated), !column.has(.identity), !column.isSerial
      else { return nil }
      return Finding(
        at: SourceRange(start: column.location ?? command.range.start, end: command.range.end),
        message:
          "Adding NOT NULL column \(alter.relation.column(column.name)) without a default fails as soon as the table has a row",
        help:
          "Give the column a constant DEFAULT, or add it nullable, backfill in batches, then add the NOT NULL constraint",
        lock: LockAcquisition(.accessExclusive, on: alter.relation))
    }
  }

  /// True when the transaction emptied the table earlier in the script (`TRUNCATE`, or `DELETE`
  /// without `WHERE`): no row can be in the way.
  private func emptiedEarlier(_ table: QualifiedName, _ context: StatementContext) -> Bool {
    guard context.state.transaction.inTransaction else { return false }
    let key = Catalog.key(table)
    return context.earlierStatements(ofNode: .truncateStmt, .deleteStmt, naming: table.name).contains { earlier in
      switch earlier.kind {
      case .truncate(let truncate): return truncate.relations.contains { Catalog.key($0) == key }
      case .dataChange(let change):
        return change.kind == .delete && !change.hasWhere && Catalog.key(change.table) == key
      default: return false
      }
    }
  }
}
