import MigLintCore
import MigLintSyntax

struct ConstraintWithoutNotValid: StatementRule {
  static let description = RuleDescription(
    id: "constraint-without-not-valid",
    summary: "Adding a CHECK or FOREIGN KEY without NOT VALID scans the table while holding a lock",
    category: .lock,
    severity: .warning,
    aliases: ["constraint-missing-not-valid", "adding-foreign-key-constraint"],
    fixSafety: .unsafe,
    rationale: """
      ## What it flags
      `ALTER TABLE … ADD CONSTRAINT … CHECK (…)` or `… FOREIGN KEY …` without `NOT VALID`, and
      `ADD COLUMN … REFERENCES …`, on an existing table.

      ## Why it is dangerous
      PostgreSQL checks every existing row before the statement ends, holding its lock the whole
      time: ACCESS EXCLUSIVE for a CHECK (no reads, no writes); SHARE ROW EXCLUSIVE on **both**
      tables for a foreign key (no writes to either).

      ## Safe alternative
      Add the constraint with `NOT VALID` (instant: only new rows are checked), then
      `ALTER TABLE … VALIDATE CONSTRAINT …` in a separate transaction: it scans under SHARE UPDATE
      EXCLUSIVE, which lets reads and writes go on. For `ADD COLUMN … REFERENCES`, add the column
      first and the foreign key separately, `NOT VALID`.
      """,
    triggering: [
      "ALTER TABLE orders ADD ▶CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);",
      "ALTER TABLE users ADD ▶CONSTRAINT users_age_check CHECK (age >= 0);",
      "ALTER TABLE orders ADD COLUMN ▶team_id bigint REFERENCES teams (id);",
    ],
    nonTriggering: [
      "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;",
      "ALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age >= 0) NOT VALID;",
      """
      CREATE TABLE items (id bigint, order_id bigint);
      ALTER TABLE items ADD CONSTRAINT items_order_fk FOREIGN KEY (order_id) REFERENCES orders (id);
      """,
    ],
    corrections: [
      Correction(
        "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);",
        """
        ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
        ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;
        """),
      Correction(
        "ALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age >= 0);",
        """
        ALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age >= 0) NOT VALID;
        ALTER TABLE users VALIDATE CONSTRAINT users_age_check;
        """),
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .alterTable(let alter) = statement.kind, alter.objectType == .table,
      context.catalog.isExisting(alter.relation)
    else { return [] }
    var findings: [Finding] = []
    for command in alter.commands {
      if command.subtype == .addConstraint, let constraint = command.constraint, !constraint.notValid,
        constraint.kind == .check || constraint.kind == .foreignKey
      {
        findings.append(tableConstraint(constraint, command, alter, statement, context))
      } else if command.subtype == .addColumn, let column = command.column,
        let foreignKey = column.constraint(.foreignKey), let referenced = foreignKey.referencedTable
      {
        findings.append(
          Finding(
            at: SourceRange(start: column.location ?? command.range.start, end: command.range.end),
            message:
              "Adding column \(alter.relation.column(column.name)) with REFERENCES `\(referenced)` validates the foreign key while holding a SHARE ROW EXCLUSIVE lock on `\(referenced)` that blocks writes",
            help:
              "Add the column without REFERENCES, then add the foreign key with NOT VALID and VALIDATE it in a separate transaction",
            lock: LockAcquisition(.shareRowExclusive, on: referenced)))
      }
    }
    return findings
  }

  private func tableConstraint(
    _ constraint: ConstraintDefinition, _ command: AlterTableCommand, _ alter: AlterTable,
    _ statement: Statement, _ context: StatementContext
  ) -> Finding {
    let name = constraint.name.map { "`\($0)` " } ?? ""
    let message: String
    let lock: LockAcquisition
    if constraint.kind == .foreignKey, let referenced = constraint.referencedTable {
      message =
        "Adding foreign key \(name)on `\(alter.relation)` without NOT VALID scans the table while holding SHARE ROW EXCLUSIVE locks on `\(alter.relation)` and `\(referenced)` that block writes"
      lock = LockAcquisition(.shareRowExclusive, on: alter.relation)
    } else {
      message =
        "Adding CHECK constraint \(name)on `\(alter.relation)` without NOT VALID scans the table under an ACCESS EXCLUSIVE lock that blocks reads and writes"
      lock = LockAcquisition(.accessExclusive, on: alter.relation)
    }
    let validate =
      constraint.name.map { "`ALTER TABLE \(alter.relation) VALIDATE CONSTRAINT \($0)`" } ?? "VALIDATE CONSTRAINT"
    var fixes: [Fix] = []
    // One subcommand with a named constraint: append NOT VALID and a VALIDATE statement after it.
    if let constraintName = constraint.name, alter.commands.count == 1 {
      fixes.append(
        Fix(
          title: "Add NOT VALID and validate in a separate statement", safety: .unsafe,
          edits: [
            .insert(
              " NOT VALID;\nALTER TABLE \(alter.relation) VALIDATE CONSTRAINT \(constraintName)",
              at: command.range.end)
          ]))
    }
    return Finding(
      at: SourceRange(start: constraint.location ?? command.range.start, end: command.range.end),
      message: message,
      help: "Add the constraint with NOT VALID, then run \(validate) in a separate transaction",
      lock: lock, fixes: fixes)
  }
}
