import MigLintSyntax

/// The schema model: what exists before each statement, replayed statement by statement.
///
/// Replay is tolerant: a statement about an object the model does not know changes nothing and
/// fails nothing (histories often start from a baseline dump). An object the model does not know
/// counts as existing: it may hold rows and serve traffic.
package struct Catalog: Sendable {
  package struct Column: Sendable, Hashable {
    package var name: String
    package var type: TypeReference?
    package var notNull: Bool
    /// Added by the migration being linted (nobody can depend on it yet).
    package var isNew: Bool
  }

  package struct Check: Sendable, Hashable {
    package var name: String?
    package var provesNotNull: [String]
    package var validated: Bool
  }

  package struct Table: Sendable {
    package var name: QualifiedName
    package var columns: [Column]
    package var checks: [Check]
    /// Created by the migration being linted.
    package var isNew: Bool
    /// Column lists of the primary key, unique constraints and indexes known on the table.
    package var keys: [[String?]] = []
    /// Constraints added by the migration being linted.
    package var newConstraints: Set<String> = []

    package func column(_ name: String) -> Column? { columns.first { $0.name == name } }
  }

  package struct Index: Sendable, Hashable {
    package var name: QualifiedName
    package var table: QualifiedName
    package var isNew: Bool
    package var columns: [String?] = []
  }

  package private(set) var tables: [String: Table] = [:]
  package private(set) var indexes: [String: Index] = [:]
  /// Objects other than tables and indexes created by the migration being linted, as
  /// "<kind>:<schema>.<name>" (kinds: view, matview, function, type, sequence, schema, extension, domain).
  package private(set) var newObjects: Set<String> = []

  package init() {}

  // MARK: - Questions

  /// Unqualified names resolve to `public` (the default search_path).
  package static func key(_ name: QualifiedName) -> String { (name.schema ?? "public") + "." + name.name }

  package func same(_ lhs: QualifiedName, _ rhs: QualifiedName) -> Bool { Self.key(lhs) == Self.key(rhs) }

  package func table(_ name: QualifiedName) -> Table? { tables[Self.key(name)] }

  /// True unless the table was created by the migration being linted.
  package func isExisting(_ name: QualifiedName) -> Bool { !(table(name)?.isNew ?? false) }

  /// True unless the table or the column was added by the migration being linted.
  package func isExistingColumn(_ column: String, of table: QualifiedName) -> Bool {
    guard let known = self.table(table) else { return true }
    return !known.isNew && !(known.column(column)?.isNew ?? false)
  }

  /// A validated CHECK on `table` that proves `column` is not null.
  package func hasValidatedNotNullCheck(_ column: String, on table: QualifiedName) -> Bool {
    self.table(table)?.checks.contains { $0.validated && $0.provesNotNull.contains(column) } ?? false
  }

  package func index(_ name: QualifiedName) -> Index? { indexes[Self.key(name)] }
  package func tableOfIndex(_ name: QualifiedName) -> QualifiedName? { index(name)?.table }

  /// True when an object of `kind` named `name` was created by the migration being linted.
  package func isNewObject(_ kind: String, _ name: QualifiedName) -> Bool {
    let key = kind == "schema" || kind == "extension" ? name.name : Self.key(name)
    return newObjects.contains(kind + ":" + key)
  }

  package func isNewView(_ name: QualifiedName) -> Bool { isNewObject("view", name) || isNewObject("matview", name) }

  /// True when the leading columns of some known key or index of `table` are `columns`.
  package func hasIndex(on table: QualifiedName, leading columns: [String]) -> Bool {
    guard let known = self.table(table) else { return false }
    return known.keys.contains { key in
      key.count >= columns.count && zip(key, columns).allSatisfy { $0 == $1 }
    }
  }

  // MARK: - Replay

  /// Applies the effect of `statement` to the model.
  package mutating func apply(_ statement: Statement) {
    switch statement.kind {
    case .createTable(let create):
      var table = Table(name: create.name, columns: [], checks: [], isNew: true)
      for column in create.columns { table.columns.append(Self.column(column, isNew: true)) }
      table.checks += create.constraints.compactMap(Self.check)
      for column in create.columns {
        table.checks += column.constraints.compactMap(Self.check)
        if column.has(.primaryKey) { setNotNull(&table, column.name) }
      }
      for constraint in create.constraints where constraint.kind == .primaryKey {
        for column in constraint.columns { setNotNull(&table, column) }
      }
      for constraint in create.constraints where constraint.kind == .primaryKey || constraint.kind == .unique {
        table.keys.append(constraint.columns)
      }
      for column in create.columns where column.has(.primaryKey) || column.has(.unique) {
        table.keys.append([column.name])
      }
      if create.ifNotExists, tables[Self.key(create.name)] != nil { return }
      tables[Self.key(create.name)] = table
    case .alterTable(let alter):
      let key = Self.key(alter.relation)
      // A table the model does not know exists already (baseline): start an incomplete entry so
      // that what this migration adds to it is known.
      var table = tables[key] ?? Table(name: alter.relation, columns: [], checks: [], isNew: false)
      for command in alter.commands { apply(command, to: &table) }
      tables[key] = table
    case .createIndex(let index):
      let tableKey = Self.key(index.table)
      var table = tables[tableKey] ?? Table(name: index.table, columns: [], checks: [], isNew: false)
      table.keys.append(index.columns)
      tables[tableKey] = table
      guard let name = index.name else { return }
      let qualified = QualifiedName(schema: index.table.schema, name: name)
      indexes[Self.key(qualified)] = Index(name: qualified, table: index.table, isNew: true, columns: index.columns)
    case .drop(let drop):
      for object in drop.objects {
        switch drop.objectType {
        case "table": tables[Self.key(object)] = nil
        case "index": indexes[Self.key(object)] = nil
        default: newObjects.remove(drop.objectType + ":" + Self.key(object))
        }
      }
    case .rename(let rename):
      applyRename(rename)
    case .createView(let view):
      newObjects.insert((view.materialized ? "matview:" : "view:") + Self.key(view.name))
    case .function(let function):
      if let name = function.name { newObjects.insert("function:" + Self.key(name)) }
    case .enumChange(let change) where change.isCreate:
      newObjects.insert("type:" + Self.key(change.name))
    case .domainChange(let change) where change.isCreate:
      newObjects.insert("domain:" + Self.key(change.name))
    case .createObject(let object):
      let key =
        object.objectType == "schema" || object.objectType == "extension" ? object.name.name : Self.key(object.name)
      newObjects.insert(object.objectType + ":" + key)
    default:
      break
    }
  }

  private func apply(_ command: AlterTableCommand, to table: inout Table) {
    switch command.subtype {
    case "AddColumn", "AddColumnRecurse":
      guard let column = command.column, table.column(column.name) == nil else { return }
      table.columns.append(Self.column(column, isNew: true))
      table.checks += column.constraints.compactMap(Self.check)
      if column.has(.primaryKey) || column.has(.unique) { table.keys.append([column.name]) }
    case "DropColumn":
      guard let name = command.name else { return }
      table.columns.removeAll { $0.name == name }
    case "AlterColumnType":
      guard let name = command.name, let index = table.columns.firstIndex(where: { $0.name == name }) else { return }
      table.columns[index].type = command.newType
    case "SetNotNull":
      if let name = command.name { setNotNull(&table, name) }
    case "DropNotNull":
      if let name = command.name, let index = table.columns.firstIndex(where: { $0.name == name }) {
        table.columns[index].notNull = false
      }
    case "AddConstraint", "AddConstraintRecurse":
      if let name = command.constraint?.name { table.newConstraints.insert(name) }
      if let constraint = command.constraint, constraint.kind == .primaryKey || constraint.kind == .unique {
        if let index = constraint.usingIndex.flatMap({ self.index(QualifiedName(schema: table.name.schema, name: $0)) })
        {
          table.keys.append(index.columns)
        } else {
          table.keys.append(constraint.columns)
        }
      }
      if let constraint = command.constraint, let check = Self.check(constraint) { table.checks.append(check) }
      if let constraint = command.constraint, constraint.kind == .primaryKey {
        for column in constraint.columns { setNotNull(&table, column) }
      }
    case "ValidateConstraint", "ValidateConstraintRecurse":
      for index in table.checks.indices where table.checks[index].name == command.name {
        table.checks[index].validated = true
      }
    case "DropConstraint", "DropConstraintRecurse":
      table.checks.removeAll { $0.name != nil && $0.name == command.name }
    default:
      break
    }
  }

  private mutating func applyRename(_ rename: RenameStatement) {
    guard let relation = rename.relation else { return }
    let key = Self.key(relation)
    switch rename.renameType {
    case "table":
      guard var table = tables.removeValue(forKey: key) else { return }
      table.name = QualifiedName(schema: relation.schema, name: rename.newName)
      tables[Self.key(table.name)] = table
    case "column":
      guard var table = tables[key], let old = rename.oldName,
        let index = table.columns.firstIndex(where: { $0.name == old })
      else { return }
      table.columns[index].name = rename.newName
      tables[key] = table
    case "index":
      guard var index = indexes.removeValue(forKey: key) else { return }
      index.name = QualifiedName(schema: relation.schema, name: rename.newName)
      indexes[Self.key(index.name)] = index
    default:
      break
    }
  }

  private func setNotNull(_ table: inout Table, _ column: String) {
    if let index = table.columns.firstIndex(where: { $0.name == column }) { table.columns[index].notNull = true }
  }

  private static func column(_ definition: ColumnDefinition, isNew: Bool) -> Column {
    Column(
      name: definition.name, type: definition.type,
      notNull: definition.has(.notNull) || definition.has(.primaryKey), isNew: isNew)
  }

  private static func check(_ constraint: ConstraintDefinition) -> Check? {
    guard constraint.kind == .check else { return nil }
    return Check(
      name: constraint.name, provesNotNull: constraint.expression?.provesNotNull ?? [],
      validated: !constraint.notValid)
  }
}
