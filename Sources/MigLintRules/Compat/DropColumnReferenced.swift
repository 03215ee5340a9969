import MigLintCore
import MigLintSyntax

struct DropColumnReferenced: StatementRule {
  static let description = RuleDescription(
    id: "drop-column-referenced",
    summary: "Dropping a column that other objects use fails, or silently drops them",
    category: .compat,
    severity: .error,
    rationale: """
      ## What it flags
      `ALTER TABLE … DROP COLUMN` of a column that the schema model (every migration before,
      replayed in order) says something else uses. The message lists each dependent object with
      the file and line that created it. An index or constraint that the same statement drops
      first, or that the script creates again afterwards, is not lost, and a function the script
      replaces afterwards does not break: neither is reported. Nor is an index or constraint
      (other than the primary key) only on columns the statement drops: it has no use without
      them.

      ## Why it is dangerous
      Two outcomes, both bad:
      - PostgreSQL **refuses** the drop ("cannot drop column … because other objects depend on
        it") when a view, materialized view, another table's foreign key, a policy or a
        trigger's column list uses the column: the migration fails at deploy time. With
        `CASCADE` it drops them all instead.
      - PostgreSQL **silently drops** every index that includes the column (a multi-column index
        as a whole) and every constraint of the table on it: the migration succeeds and queries
        lose their index.

      Functions whose bodies name the table and the column are not tracked by PostgreSQL: they
      fail the next time they run.

      ## Safe alternative
      Drop or recreate the dependents first, in the same migration and on purpose: recreate the
      view without the column, move the foreign key, build a replacement index concurrently.
      """,
    triggering: [
      """
      CREATE TABLE users (id bigint PRIMARY KEY, email text);
      CREATE VIEW user_emails AS SELECT id, email FROM users;
      ALTER TABLE users DROP COLUMN ▶email;
      """,
      RuleExample(files: [
        ExampleFile(
          "0001_orders.up.sql",
          """
          CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, placed_at timestamptz);
          CREATE INDEX orders_customer_placed_idx ON orders (customer_id, placed_at);
          """),
        ExampleFile("0001_orders.down.sql", "DROP TABLE orders;\n"),
        ExampleFile("0002_drop_placed_at.up.sql", "ALTER TABLE orders DROP COLUMN ▶placed_at;\n"),
        ExampleFile(
          "0002_drop_placed_at.down.sql", "ALTER TABLE orders ADD COLUMN placed_at timestamptz;\n"),
      ]),
    ],
    nonTriggering: [
      """
      CREATE TABLE users (id bigint PRIMARY KEY, email text, nickname text);
      CREATE VIEW user_emails AS SELECT id, email FROM users;
      ALTER TABLE users DROP COLUMN nickname;
      """,
      """
      CREATE TABLE users (id bigint PRIMARY KEY, email text);
      CREATE VIEW user_emails AS SELECT id, email FROM users;
      DROP VIEW user_emails;
      ALTER TABLE users DROP COLUMN email;
      """,
      RuleExample(files: [
        ExampleFile(
          "0001_tenant.up.sql",
          """
          ALTER TABLE users ADD COLUMN tenant_id bigint REFERENCES tenants (id);
          CREATE INDEX users_tenant_idx ON users (tenant_id);
          """),
        ExampleFile("0001_tenant.down.sql", "ALTER TABLE users DROP COLUMN tenant_id;\n"),
      ]),
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .alterTable(let alter) = statement.kind, alter.objectType == .table else { return [] }
    let table = Catalog.key(alter.relation)
    var droppedBefore = Set<String>()
    let droppedColumns = Set(alter.commands.filter { $0.subtype == .dropColumn }.compactMap(\.name))
    // Most ALTER TABLEs drop no column: the script's later statements are not searched for them
    // (one search per statement would make a script of many ALTERs quadratic).
    guard !droppedColumns.isEmpty else { return [] }
    // A statement or script that adds a primary key replaces the one the column takes along.
    // Searched only when a primary key is at stake: once per DROP COLUMN, the search of every
    // later statement made a script of many drops quadratic.
    let replacesPrimaryKey = {
      addsPrimaryKey(statement, to: table)
        || context.laterStatements(ofNode: .alterTableStmt, naming: alter.relation.name).contains {
          addsPrimaryKey($0, to: table)
        }
    }
    return alter.commands.compactMap { command in
      if command.subtype == .dropConstraint, let name = command.name { droppedBefore.insert(name) }
      guard command.subtype == .dropColumn, let column = command.name else { return nil }
      // An index or constraint created by this migration (or, for a down script, by its up) goes
      // with the column on purpose; what PostgreSQL refuses fails whoever created it. One the
      // statement drops itself, or the script creates again, is not lost; a function the script
      // replaces afterwards does not break.
      let dependents = context.catalog.dependents(ofColumn: column, inTable: table).filter { dependent in
        switch dependent.effect {
        case .refuses: return true
        case .droppedSilently:
          if case .constraint(_, let name) = dependent.kind {
            if droppedBefore.contains(name) { return false }
            if context.catalog.table(alter.relation)?.constraint(name)?.kind == .primaryKey, replacesPrimaryKey() {
              return false
            }
          }
          return !context.catalog.isNew(dependent.origin) && !recreatedLater(dependent, context)
            && !coversOnly(droppedColumns, dependent, context.catalog)
        case .breaksAtRunTime: return !recreatedLater(dependent, context)
        }
      }
      guard !dependents.isEmpty else { return nil }
      return Finding(
        at: SourceRange(
          start: context.identifier(column, in: command.range)?.start ?? command.range.start, end: command.range.end),
        message: "Dropping column \(alter.relation.column(column)) "
          + Self.outcome(dependents, cascade: command.cascade),
        help: "Drop or recreate the dependents first, on purpose, in this migration",
        lock: LockAcquisition(.accessExclusive, on: alter.relation), related: dependents.compactMap(\.related))
    }
  }

  /// "fails: view `v` (003.sql:2) depends on it; it would also drop index `i` (001.sql:4)"
  static func outcome(_ dependents: [Catalog.Dependent], cascade: Bool) -> String {
    let listed = { (effect: Catalog.Dependent.Effect) in
      dependents.filter { $0.effect == effect }.map { dependent in
        dependent.description + (dependent.origin.map { " (\($0.location))" } ?? "")
      }.joined(separator: ", ")
    }
    var parts: [String] = []
    let refusing = listed(.refuses)
    if !refusing.isEmpty {
      parts.append(
        cascade
          ? "with CASCADE also drops \(refusing)"
          : "fails, PostgreSQL refuses it because \(refusing) depend\(dependents.filter { $0.effect == .refuses }.count == 1 ? "s" : "") on it"
      )
    }
    let silent = listed(.droppedSilently)
    if !silent.isEmpty { parts.append("silently drops \(silent)") }
    let untracked = listed(.breaksAtRunTime)
    if !untracked.isEmpty { parts.append("breaks \(untracked) at run time (PostgreSQL does not track it)") }
    return parts.joined(separator: "; ")
  }

  /// True when a later statement of the script creates the dependent again (same index or
  /// constraint name, same function).
  private func recreatedLater(_ dependent: Catalog.Dependent, _ context: StatementContext) -> Bool {
    context.laterStatements(ofNode: .indexStmt, .alterTableStmt, .createFunctionStmt).contains { later in
      switch (dependent.kind, later.kind) {
      case (.index(let key), .createIndex(let index)):
        return index.name.map { Catalog.key(QualifiedName(schema: index.table.schema, name: $0)) } == key
      case (.constraint(let table, let name), .alterTable(let alter)):
        return Catalog.key(alter.relation) == table && alter.commands.contains { $0.constraint?.name == name }
      case (.function(let key), .function(let function)):
        return function.name.map { ObjectKey(kind: .function, name: Catalog.key($0)) } == key
      default: return false
      }
    }
  }

  private func addsPrimaryKey(_ statement: Statement, to table: String) -> Bool {
    guard case .alterTable(let alter) = statement.kind, Catalog.key(alter.relation) == table else { return false }
    return alter.commands.contains { $0.constraint?.kind == .primaryKey || $0.column?.has(.primaryKey) == true }
  }

  /// True for an index or constraint only about columns the statement drops (other than the
  /// primary key): it has no use without them, so losing it loses nothing.
  private func coversOnly(_ columns: Set<String>, _ dependent: Catalog.Dependent, _ catalog: Catalog) -> Bool {
    switch dependent.kind {
    case .index(let key):
      guard let index = catalog.indexes[key] else { return false }
      return index.columns.allSatisfy { $0.map(columns.contains) ?? true }
        && index.expressionColumns.allSatisfy(columns.contains)
    case .constraint(let table, let name):
      guard let constraint = catalog.tables[table]?.constraint(name), constraint.kind != .primaryKey else {
        return false
      }
      return constraint.columns.allSatisfy(columns.contains)
    default:
      return false
    }
  }
}
