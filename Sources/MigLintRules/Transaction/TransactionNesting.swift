import MigLintCore
import MigLintSyntax

struct TransactionNesting: StatementRule {
  static let description = RuleDescription(
    id: "transaction-nesting",
    summary: "BEGIN inside an open transaction block does not nest",
    category: .transaction,
    severity: .warning,
    rationale: """
      ## What it flags
      `BEGIN` or `START TRANSACTION` while a transaction block is already open.

      ## Why it is dangerous
      PostgreSQL has no nested transactions: the inner `BEGIN` only warns ("there is already a
      transaction in progress"), and the inner `COMMIT` commits the *outer* transaction. What
      follows runs outside any transaction, so a later failure leaves the migration half applied.

      ## Safe alternative
      Remove the inner `BEGIN`/`COMMIT`, or use `SAVEPOINT` / `RELEASE SAVEPOINT` for a part
      that may be rolled back on its own.
      """,
    triggering: [
      """
      BEGIN;
      ALTER TABLE users ADD COLUMN note text;
      ▶BEGIN;
      ALTER TABLE users ADD COLUMN note2 text;
      COMMIT;
      COMMIT;
      """
    ],
    nonTriggering: [
      """
      BEGIN;
      SAVEPOINT before_backfill;
      UPDATE users SET note = '' WHERE id < 1000;
      RELEASE SAVEPOINT before_backfill;
      COMMIT;
      BEGIN;
      COMMIT;
      """
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .transaction(let kind) = statement.kind, kind == .begin || kind == .start,
      context.state.transaction.explicitBlock
    else { return [] }
    let line = context.state.transaction.beginOffset.map { context.file.source.line(of: $0) }
    return [
      Finding(
        at: statement.range,
        message:
          "`\(context.headline(statement))` inside the transaction block opened\(line.map { " on line \($0)" } ?? "") does not nest: the next COMMIT ends the outer transaction",
        help: "Remove the inner BEGIN and its COMMIT, or use SAVEPOINT for a part that may roll back on its own")
    ]
  }
}
