import MigLintCore
import MigLintSyntax

struct StatementsAfterAccessExclusive: StatementRule {
  static let description = RuleDescription(
    id: "statements-after-access-exclusive",
    summary: "Work done in a transaction after it took ACCESS EXCLUSIVE on an existing table",
    category: .lock,
    severity: .warning,
    rationale: """
      ## What it flags
      The first statement that runs in a transaction block after an earlier statement of the same
      block took an ACCESS EXCLUSIVE lock on an existing table (transaction control and `SET` do
      not count).

      ## Why it is dangerous
      The lock is held until `COMMIT`: every later statement, above all a data update or an index
      build, extends the time during which nobody can read or write the table.

      ## Safe alternative
      Put the statement that takes ACCESS EXCLUSIVE last in its transaction, or in a transaction
      of its own; do backfills in separate, batched transactions.
      """,
    triggering: [
      """
      BEGIN;
      ALTER TABLE users ADD COLUMN score int;
      ▶UPDATE users SET score = 0 WHERE score IS NULL;
      COMMIT;
      """
    ],
    nonTriggering: [
      """
      BEGIN;
      UPDATE users SET score = 0 WHERE id < 1000;
      ALTER TABLE users ADD COLUMN note text;
      COMMIT;
      """,
      """
      ALTER TABLE users ADD COLUMN score int;
      UPDATE users SET score = 0 WHERE id < 1000;
      """,
      """
      BEGIN;
      CREATE TABLE teams (id bigint);
      ALTER TABLE teams ADD COLUMN name text;
      INSERT INTO teams (id) VALUES (1);
      COMMIT;
      """,
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    let transaction = context.state.transaction
    guard transaction.inTransaction, let held = transaction.firstAccessExclusive,
      transaction.statementsAfterAccessExclusive == 0, !statement.isTransactionControlOrSetting
    else { return [] }
    let line = context.file.source.line(of: held.offset)
    var what = "`\(context.headline(statement))`"
    if case .dataChange = statement.kind { what = "Data change \(what)" }
    return [
      Finding(
        at: statement.range,
        message:
          "\(what) runs while this transaction holds the ACCESS EXCLUSIVE lock on `\(held.relation)` taken on line \(line), which blocks reads and writes until COMMIT",
        help: "Move the statement before the one that takes ACCESS EXCLUSIVE, or into a transaction of its own",
        lock: LockAcquisition(.accessExclusive, on: held.relation))
    ]
  }
}
