import MigLintCore
import MigLintSyntax

struct SetNotNull: StatementRule {
  static let description = RuleDescription(
    id: "set-not-null",
    summary: "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock",
    category: .lock,
    severity: .warning,
    aliases: ["adding-not-nullable-field"],
    versionNotes: """
      From PostgreSQL 12, SET NOT NULL skips the scan when a validated CHECK constraint already
      proves the column is not null. Before 12 there is no way to avoid the scan.
      """,
    rationale: """
      ## What it flags
      `ALTER TABLE … ALTER COLUMN … SET NOT NULL` on an existing table, unless (PostgreSQL 12+)
      a validated `CHECK (col IS NOT NULL)` exists, earlier in the migration or the history. Only
      a check that proves non-null counts: exactly `col IS NOT NULL`, or an `AND` that contains it,
      and only once it is validated.

      ## Why it is dangerous
      PostgreSQL reads every row to prove there is no NULL while holding an ACCESS EXCLUSIVE lock:
      no reads, no writes, for the whole scan.

      ## Safe alternative
      1. `ALTER TABLE t ADD CONSTRAINT t_c_not_null CHECK (c IS NOT NULL) NOT VALID;` (instant)
      2. `ALTER TABLE t VALIDATE CONSTRAINT t_c_not_null;` in a separate transaction (scans, but
         only takes SHARE UPDATE EXCLUSIVE: reads and writes go on)
      3. `ALTER TABLE t ALTER COLUMN c SET NOT NULL;` (PostgreSQL 12+: no scan)
      4. `ALTER TABLE t DROP CONSTRAINT t_c_not_null;`
      """,
    triggering: [
      "ALTER TABLE users ALTER COLUMN ▶email SET NOT NULL;",
      """
      ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;
      ALTER TABLE users ALTER COLUMN ▶email SET NOT NULL;
      """,
      RuleExample(
        """
        ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL);
        ALTER TABLE users ALTER COLUMN ▶email SET NOT NULL;
        """, pgVersion: 11),
    ],
    nonTriggering: [
      """
      ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;
      ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;
      ALTER TABLE users ALTER COLUMN email SET NOT NULL;
      """,
      """
      ALTER TABLE users ADD CONSTRAINT users_nn CHECK (email IS NOT NULL AND name IS NOT NULL);
      ALTER TABLE users ALTER COLUMN name SET NOT NULL;
      """,
      """
      CREATE TABLE teams (id bigint, name text);
      ALTER TABLE teams ALTER COLUMN name SET NOT NULL;
      """,
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .alterTable(let alter) = statement.kind, context.catalog.isExisting(alter.relation) else {
      return []
    }
    return alter.commands.compactMap { command in
      guard command.subtype == .setNotNull, let column = command.name else { return nil }
      if context.pg(atLeast: 12), context.catalog.hasValidatedNotNullCheck(column, on: alter.relation) {
        return nil
      }
      let constraint = "\(alter.relation.name)_\(column)_not_null"
      let help =
        context.pg(atLeast: 12)
        ? "Add `CONSTRAINT \(constraint) CHECK (\(column) IS NOT NULL) NOT VALID`, VALIDATE it in a separate transaction, then SET NOT NULL (no scan from PostgreSQL 12) and drop the check"
        : "Before PostgreSQL 12 SET NOT NULL always scans: keep a `CHECK (\(column) IS NOT NULL)` constraint added NOT VALID and then validated, instead of the column flag"
      return Finding(
        at: SourceRange(
          start: context.identifier(column, in: command.range)?.start ?? command.range.start,
          end: command.range.end),
        message:
          "SET NOT NULL on \(alter.relation.column(column)) scans the whole table under an ACCESS EXCLUSIVE lock that blocks reads and writes",
        help: help,
        lock: LockAcquisition(.accessExclusive, on: alter.relation))
    }
  }
}
