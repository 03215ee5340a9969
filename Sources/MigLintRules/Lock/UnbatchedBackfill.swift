import MigLintCore
import MigLintSyntax

struct UnbatchedBackfill: StatementRule {
  static let description = RuleDescription(
    id: "unbatched-backfill",
    summary: "UPDATE or DELETE of a whole table, or in the transaction of DDL on it",
    category: .lock,
    severity: .warning,
    rationale: """
      ## What it flags
      `UPDATE` or `DELETE` of an existing table without `WHERE`, or in the same transaction as DDL
      on that table.

      ## Why it is dangerous
      One statement locks every row it touches until the transaction ends, writes a new version
      of each row (bloat, replication lag, a huge WAL burst), and in the transaction of DDL it
      also keeps the DDL's strong lock for the whole backfill.

      ## Safe alternative
      Backfill in batches by key range (`WHERE id >= $1 AND id < $1 + 10000`), each batch its own
      transaction, outside the migration that changes the schema.
      """,
    triggering: [
      "▶UPDATE users SET active = true;",
      "▶DELETE FROM sessions;",
      """
      BEGIN;
      ALTER TABLE users ADD COLUMN active boolean;
      ▶UPDATE users SET active = true WHERE active IS NULL;
      COMMIT;
      """,
    ],
    nonTriggering: [
      "UPDATE users SET active = true WHERE id BETWEEN 1 AND 10000;",
      """
      CREATE TABLE flags (name text, enabled boolean);
      INSERT INTO flags VALUES ('beta', false);
      UPDATE flags SET enabled = true;
      """,
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .dataChange(let change) = statement.kind, change.kind != .insert,
      context.catalog.isExisting(change.table)
    else { return [] }
    let verb = change.kind == .update ? "UPDATE" : "DELETE"
    let help = "Batch it by key range, each batch in its own transaction, outside the schema migration"
    if !change.hasWhere {
      return [
        Finding(
          at: statement.range,
          message: "`\(verb)` of every row of `\(change.table)` in one transaction locks every row until it commits",
          help: help, lock: LockAcquisition(.rowExclusive, on: change.table))
      ]
    }
    guard context.state.transaction.alteredTables.contains(Catalog.key(change.table)) else { return [] }
    return [
      Finding(
        at: statement.range,
        message:
          "`\(verb)` of `\(change.table)` runs in the transaction that changed its schema, so the DDL's lock is held for the whole backfill",
        help: help, lock: LockAcquisition(.rowExclusive, on: change.table))
    ]
  }
}
