import MigLintCore
import MigLintSyntax

struct AddUniqueConstraint: StatementRule {
  static let description = RuleDescription(
    id: "add-unique-constraint",
    summary: "Adding a UNIQUE constraint builds its index under an ACCESS EXCLUSIVE lock",
    category: .lock,
    severity: .warning,
    aliases: ["disallowed-unique-constraint"],
    rationale: """
      ## What it flags
      `ALTER TABLE … ADD CONSTRAINT … UNIQUE (…)` without `USING INDEX`, and
      `ADD COLUMN … UNIQUE`, on an existing table.

      ## Why it is dangerous
      The unique index is built inside the ALTER TABLE, which holds an ACCESS EXCLUSIVE lock for
      the whole build: no reads, no writes.

      ## Safe alternative
      1. `CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);`
      2. `ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;`
         (instant)
      """,
    triggering: [
      "ALTER TABLE users ADD ▶CONSTRAINT users_email_key UNIQUE (email);",
      "ALTER TABLE users ADD COLUMN ▶handle text UNIQUE;",
    ],
    nonTriggering: [
      "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;",
      """
      CREATE TABLE teams (id bigint, slug text);
      ALTER TABLE teams ADD CONSTRAINT teams_slug_key UNIQUE (slug);
      """,
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .alterTable(let alter) = statement.kind, context.catalog.isExisting(alter.relation) else {
      return []
    }
    return alter.commands.compactMap { command -> Finding? in
      let names: [String]
      let start: Int?
      if command.subtype == .addConstraint, let constraint = command.constraint, constraint.kind == .unique,
        constraint.usingIndex == nil
      {
        names = constraint.columns
        start = constraint.location
      } else if command.subtype == .addColumn, let column = command.column, column.has(.unique) {
        names = [column.name]
        start = column.location
      } else {
        return nil
      }
      let columns = names.joined(separator: ", ")
      let index = "\(alter.relation.name)_\(names.joined(separator: "_"))_key"
      return Finding(
        at: SourceRange(start: start ?? command.range.start, end: command.range.end),
        message:
          "Adding a UNIQUE constraint on `\(alter.relation)` (\(columns)) builds its index under an ACCESS EXCLUSIVE lock that blocks reads and writes",
        help:
          "Run `CREATE UNIQUE INDEX CONCURRENTLY \(index) ON \(alter.relation) (\(columns))`, then `ADD CONSTRAINT \(index) UNIQUE USING INDEX \(index)`",
        lock: LockAcquisition(.accessExclusive, on: alter.relation))
    }
  }
}
