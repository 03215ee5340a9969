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

      Not reported where the migration tool sends its own `COMMIT` after the script (goose,
      dbmate, sql-migrate, pop, diesel, Flyway running it in a transaction): there a script that
      escapes the tool's transaction with `COMMIT; … BEGIN;` is closed by the tool.

      ## Safe alternative
      End the block with `COMMIT;`.
      """,
    triggering: [
      """
      ▶BEGIN;
      ALTER TABLE users ADD COLUMN note text;
      """,
      // golang-migrate sends the file as one query: its COMMIT does not close a later BEGIN.
      RuleExample(files: [
        ExampleFile(
          "db/0002_users_email_index.up.sql",
          """
          COMMIT;
          CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
          ▶BEGIN;
          """),
        ExampleFile("db/0002_users_email_index.down.sql", "DROP INDEX users_email_idx;\n"),
      ]),
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
      RuleExample(files: [
        ExampleFile(
          "migrations/20240101000000_users_email_index.sql",
          """
          -- +migrate Up
          COMMIT;
          CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
          BEGIN;
          -- +migrate Down
          DROP INDEX users_email_idx;
          """)
      ]),
    ],
    corrections: [
      Correction(
        """
        BEGIN;
        ALTER TABLE users ADD COLUMN note text;
        """,
        """
        BEGIN;
        ALTER TABLE users ADD COLUMN note text;
        COMMIT;

        """)
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .transaction(let kind) = statement.kind, kind == .begin || kind == .start,
      !context.state.transaction.explicitBlock, !context.state.toolCommitsAtEnd
    else { return [] }
    let closed = context.laterStatements(ofNode: .transactionStmt).contains { later in
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
