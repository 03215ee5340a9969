import MigLintCore
import MigLintSyntax

struct DropObject: StatementRule {
  static let description = RuleDescription(
    id: "drop-object",
    summary: "Dropping a view, function, type, sequence, domain, schema, extension, constraint or default",
    category: .compat,
    severity: .warning,
    aliases: [
      "ban-drop-view", "ban-drop-function", "ban-drop-type", "ban-drop-sequence", "ban-drop-domain",
      "ban-drop-schema", "ban-drop-extension", "ban-drop-constraint", "ban-drop-default",
      "ban-drop-generated-expression",
    ],
    rationale: """
      ## What it flags
      `DROP VIEW`, `MATERIALIZED VIEW`, `FUNCTION`, `PROCEDURE`, `TYPE`, `SEQUENCE`, `DOMAIN`,
      `SCHEMA`, `EXTENSION`; `ALTER TABLE … DROP CONSTRAINT`, `ALTER COLUMN … DROP DEFAULT` and
      `DROP EXPRESSION`; unless the object was created earlier in the same migration, or is
      created again later in it (a view rebuilt around a column change, a default set again after
      a type swap, a constraint or function replaced): running code never misses it.

      ## Why it is dangerous
      Code that is still running uses the object: queries on a dropped view or function fail,
      inserts that relied on a default get NULL (or fail on NOT NULL), and a dropped constraint
      stops protecting data that the application assumes it protects.

      ## Safe alternative
      Deploy code that no longer uses the object first, then drop it in a later release.
      """,
    triggering: [
      "▶DROP VIEW active_users;",
      "▶DROP FUNCTION touch_updated_at();",
      "ALTER TABLE orders ▶DROP CONSTRAINT orders_total_check;",
      "ALTER TABLE orders ALTER COLUMN ▶status DROP DEFAULT;",
    ],
    nonTriggering: [
      """
      CREATE VIEW tmp_report AS SELECT 1 AS n;
      DROP VIEW tmp_report;
      """,
      """
      ALTER TABLE orders ADD CONSTRAINT orders_tmp_check CHECK (total > 0) NOT VALID;
      ALTER TABLE orders DROP CONSTRAINT orders_tmp_check;
      """,
      "DROP TABLE old_orders;",
      """
      DROP VIEW active_users;
      ALTER TABLE users ALTER COLUMN email TYPE varchar(320);
      CREATE VIEW active_users AS SELECT id, email FROM users WHERE active;
      """,
      """
      ALTER TABLE orders ALTER COLUMN status DROP DEFAULT;
      ALTER TABLE orders ALTER COLUMN status TYPE order_status USING status::order_status;
      ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'new';
      """,
      """
      ALTER TABLE orders DROP CONSTRAINT orders_total_check;
      ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;
      """,
      """
      DROP FUNCTION touch_updated_at();
      CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
      """,
      // A column the model saw created without a default: DROP DEFAULT changes nothing (Sequelize's
      // `changeColumn` sends it whenever the new definition has no `defaultValue`).
      RuleExample(
        files: [
          ExampleFile("0001_orders.up.sql", "CREATE TABLE orders (id bigint PRIMARY KEY, note text);\n"),
          ExampleFile("0002_note.up.sql", "ALTER TABLE orders ALTER COLUMN note DROP DEFAULT;\n"),
        ],
        deployed: [ExampleFile("0001_orders.up.sql", "CREATE TABLE orders (id bigint PRIMARY KEY, note text);\n")],
        configuration: "ignore = [\"missing-down-migration\"]\n"),
    ])

