import MigLintCore
import MigLintSyntax

struct UncommittedTransaction: StatementRule {
  static let description = RuleDescription(
    id: "uncommitted-transaction",
    summary: "A BEGIN with no COMMIT or ROLLBACK by the end of the migration",
    category: .transaction,
    severity: .error,
    aliases: ["ban-uncommitted-transaction"],
    fixSafety: .unsafe,
    rationale: """
      ## What it flags
      `BEGIN` (or `START TRANSACTION`) that no `COMMIT`, `END` or `ROLLBACK` closes before the end of
      the migration.

      ## Why it is dangerous
      Depending on the runner, the open transaction is rolled back when the connection closes
      (the migration silently does nothing but is recorded as applied), or it stays open holding
      every lock it took.

      ## Safe alternative
      End the block with `COMMIT;`.
      """,
    triggering: [
      """
      ▶BEGIN;
      ALTER TABLE users ADD COLUMN note text;
      """
    ],
    nonTriggering: [
      """
      BEGIN;
      ALTER TABLE users ADD COLUMN note text;
      COMMIT;
      """,
      """
      START TRANSACTION;
      ALTER TABLE users ADD COLUMN note text;
      ROLLBACK;
      """,
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .transaction(let kind) = statement.kind, kind == .begin || kind == .start,
      !context.state.transaction.explicitBlock
    else { return [] }
    let closed = context.laterStatements.contains { later in
      guard case .transaction(let kind) = later.kind else { return false }
      return [.commit, .rollback, .prepare].contains(kind)
    }
    guard !closed else { return [] }
    let end = context.file.source.bytes.count
    let needsNewline = end > 0 && context.file.source.bytes[end - 1] != 0x0A
    return [
      Finding(
        at: statement.range,
        message: "`\(context.headline(statement))` opens a transaction that the migration never commits",
        help: "End the transaction block with `COMMIT;`",
        fixes: [
          Fix(
            title: "Append COMMIT", safety: .unsafe, edits: [.insert((needsNewline ? "\n" : "") + "COMMIT;\n", at: end)]
          )
        ])
    ]
  }
}
