import MigLintCore
import MigLintSyntax

struct AddExclusionConstraint: StatementRule {
  static let description = RuleDescription(
    id: "add-exclusion-constraint",
    summary: "Adding an exclusion constraint scans the table under an ACCESS EXCLUSIVE lock",
    category: .lock,
    severity: .warning,
    rationale: """
      ## What it flags
      `ALTER TABLE … ADD CONSTRAINT … EXCLUDE …` on an existing table.

      ## Why it is dangerous
      An exclusion constraint cannot be added `NOT VALID`, and there is no `USING INDEX` form: its
      index is built and every row checked under an ACCESS EXCLUSIVE lock that blocks reads and
      writes for the whole time.

      ## Safe alternative
      Create the constraint with the table, or enforce the rule with a trigger plus an index
      built concurrently; otherwise schedule the statement for a maintenance window.
      """,
    triggering: [
      "ALTER TABLE bookings ADD ▶CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);"
    ],
    nonTriggering: [
      """
      CREATE TABLE bookings (room int, during tstzrange);
      ALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);
      """
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .alterTable(let alter) = statement.kind, context.catalog.isExisting(alter.relation) else {
      return []
    }
    return alter.commands.compactMap { command in
      guard command.subtype == .addConstraint, let constraint = command.constraint, constraint.kind == .exclusion
      else { return nil }
      return Finding(
        at: SourceRange(start: constraint.location ?? command.range.start, end: command.range.end),
        message:
          "Adding exclusion constraint \(constraint.name.map { "`\($0)` " } ?? "")on `\(alter.relation)` builds its index and checks every row under an ACCESS EXCLUSIVE lock that blocks reads and writes",
        help: "Create the constraint with the table, or enforce it with a trigger and a concurrently built index",
        lock: LockAcquisition(.accessExclusive, on: alter.relation))
    }
  }
}
