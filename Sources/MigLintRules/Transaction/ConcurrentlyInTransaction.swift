import MigLintCore
import MigLintSyntax

struct ConcurrentlyInTransaction: StatementRule {
  static let checksFunctionBodies = true
  static let description = RuleDescription(
    id: "concurrently-in-transaction",
    summary: "A statement that cannot run inside a transaction block is inside one",
    category: .transaction,
    severity: .error,
    aliases: ["ban-concurrent-index-creation-in-transaction"],
    rationale: """
      ## What it flags
      `CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`, `REINDEX … CONCURRENTLY`,
      `DETACH PARTITION … CONCURRENTLY`, `VACUUM`, `CREATE DATABASE` and `ALTER SYSTEM` after a
      `BEGIN` that has not been committed or rolled back, or inside a `DO` block or a PL/pgSQL
      function (which always run inside a transaction).

      ## Why it is dangerous
      PostgreSQL refuses them: "cannot run inside a transaction block". The migration fails at
      deploy time, after the statements before it have run.

      ## Safe alternative
      Run the statement outside the transaction: after `COMMIT`, or in a migration of its own
      that the migration tool runs without a transaction.
      """,
    triggering: [
      """
      BEGIN;
      ▶CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
      COMMIT;
      """,
      """
      BEGIN;
      ▶VACUUM users;
      ▶DROP INDEX CONCURRENTLY old_idx;
      COMMIT;
      """,
      """
      DO $$
      BEGIN
        ▶CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
      END
      $$;
      """,
    ],
    nonTriggering: [
      "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);",
      """
      CREATE FUNCTION add_note() RETURNS void LANGUAGE sql AS $$ SELECT 1 $$;
      """,
      """
      BEGIN;
      ALTER TABLE users ADD COLUMN note text;
      COMMIT;
      CREATE INDEX CONCURRENTLY users_note_idx ON users (note);
      """,
      """
      BEGIN;
      ANALYZE users;
      COMMIT;
      """,
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard context.state.transaction.inTransaction, let what = statement.nonTransactionalName else { return [] }
    let transaction = context.state.transaction
    if transaction.isToolTransaction, let tool = transaction.tool {
      return [
        Finding(
          at: statement.range, message: "`\(what)` cannot run inside a transaction block, and \(tool.reason)",
          help: tool.optOut)
      ]
    }
    return [
      Finding(
        at: statement.range,
        message:
          "`\(what)` cannot run inside a transaction block, and this runs inside \(transaction.describe(in: context.file.source))",
        help: "Move it after `COMMIT`, or into a migration that runs without a transaction")
    ]
  }
}
