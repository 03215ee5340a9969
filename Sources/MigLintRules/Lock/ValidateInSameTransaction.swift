import MigLintCore
import MigLintSyntax

struct ValidateInSameTransaction: StatementRule {
  static let description = RuleDescription(
    id: "validate-in-same-transaction",
    summary: "VALIDATE CONSTRAINT in the transaction that added it, or that holds a strong lock",
    category: .lock,
    severity: .warning,
    rationale: """
      ## What it flags
      `ALTER TABLE … VALIDATE CONSTRAINT c` in the same transaction as the `ADD CONSTRAINT c …
      NOT VALID`, or in a transaction that already holds ACCESS EXCLUSIVE or SHARE ROW EXCLUSIVE
      on the table.

      ## Why it is dangerous
      `NOT VALID` plus a separate `VALIDATE` exists so that the scan runs under the weak SHARE
      UPDATE EXCLUSIVE lock. In the same transaction the strong lock from the `ADD` (or from
      any earlier statement) is still held until `COMMIT`: the scan blocks writes, or reads and
      writes, exactly as a plain `ADD CONSTRAINT` would.

      ## Safe alternative
      Commit after `ADD CONSTRAINT … NOT VALID`, and validate in a later transaction or migration.
      """,
    triggering: [
      """
      BEGIN;
      ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
      ALTER TABLE orders ▶VALIDATE CONSTRAINT orders_user_fk;
      COMMIT;
      """,
      """
      ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID,
        ▶VALIDATE CONSTRAINT orders_total_check;
      """,
    ],
    nonTriggering: [
      """
      ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
      ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;
      """,
      """
      BEGIN;
      ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
      COMMIT;
      BEGIN;
      ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;
      COMMIT;
      """,
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .alterTable(let alter) = statement.kind else { return [] }
    let key = Catalog.key(alter.relation)
    var findings: [Finding] = []
    var addedHere = Set<String>()
    for command in alter.commands {
      if let constraint = command.constraint, constraint.notValid, let name = constraint.name { addedHere.insert(name) }
      guard command.subtype == .validateConstraint, let name = command.name else { continue }
      let sameStatement = addedHere.contains(name)
      let addedEarlier = context.state.transaction.notValidConstraints.contains(key + "/" + name)
      let held = context.state.transaction.locks[key].flatMap { lock in
        lock.mode >= .shareRowExclusive ? lock : nil
      }
      let reason: String
      if sameStatement || addedEarlier {
        reason = "in the transaction that added it NOT VALID, which still holds its lock"
      } else if let held {
        let line = context.file.source.line(of: held.offset)
        reason = "while this transaction holds the \(held.mode.name) lock taken on line \(line)"
      } else {
        continue
      }
      findings.append(
        Finding(
          at: command.range,
          message:
            "Validating `\(name)` on `\(alter.relation)` \(reason): the scan blocks writes until COMMIT",
          help: "Commit after `ADD CONSTRAINT … NOT VALID` and validate in a later transaction",
          lock: LockAcquisition(.shareUpdateExclusive, on: alter.relation)))
    }
    return findings
  }
}