  /// Object kinds this rule covers (tables, indexes and databases have rules of their own).
  static let kinds: [ObjectType: String] = [
    .view: "view", .matview: "materialized view", .function: "function", .procedure: "procedure",
    .routine: "routine", .type: "type", .sequence: "sequence", .domain: "domain", .schema: "schema",
    .extension: "extension",
  ]

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    switch statement.kind {
    case .drop(let drop):
      guard let kind = Self.kinds[drop.objectType] else { return [] }
      let catalogKind = drop.objectType.catalogKind
      let existing = drop.objects.filter { name in
        !context.catalog.isNewObject(catalogKind, name) && !recreatedLater(catalogKind, name, context)
          && !(catalogKind == .sequence && isReplacedSerialSequence(name, context))
      }
      guard !existing.isEmpty else { return [] }
      let names = existing.map { "`\($0)`" }.joined(separator: ", ")
      return [
        Finding(
          at: statement.range,
          message: "Dropping \(kind) \(names) breaks running code that still uses it",
          help: "Deploy code that no longer uses the \(kind) first, then drop it in a later release")
      ]
    case .alterTable(let alter):
      return alter.commands.enumerated().compactMap { position, command -> Finding? in
        // The statement's own later subcommands, then the script's later statements; searched
        // only for the commands that drop something (a script of many ALTERs stays linear).
        func after() -> [[AlterTableCommand]] {
          [alter.commands[(position + 1)...].map { $0 }] + laterAlters(of: alter.relation, context)
        }
        switch command.subtype {
        case .dropConstraint:
          guard let name = command.name, !context.catalog.isNewConstraint(name, on: alter.relation),
            !after().joined().contains(where: { replaces($0, name, on: alter.relation, context) }),
            !keyCoveredElsewhere(name, of: alter, skipping: position, context)
          else { return nil }
          return Finding(
            at: command.range,
            message:
              "Dropping constraint `\(name)` of `\(alter.relation)` stops protecting data that running code may rely on",
            help: "Make sure no code relies on the constraint, then drop it in a later release")
        case .columnDefault where command.defaultExpression == nil:
          // ALTER COLUMN … DROP DEFAULT (SET DEFAULT carries its expression).
          guard let name = command.name, context.catalog.isExistingColumn(name, of: alter.relation),
            !after().joined().contains(where: { givesValues($0, to: name) })
          else { return nil }
          // A column the model saw created without a default (and never given one): a no-op.
          if let known = context.catalog.table(alter.relation)?.column(name), known.origin != nil, !known.hasDefault {
            return nil
          }
          return Finding(
            at: SourceRange(
              start: context.identifier(name, in: command.range)?.start ?? command.range.start, end: command.range.end),
            message:
              "Dropping the default of \(alter.relation.column(name)) makes inserts from running code that omit it store NULL or fail",
            help: "Deploy code that always sets `\(name)` first, then drop the default in a later release")
        case .dropExpression:
          guard let name = command.name else { return nil }
          return Finding(
            at: command.range,
            message:
              "Dropping the generation expression of \(alter.relation.column(name)) leaves the column unmaintained for running code",
            help: "Deploy code that writes the column itself first")
        default:
          return nil
        }
      }
    default:
      return []
    }
  }

  // MARK: - Recreated in the same script (a view rebuilt around a change, a default set again
  // after a type swap): nothing running loses it.

  private func recreatedLater(_ kind: ObjectType, _ name: QualifiedName, _ context: StatementContext) -> Bool {
    let key = Catalog.key(name)
    return context.laterStatements.contains { later in
      let created: QualifiedName?
      switch later.kind {
      case .createView(let view) where kind.isView: created = view.name
      case .function(let function) where kind == .function: created = function.name
      case .enumChange(let change) where kind == .type && change.isCreate: created = change.name
      case .domainChange(let change) where kind == .domain && change.isCreate: created = change.name
      case .createObject(let object) where object.objectType == kind:
        // Schemas and extensions are not schema-qualified.
        return kind == .schema || kind == .extension ? object.name.name == name.name : Catalog.key(object.name) == key
      default: created = nil
      }
      return created.map(Catalog.key) == key
    }
  }

  /// True when `command` adds the dropped constraint again: under its name, or unnamed and of
  /// its kind (PostgreSQL then generates a name, usually the same).
  private func replaces(
    _ command: AlterTableCommand, _ name: String, on table: QualifiedName, _ context: StatementContext
  )
    -> Bool
  {
    guard command.subtype == .addConstraint, let added = command.constraint else { return false }
    if added.name == name { return true }
    return added.name == nil && context.catalog.table(table)?.constraint(name)?.kind == added.kind
  }

  /// True when the dropped constraint is a unique key or primary key whose columns another key
  /// added by this statement or a later one covers (`ADD PRIMARY KEY (a, b)` with `DROP
  /// CONSTRAINT t_a_b_key`): nothing stops being protected.
  private func keyCoveredElsewhere(
    _ name: String, of alter: AlterTable, skipping position: Int, _ context: StatementContext
  ) -> Bool {
    guard let dropped = context.catalog.table(alter.relation)?.constraint(name),
      dropped.kind == .unique || dropped.kind == .primaryKey
    else { return false }
    let others = alter.commands.enumerated().filter { $0.offset != position }.map(\.element)
    return (others + laterAlters(of: alter.relation, context).joined()).contains { command in
      guard let added = command.constraint, added.kind == .primaryKey || added.kind == .unique else { return false }
      return Set(added.columns) == Set(dropped.columns)
    }
  }

  /// The subcommands of the script's later `ALTER TABLE`s of `table`, statement by statement.
  private func laterAlters(of table: QualifiedName, _ context: StatementContext) -> [[AlterTableCommand]] {
    context.laterStatements(ofNode: .alterTableStmt, naming: table.name).compactMap { later in
      guard case .alterTable(let alter) = later.kind, Catalog.key(alter.relation) == Catalog.key(table) else {
        return nil
      }
      return alter.commands
    }
  }

  /// True when `command` gives `column` values again: a new default, or an identity.
  private func givesValues(_ command: AlterTableCommand, to column: String) -> Bool {
    guard command.name == column else { return false }
    return (command.subtype == .columnDefault && command.defaultExpression != nil) || command.subtype == .addIdentity
  }

  /// True for `<table>_<column>_seq`, the sequence of a serial column whose default an earlier
  /// statement of the script dropped: the column is being re-keyed (to an identity, say).
  private func isReplacedSerialSequence(_ name: QualifiedName, _ context: StatementContext) -> Bool {
    context.earlierStatements(ofNode: .alterTableStmt).contains { earlier in
      guard case .alterTable(let alter) = earlier.kind else { return false }
      return alter.commands.contains { command in
        command.subtype == .columnDefault && command.defaultExpression == nil
          && command.name.map { "\(alter.relation.name)_\($0)_seq" } == name.name
      }
    }
  }

}
