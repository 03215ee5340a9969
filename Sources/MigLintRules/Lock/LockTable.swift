import MigLintCore
import MigLintSyntax

struct LockTable: StatementRule {
  static let readsHistory = false

  static let description = RuleDescription(
    id: "lock-table",
    summary: "An explicit LOCK TABLE in a mode that blocks reads or writes",
    category: .lock,
    severity: .warning,
    rationale: """
      ## What it flags
      `LOCK TABLE` in SHARE mode or stronger (`LOCK TABLE t` alone means ACCESS EXCLUSIVE).

      ## Why it is dangerous
      The lock is held until the transaction ends: every statement after it extends the time
      during which writes (SHARE and up) or reads too (ACCESS EXCLUSIVE) wait.

      ## Safe alternative
      Let each statement take the lock it needs, keep the transaction short, and set
      `lock_timeout` so the migration gives up instead of queueing traffic behind it.
      """,
    triggering: [
      "▶LOCK TABLE users;",
      "▶LOCK TABLE users IN SHARE MODE;",
    ],
    nonTriggering: [
      "LOCK TABLE users IN ROW EXCLUSIVE MODE;",
      "LOCK TABLE users IN SHARE UPDATE EXCLUSIVE MODE;",
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .lockTable(let lock) = statement.kind,
      lock.mode.blocksReadsOrWrites,
      let first = lock.relations.first
    else { return [] }
    let mode = lock.mode
    let names = lock.relations.map { "`\($0)`" }.joined(separator: ", ")
    return [
      Finding(
        at: statement.range,
        message:
          "`LOCK TABLE` takes \(mode.name) on \(names), which \(mode.blockedDescription) until the transaction ends",
        help: "Let each statement take the lock it needs, keep the transaction short, and set lock_timeout",
        lock: LockAcquisition(mode, on: first))
    ]
  }
}
