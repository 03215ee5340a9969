import MigLintCore
import MigLintSyntax

struct MissingLockTimeout: StatementRule {
  static let description = RuleDescription(
    id: "missing-lock-timeout",
    summary: "A statement waits for a blocking lock with no lock_timeout set",
    category: .lock,
    severity: .warning,
    aliases: ["require-lock-timeout", "require-timeout-settings"],
    fixSafety: .safe,
    options: """
      `lock-timeout-set-by-runner = true` in `miglint.toml` turns the rule off for projects whose
      migration runner sets `lock_timeout` on its connection.
      """,
    rationale: """
      ## What it flags
      The first statement of a migration that takes a lock blocking reads or writes on an existing
      table, when no `SET [LOCAL] lock_timeout` (or `set_config('lock_timeout', …)`) came before it.

      ## Why it is dangerous
      A lock request waits for every transaction that holds a conflicting lock, and while it
      waits, every later query on the table queues behind it. A one-millisecond `ALTER TABLE`
      stuck behind a long report takes the table down for as long as the report runs.

      ## Safe alternative
      `SET lock_timeout = '5s';` at the start of the migration (or `SET LOCAL` inside its
      transaction), and retry the migration when it times out.
      """,
    triggering: [
      "▶ALTER TABLE users ADD COLUMN note text;",
      """
      SET statement_timeout = '5min';
      ▶CREATE INDEX users_email_idx ON users (email);
      ALTER TABLE users DROP COLUMN legacy;
      """,
    ],
    nonTriggering: [
      """
      SET lock_timeout = '5s';
      ALTER TABLE users ADD COLUMN note text;
      """,
      """
      SELECT set_config('lock_timeout', '5s', false);
      ALTER TABLE users ADD COLUMN note text;
      """,
      "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);",
      """
      CREATE TABLE teams (id bigint);
      ALTER TABLE teams ADD COLUMN name text;
      """,
    ],
    corrections: [
      Correction(
        "ALTER TABLE users ADD COLUMN note text;",
        """
        SET lock_timeout = '5s';
        ALTER TABLE users ADD COLUMN note text;
        """),
      Correction(
        """
        SET statement_timeout = '5min';
        CREATE INDEX users_email_idx ON users (email);
        ALTER TABLE users DROP COLUMN legacy;
        """,
        """
        SET statement_timeout = '5min';
        SET lock_timeout = '5s';
        CREATE INDEX users_email_idx ON users (email);
        ALTER TABLE users DROP COLUMN legacy;
        """),
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard !context.options.lockTimeoutSetByRunner else { return [] }
    return TimeoutSetting.lock.check(statement, context)
  }
}

/// The shared logic of missing-lock-timeout and missing-statement-timeout: the first statement of
/// the migration that blocks reads or writes on an existing table, with the setting not yet made.
enum TimeoutSetting: String {
  case lock = "lock_timeout"
  case statement = "statement_timeout"

  func check(_ statement: Statement, _ context: StatementContext) -> [Finding] {
    guard !context.state.settings.contains(rawValue), !context.state.blockingLockTaken else { return [] }
    let blocking = context.locks.filter { lock in
      lock.mode.blocksReadsOrWrites && context.catalog.isExisting(lock.relation)
    }
    guard let lock = blocking.max(by: { $0.mode < $1.mode }) else { return [] }
    let setting = context.state.transaction.inTransaction ? "SET LOCAL" : "SET"
    let value = self == .lock ? "'5s'" : "'15min'"
    let message: String
    switch self {
    case .lock:
      // What queues behind the waiting request is what conflicts with the mode it asks for.
      let queued = lock.mode.blocksReads ? "every query" : "every write"
      message =
        "`\(context.headline(statement))` waits for the \(lock.phrase) with no lock_timeout: while it waits, \(queued) on `\(lock.relation)` queues behind it"
    case .statement:
      message =
        "`\(context.headline(statement))` takes the \(lock.phrase) with no statement_timeout: nothing bounds how long it holds it"
    }
    // A second statement would make a one-statement script of a one-query tool a transaction,
    // where this one cannot run: set the timeout for the runner's role instead.
    if context.state.transactionWithAnotherStatement != nil, statement.nonTransactionalName != nil {
      return [
        Finding(
          at: statement.range, message: message,
          help:
            "Set \(rawValue) for the role the runner connects as (`ALTER ROLE … SET \(rawValue) = \(value);`): a second statement in this file would make the runner send it as one transaction, where `\(context.headline(statement))` cannot run",
          lock: lock)
      ]
    }
    return [
      Finding(
        at: statement.range, message: message,
        help: "Put `\(setting) \(rawValue) = \(value);` before the first locking statement"
          + (self == .lock ? " and retry the migration when it times out" : ""),
        lock: lock,
        fixes: [
          Fix(
            title: "Set \(rawValue) first", safety: .safe,
            edits: [.insert("\(setting) \(rawValue) = \(value);\n", at: statement.range.start)])
        ])
    ]
  }
}
