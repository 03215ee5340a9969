import MigLintCore
import MigLintSyntax

struct AddPrimaryKey: StatementRule {
  static let description = RuleDescription(
    id: "add-primary-key",
    summary: "Adding a primary key builds its index and may scan the table under ACCESS EXCLUSIVE",
    category: .lock,
    severity: .warning,
    aliases: ["adding-serial-primary-key-field"],
    rationale: """
      ## What it flags
      `ALTER TABLE … ADD PRIMARY KEY (…)` or `ADD COLUMN … PRIMARY KEY` without `USING INDEX` on an
      existing table; and `ADD PRIMARY KEY USING INDEX` when a key column is known to be nullable.

      ## Why it is dangerous
      The unique index is built inside the ALTER TABLE under an ACCESS EXCLUSIVE lock, and every
      key column that is not already NOT NULL gets an implicit SET NOT NULL, a full scan under
      the same lock.

      ## Safe alternative
      1. Make the columns NOT NULL without a long lock (see `set-not-null`).
      2. `CREATE UNIQUE INDEX CONCURRENTLY t_pkey_idx ON t (id);`
      3. `ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_pkey_idx;` (instant)
      """,
    triggering: [
      "ALTER TABLE events ADD ▶PRIMARY KEY (id);",
      "ALTER TABLE events ADD COLUMN ▶id bigint PRIMARY KEY;",
      """
      ALTER TABLE events ADD COLUMN uid bigint;
      CREATE UNIQUE INDEX CONCURRENTLY events_uid_idx ON events (uid);
      ALTER TABLE events ADD ▶CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_uid_idx;
      """,
    ],
    nonTriggering: [
      "ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_id_idx;",
      """
      CREATE TABLE imports (id bigint);
      ALTER TABLE imports ADD PRIMARY KEY (id);
      """,
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .alterTable(let alter) = statement.kind, context.catalog.isExisting(alter.relation) else {
      return []
    }
    let lock = LockAcquisition(.accessExclusive, on: alter.relation)
    let help =
      "Make the key columns NOT NULL first, build the index with `CREATE UNIQUE INDEX CONCURRENTLY`, then `ADD CONSTRAINT … PRIMARY KEY USING INDEX`"
    return alter.commands.compactMap { command -> Finding? in
      if command.subtype == .addColumn, let column = command.column, column.has(.primaryKey) {
        return Finding(
          at: SourceRange(start: column.location ?? command.range.start, end: command.range.end),
          message:
            "Adding primary-key column \(alter.relation.column(column.name)) builds its index under an ACCESS EXCLUSIVE lock that blocks reads and writes",
          help: help, lock: lock)
      }
      guard command.subtype == .addConstraint, let constraint = command.constraint, constraint.kind == .primaryKey
      else { return nil }
      let range = SourceRange(start: constraint.location ?? command.range.start, end: command.range.end)
      guard let indexName = constraint.usingIndex else {
        return Finding(
          at: range,
          message:
            "Adding a primary key to `\(alter.relation)` builds its index (and checks the columns for NULL) under an ACCESS EXCLUSIVE lock that blocks reads and writes",
          help: help, lock: lock)
      }
      let index = context.catalog.index(QualifiedName(schema: alter.relation.schema, name: indexName))
      let table = context.catalog.table(alter.relation)
      let nullable = (index?.columns ?? []).compactMap { $0 }.filter { name in
        table?.column(name).map { !$0.notNull } ?? false
      }
      guard !nullable.isEmpty else { return nil }
      return Finding(
        at: range,
        message:
          "`PRIMARY KEY USING INDEX \(indexName)` sets NOT NULL on nullable \(nullable.map { "`\($0)`" }.joined(separator: ", ")), a full scan under an ACCESS EXCLUSIVE lock that blocks reads and writes",
        help: "Make the columns NOT NULL first through a validated CHECK (see set-not-null)", lock: lock)
    }
  }
}
