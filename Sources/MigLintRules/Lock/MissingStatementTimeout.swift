import MigLintCore
import MigLintSyntax

struct MissingStatementTimeout: StatementRule {
  static let description = RuleDescription(
    id: "missing-statement-timeout",
    summary: "A statement takes a blocking lock with no statement_timeout set",
    category: .lock,
    severity: .info,
    enabledByDefault: false,
    aliases: ["require-statement-timeout"],
    fixSafety: .safe,
    rationale: """
      ## What it flags
      The first statement of a migration that takes a lock blocking reads or writes on an existing
      table, when no `SET [LOCAL] statement_timeout` came before it. Off by default: enable it
      with `select = ["default", "missing-statement-timeout"]`.

      ## Why it is dangerous
      Without a statement timeout, a statement that turns out slower than expected (a scan of a
      table larger than in staging) holds its lock for as long as it runs.

      ## Safe alternative
      `SET statement_timeout = '15min';` (or a value that fits the migration) at its start.
      """,
    triggering: [
      "▶ALTER TABLE users ALTER COLUMN email SET NOT NULL;"
    ],
    nonTriggering: [
      """
      SET statement_timeout = '15min';
      ALTER TABLE users ALTER COLUMN email SET NOT NULL;
      """
    ],
    corrections: [
      Correction(
        "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
        """
        SET statement_timeout = '15min';
        ALTER TABLE users ALTER COLUMN email SET NOT NULL;
        """)
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    TimeoutSetting.statement.check(statement, context)
  }
}
