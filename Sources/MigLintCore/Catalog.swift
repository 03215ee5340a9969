import MigLintSyntax

/// Where and when the replay created an object.
package struct Origin: Hashable, Sendable {
  package var path: String
  package var line: Int
  /// Replay step: 2 × the migration's index, plus 1 for its down scripts.
  package var stamp: Int
  /// Position in the replay: the number of statements applied before.
  package var sequence: Int

  package init(path: String, line: Int, stamp: Int, sequence: Int = 0) {
    self.path = path
    self.line = line
    self.stamp = stamp
    self.sequence = sequence
  }

  /// `003_views.up.sql:4`
  package var location: String { "\(path):\(line)" }
}

/// The schema model: what exists before each statement, replayed statement by statement over
/// every migration of a directory.
///
/// Replay is tolerant: a statement about an object the model does not know changes nothing and
/// fails nothing (histories often start from a baseline dump). An object the model does not know
/// counts as existing: it may hold rows and serve traffic.
package struct Catalog: Sendable {
  package struct Column: Sendable, Hashable {
    package var name: String
    package var type: TypeReference?
    package var notNull: Bool
    /// Nil when the model only knows the column from a statement that used it.
    package var origin: Origin?
  }

  package struct Constraint: Sendable, Hashable {
    /// As written, or the name PostgreSQL generates (`users_pkey`, `orders_user_id_fkey`).
    package var name: String
    package var kind: ConstraintDefinition.Kind
    /// Constrained columns; for a CHECK, the columns its expression names.
    package var columns: [String]
    package var referencedTable: QualifiedName?
    package var referencedColumns: [String]
    package var validated: Bool
    /// CHECK: columns the expression proves non-null.
    package var provesNotNull: [String]
    package var origin: Origin?
  }

  package struct Table: Sendable {
    package var name: QualifiedName
    /// In table order; changed through the methods below, which keep ``positions`` in step.
    package private(set) var columns: [Column]
    package var constraints: [Constraint] = []
    /// Nil when the model only knows the table from ALTERs (it predates the history).
    package var origin: Origin?
    /// Column name → index in ``columns``: a table with many columns answers in constant time.
    private var positions: [String: Int]

    package init(name: QualifiedName, columns: [Column], constraints: [Constraint] = [], origin: Origin?) {
      self.name = name
      self.columns = columns
      self.constraints = constraints
      self.origin = origin
      positions = Dictionary(columns.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    package func column(_ name: String) -> Column? { positions[name].map { columns[$0] } }

    mutating func append(_ column: Column) {
      guard positions[column.name] == nil else { return }
      positions[column.name] = columns.count
      columns.append(column)
    }

    mutating func removeColumn(_ name: String) {
      guard let index = positions.removeValue(forKey: name) else { return }
      columns.remove(at: index)
      for later in index..<columns.count { positions[columns[later].name] = later }
    }

    /// Applies `change` to the column named `name`, if there is one.
    mutating func updateColumn(_ name: String, _ change: (inout Column) -> Void) {
      guard let index = positions[name] else { return }
      change(&columns[index])
    }

    mutating func renameColumn(_ old: String, to new: String) {
      guard let index = positions.removeValue(forKey: old) else { return }
      columns[index].name = new
      positions[new] = index
    }
    package func constraint(_ name: String) -> Constraint? { constraints.first { $0.name == name } }
    package var checks: [Constraint] { constraints.filter { $0.kind == .check } }
    /// Column lists of the primary key and unique constraints.
    package var keys: [[String?]] {
      constraints.filter { $0.kind == .primaryKey || $0.kind == .unique }.map { $0.columns.map(Optional.some) }
    }
  }

  package struct Index: Sendable, Hashable {
    package var name: QualifiedName
    package var table: QualifiedName
    /// Plain column names in key order; nil entries are expressions.
    package var columns: [String?] = []
    /// Columns named by its expressions and predicate.
    package var expressionColumns: [String] = []
    /// Key of the partitioned index it is attached to (`ALTER INDEX … ATTACH PARTITION`):
    /// PostgreSQL drops it with that index.
    package var parent: String?
    package var origin: Origin?

    /// True when dropping `column` drops the index: a key column, or one its expressions or
    /// predicate name.
    package func uses(_ column: String) -> Bool { columns.contains(column) || expressionColumns.contains(column) }
  }

  package struct View: Sendable, Hashable {
    package var name: QualifiedName
    package var materialized: Bool
    /// Catalog keys of the tables and views it reads.
    package var relations: [String]
    /// Columns it reads, as "<table key>/<column>".
    package var columns: Set<String>
    /// Tables it reads with `*`, and the replay step then (it reads the columns that existed).
    package var allColumnsOf: [String]
    package var origin: Origin

    package var kindName: String { materialized ? "materialized view" : "view" }
  }

  /// Other objects: sequence, type, domain, function, trigger, policy, schema, extension.
  package struct Object: Sendable, Hashable {
    package var kind: ObjectType
    package var name: QualifiedName
    /// The table it is on (trigger, policy).
    package var table: QualifiedName?
    /// Columns it names (policy expressions, trigger `UPDATE OF`).
    package var columns: [String] = []
    /// Lower-case words of a function body (to find the tables and columns it names).
    package var words: Set<String> = []
    package var origin: Origin
  }

  package private(set) var tables: [String: Table] = [:]
  package private(set) var indexes: [String: Index] = [:]
  package private(set) var views: [String: View] = [:]
  /// By "<kind>:<key>" (schemas and extensions by bare name).
  package private(set) var objects: [String: Object] = [:]
  /// Objects whose origin stamp is at least this are new: created in the migration being linted
  /// or in a pending one, so nothing running can depend on them yet.
  package var newSince = 0
  /// The origin given to objects the next applied statement creates.
  package var origin = Origin(path: "", line: 1, stamp: 0)
  private var journal: Journal?
  /// Reverse look-ups, so that questions about one table do not scan the whole model. Entries
  /// are only added (a journal restore would not undo a removal): every use checks the primary
  /// maps above, so a stale entry is skipped.
  private var related = Related()

  private struct Related: Sendable {
    /// Table key → keys of indexes on it, views reading it, tables whose foreign keys reference
    /// it, and objects (triggers, policies) on it.
    var indexes: [String: SortedKeys] = [:]
    var views: [String: SortedKeys] = [:]
    var referencers: [String: SortedKeys] = [:]
    var objects: [String: SortedKeys] = [:]
    /// Word of a function body → function keys.
    var functions: [String: SortedKeys] = [:]
    /// Partitioned index key → keys of the indexes attached to it.
    var children: [String: SortedKeys] = [:]
  }

  /// Keys kept sorted as they are added: look-ups list them in a stable order without sorting
  /// on every question (a DROP COLUMN asks several).
  private struct SortedKeys: Sendable {
    private(set) var keys: [String] = []

    mutating func insert(_ key: String) {
      let position = keys.partitioningIndex { $0 >= key }
      if position == keys.count || keys[position] != key { keys.insert(key, at: position) }
    }
  }

  package init() {}

  // MARK: - Questions

  /// Unqualified names resolve to `public` (the default search_path).
  package static func key(_ name: QualifiedName) -> String { (name.schema ?? "public") + "." + name.name }

  package func same(_ lhs: QualifiedName, _ rhs: QualifiedName) -> Bool { Self.key(lhs) == Self.key(rhs) }

  package func table(_ name: QualifiedName) -> Table? { tables[Self.key(name)] }

  package func isNew(_ origin: Origin?) -> Bool { origin.map { $0.stamp >= newSince } ?? false }

  /// True when the table was created by the migration being linted or a pending one.
  package func isNewTable(_ name: QualifiedName) -> Bool { isNew(table(name)?.origin) }

  /// True unless the table was created by the migration being linted or a pending one.
  package func isExisting(_ name: QualifiedName) -> Bool { !isNewTable(name) }

  /// True unless the table or the column was added by the migration being linted or a pending one.
  package func isExistingColumn(_ column: String, of table: QualifiedName) -> Bool {
    guard let known = self.table(table) else { return true }
    return !isNew(known.origin) && !isNew(known.column(column)?.origin)
  }

  /// A validated CHECK on `table` that proves `column` is not null.
  package func hasValidatedNotNullCheck(_ column: String, on table: QualifiedName) -> Bool {
    self.table(table)?.checks.contains { $0.validated && $0.provesNotNull.contains(column) } ?? false
  }

  package func isNewConstraint(_ name: String, on table: QualifiedName) -> Bool {
    isNew(self.table(table)?.constraint(name)?.origin)
  }

  package func index(_ name: QualifiedName) -> Index? { indexes[Self.key(name)] }
  package func tableOfIndex(_ name: QualifiedName) -> QualifiedName? { index(name)?.table }
  package func isNewIndex(_ name: QualifiedName) -> Bool { isNew(index(name)?.origin) }

  /// True when an object of `kind` named `name` was created by the migration being linted or a
  /// pending one (kinds: view, matview, function, type, sequence, schema, extension, domain, …).
  package func isNewObject(_ kind: ObjectType, _ name: QualifiedName) -> Bool {
    if kind.isView { return isNew(views[Self.key(name)]?.origin) }
    if kind == .trigger || kind == .policy {
      return objects.contains { $0.key.hasPrefix(Self.scopedPrefix(kind, name)) && isNew($0.value.origin) }
    }
    return isNew(objects[Self.objectKey(kind, name)]?.origin)
  }

  package func isNewView(_ name: QualifiedName) -> Bool { isNewObject(.view, name) }

  /// True when the model knows `name` as a table, view or sequence and not as an index.
  package func isOtherRelation(_ name: QualifiedName) -> Bool {
    index(name) == nil && (table(name) != nil || isView(name) || objects[Self.objectKey(.sequence, name)] != nil)
  }

  /// True when the model knows `name` as a view or materialized view.
  package func isView(_ name: QualifiedName) -> Bool { views[Self.key(name)] != nil }

  /// True when the leading columns of some known key or index of `table` are `columns`.
  package func hasIndex(on table: QualifiedName, leading columns: [String]) -> Bool {
    let indexKeys = indexes(on: Self.key(table)).map(\.index.columns)
    return ((self.table(table)?.keys ?? []) + indexKeys).contains { candidate in
      candidate.count >= columns.count && zip(candidate, columns).allSatisfy { $0 == $1 }
    }
  }

  /// Indexes on the table with catalog key `key`, by index key.
  private func indexes(on key: String) -> [(key: String, index: Index)] {
    (related.indexes[key]?.keys ?? []).compactMap { indexKey in
      guard let index = indexes[indexKey], Self.key(index.table) == key else { return nil }
      return (indexKey, index)
    }
  }

  /// Views that read the table with catalog key `key`, by view key.
  private func views(reading key: String) -> [(key: String, view: View)] {
    (related.views[key]?.keys ?? []).compactMap { viewKey in
      guard let view = views[viewKey], view.relations.contains(key) else { return nil }
      return (viewKey, view)
    }
  }

  /// Tables with a foreign key to the table with catalog key `key`.
  private func tables(referencing key: String) -> [(key: String, table: Table)] {
    (related.referencers[key]?.keys ?? []).compactMap { tableKey in
      guard let table = tables[tableKey], table.constraints.contains(where: { references($0, key) }) else {
        return nil
      }
      return (tableKey, table)
    }
  }

  /// Triggers and policies on the table with catalog key `key`.
  private func objects(on key: String) -> [(key: String, object: Object)] {
    (related.objects[key]?.keys ?? []).compactMap { objectKey in
      guard let object = objects[objectKey], object.table.map(Self.key) == key else { return nil }
      return (objectKey, object)
    }
  }

  private static func objectKey(_ kind: ObjectType, _ name: QualifiedName, on table: QualifiedName? = nil) -> String {
    // Triggers and policies are named per table.
    if let table { return scopedPrefix(kind, name) + key(table) }
    return kind.rawValue + ":" + (kind == .schema || kind == .extension ? name.name : key(name))
  }

  /// The start of the keys of the objects of `kind` named `name` on any table.
  private static func scopedPrefix(_ kind: ObjectType, _ name: QualifiedName) -> String {
    kind.rawValue + ":" + name.name + "@"
  }

  // MARK: - Replay

  /// Applies the effect of `statement` to the model; new objects get ``origin``.
  package mutating func apply(_ statement: Statement) {
    origin.sequence += 1
    switch statement.kind {
    case .createTable(let create):
      if create.ifNotExists, table(create.name) != nil { return }
      var table = Table(name: create.name, columns: [], origin: origin)
      for column in create.columns { addColumn(column, to: &table) }
      for constraint in create.constraints { addConstraint(constraint, to: &table) }
      setTable(Self.key(create.name), table)
    case .alterTable(let alter):
      alterTable(alter)
    case .createIndex(let index):
      let name = index.name ?? Self.generatedIndexName(index)
      let qualified = QualifiedName(schema: index.table.schema, name: name)
      if index.ifNotExists, indexes[Self.key(qualified)] != nil { return }
      setIndex(
        Self.key(qualified),
        Index(
          name: qualified, table: index.table, columns: index.columns, expressionColumns: index.expressionColumns,
          origin: origin))
    case .drop(let drop):
      for object in drop.objects { applyDrop(drop.objectType, object, cascade: drop.cascade) }
    case .rename(let rename):
      applyRename(rename)
    case .createView(let view):
      createView(view)
    case .function(let function):
      guard let name = function.name else { return }
      let words = Self.words(function.body ?? "")
      setObject(
        Self.objectKey(.function, name), Object(kind: .function, name: name, words: words, origin: origin))
    case .enumChange(let change) where change.isCreate:
      setObject(Self.objectKey(.type, change.name), Object(kind: .type, name: change.name, origin: origin))
    case .domainChange(let change) where change.isCreate:
      setObject(Self.objectKey(.domain, change.name), Object(kind: .domain, name: change.name, origin: origin))
    case .createObject(let created):
      let scoped = Self.objectKey(created.objectType, created.name, on: created.table)
      if created.ifNotExists, created.objectType != .trigger, objects[scoped] != nil { return }
      setObject(
        scoped,
        Object(
          kind: created.objectType, name: created.name, table: created.table, columns: created.columns,
          words: created.function.map { [$0.name] } ?? [], origin: origin))
    default:
      break
    }
  }

  private mutating func alterTable(_ alter: AlterTable) {
    if alter.objectType == .index {
      let parent = Self.key(alter.relation)
      for command in alter.commands where command.subtype == .attachPartition {
        guard let child = command.partition.map(Self.key), var index = indexes[child] else { continue }
        index.parent = parent
        setIndex(child, index)
      }
      return
    }
    guard alter.objectType == .table else { return }
    let key = Self.key(alter.relation)
    // A table the model does not know predates the history: start an entry without origin so
    // that what the migrations add to it is known.
    // Dropping a column asks the model about the table's dependents: leave it in place then.
    let drops = alter.commands.contains { $0.subtype == .dropColumn }
    var table = (drops ? tables[key] : takeTable(key)) ?? Table(name: alter.relation, columns: [], origin: nil)
    for command in alter.commands {
      switch command.subtype {
      case .addColumn:
        guard let column = command.column, table.column(column.name) == nil else { continue }
        addColumn(column, to: &table)
      case .dropColumn:
        guard let name = command.name else { continue }
        table.removeColumn(name)
        table.constraints.removeAll { $0.columns.contains(name) }
        dropColumnDependents(table: key, column: name, cascade: command.cascade)
      case .alterColumnType:
        guard let name = command.name else { continue }
        table.updateColumn(name) { $0.type = command.newType }
      case .setNotNull:
        if let name = command.name { setNotNull(&table, name) }
      case .dropNotNull:
        if let name = command.name { table.updateColumn(name) { $0.notNull = false } }
      case .addConstraint:
        if let constraint = command.constraint { addConstraint(constraint, to: &table) }
      case .validateConstraint:
        for index in table.constraints.indices where table.constraints[index].name == command.name {
          table.constraints[index].validated = true
        }
      case .dropConstraint:
        table.constraints.removeAll { $0.name == command.name }
      default:
        break
      }
    }
    setTable(key, table)
  }

  private mutating func createView(_ view: CreateView) {
    let key = Self.key(view.name)
    var columns = Set<String>()
    var allColumnsOf: [String] = []
    let relationKeys = view.query.relations.map(Self.key)
    for reference in view.query.columns {
      if let qualifier = reference.qualifier {
        guard let relation = reference.relation ?? view.query.aliases[qualifier] else { continue }
        if reference.name == "*" {
          allColumnsOf.append(Self.key(relation))
        } else {
          columns.insert(Self.key(relation) + "/" + reference.name)
        }
      } else if reference.name == "*" {
        allColumnsOf += reference.scope.isEmpty ? relationKeys : reference.scope.map(Self.key)
      } else {
        for relation in owners(of: reference, default: relationKeys) { columns.insert(relation + "/" + reference.name) }
      }
    }
    setView(
      key,
      View(
        name: view.name, materialized: view.materialized, relations: relationKeys, columns: columns,
        allColumnsOf: allColumnsOf, origin: origin))
  }

  /// The relations an unqualified column of a view belongs to, as PostgreSQL resolves it: the
  /// innermost `SELECT`'s tables that have it, else the enclosing ones' that have it, else the
  /// innermost table when it is the only one (the model may not know its columns).
  private func owners(of reference: ColumnReference, default all: [String]) -> [String] {
    let inner = reference.scope.isEmpty ? all : reference.scope.map(Self.key)
    let having = { (keys: [String]) in keys.filter { self.tables[$0]?.column(reference.name) != nil } }
    let own = having(inner)
    if !own.isEmpty { return own }
    let outer = having(reference.outer.map(Self.key))
    if !outer.isEmpty { return outer }
    return inner.count == 1 ? inner : []
  }

  private mutating func applyDrop(_ objectType: ObjectType, _ object: QualifiedName, cascade: Bool) {
    let key = Self.key(object)
    switch objectType {
    case .table:
      guard tables[key] != nil else { return }
      setTable(key, nil)
      for (indexKey, _) in indexes(on: key) { setIndex(indexKey, nil) }
      for (objectKey, _) in objects(on: key) { setObject(objectKey, nil) }
      if cascade {
        for (viewKey, _) in views(reading: key) { setView(viewKey, nil) }
        for (otherKey, var other) in tables(referencing: key) {
          other.constraints.removeAll { references($0, key) }
          setTable(otherKey, other)
        }
      }
    case .index:
      dropIndex(key)
    case .view, .matview:
      setView(key, nil)
      // A materialized view's indexes go with it.
      for (indexKey, _) in indexes(on: key) { setIndex(indexKey, nil) }
      if cascade {
        for (viewKey, _) in views(reading: key) { setView(viewKey, nil) }
      }
    case .trigger, .policy:
      // DROP TRIGGER name ON table: the parser gives the table as the name's qualifier.
      for (objectKey, other) in objects where objectKey.hasPrefix(Self.scopedPrefix(objectType, object)) {
        if let table = object.schema, other.table?.name != table { continue }
        setObject(objectKey, nil)
      }
    default:
      setObject(Self.objectKey(objectType.catalogKind, object), nil)
    }
  }

  /// Drops an index and the partitions' indexes attached to it.
  private mutating func dropIndex(_ key: String) {
    setIndex(key, nil)
    for child in related.children[key]?.keys ?? [] where indexes[child]?.parent == key { dropIndex(child) }
  }

  private func references(_ constraint: Constraint, _ tableKey: String) -> Bool {
    constraint.kind == .foreignKey && constraint.referencedTable.map(Self.key) == tableKey
  }

  /// Indexes that include the column go with it; with CASCADE, views, foreign keys and policies too.
  private mutating func dropColumnDependents(table key: String, column: String, cascade: Bool) {
    for (indexKey, index) in indexes(on: key) where index.uses(column) { dropIndex(indexKey) }
    guard cascade else { return }
    for dependent in dependents(ofColumn: column, inTable: key) {
      switch dependent.kind {
      case .view(let viewKey): setView(viewKey, nil)
      case .constraint(let tableKey, let name):
        guard var other = tables[tableKey] else { continue }
        other.constraints.removeAll { $0.name == name }
        setTable(tableKey, other)
      case .object(let objectKey): setObject(objectKey, nil)
      case .index, .function: break
      }
    }
  }

  private mutating func applyRename(_ rename: RenameStatement) {
    guard let relation = rename.relation else { return }
    let key = Self.key(relation)
    switch rename.renameType {
    case .table:
      guard var table = tables[key] else { return }
      setTable(key, nil)
      table.name = QualifiedName(schema: relation.schema, name: rename.newName)
      let newKey = Self.key(table.name)
      setTable(newKey, table)
      for constraint in table.constraints where constraint.kind == .foreignKey {
        noteReference(from: newKey, to: constraint.referencedTable)
      }
      // PostgreSQL follows the rename by OID: indexes, views and foreign keys keep pointing at it.
      for (indexKey, var index) in indexes(on: key) {
        index.table = table.name
        setIndex(indexKey, index)
      }
      for (viewKey, var view) in views(reading: key) {
        view.relations = view.relations.map { $0 == key ? newKey : $0 }
        view.allColumnsOf = view.allColumnsOf.map { $0 == key ? newKey : $0 }
        view.columns = Set(view.columns.map { $0.hasPrefix(key + "/") ? newKey + $0.dropFirst(key.count) : $0 })
        setView(viewKey, view)
      }
      for (otherKey, var other) in tables(referencing: key) {
        for index in other.constraints.indices where references(other.constraints[index], key) {
          other.constraints[index].referencedTable = table.name
        }
        noteReference(from: otherKey, to: table.name)
        setTable(otherKey, other)
      }
      for (objectKey, var object) in objects(on: key) {
        object.table = table.name
        setObject(objectKey, object)
      }
    case .column:
      guard var table = tables[key], let old = rename.oldName, table.column(old) != nil else { return }
      let new = rename.newName
      table.renameColumn(old, to: new)
      for position in table.constraints.indices {
        table.constraints[position].columns = table.constraints[position].columns.map { $0 == old ? new : $0 }
        table.constraints[position].provesNotNull = table.constraints[position].provesNotNull.map {
          $0 == old ? new : $0
        }
      }
      setTable(key, table)
      for (indexKey, var tableIndex) in indexes(on: key) where tableIndex.columns.contains(old) {
        tableIndex.columns = tableIndex.columns.map { $0 == old ? new : $0 }
        setIndex(indexKey, tableIndex)
      }
      for (viewKey, var view) in views(reading: key) where view.columns.contains(key + "/" + old) {
        view.columns.remove(key + "/" + old)
        view.columns.insert(key + "/" + new)
        setView(viewKey, view)
      }
      for (otherKey, var other) in tables(referencing: key) {
        for position in other.constraints.indices where references(other.constraints[position], key) {
          other.constraints[position].referencedColumns = other.constraints[position].referencedColumns.map {
            $0 == old ? new : $0
          }
        }
        setTable(otherKey, other)
      }
    case .index:
      guard var index = indexes[key] else { return }
      setIndex(key, nil)
      index.name = QualifiedName(schema: relation.schema, name: rename.newName)
      setIndex(Self.key(index.name), index)
    case .tabconstraint:
      guard var table = tables[key], let old = rename.oldName,
        let index = table.constraints.firstIndex(where: { $0.name == old })
      else { return }
      table.constraints[index].name = rename.newName
      setTable(key, table)
    case .view, .matview:
      guard var view = views[key] else { return }
      setView(key, nil)
      view.name = QualifiedName(schema: relation.schema, name: rename.newName)
      setView(Self.key(view.name), view)
    default:
      break
    }
  }

  private mutating func addColumn(_ definition: ColumnDefinition, to table: inout Table) {
    table.append(
      Column(
        name: definition.name, type: definition.type,
        notNull: definition.has(.notNull) || definition.has(.primaryKey), origin: origin))
    for constraint in definition.constraints {
      var constraint = constraint
      if constraint.columns.isEmpty { constraint.columns = [definition.name] }
      addConstraint(constraint, to: &table, column: definition.name)
    }
  }

  private mutating func addConstraint(
    _ definition: ConstraintDefinition, to table: inout Table, column: String? = nil
  ) {
    let kinds: Set<ConstraintDefinition.Kind> = [.check, .primaryKey, .unique, .exclusion, .foreignKey]
    guard kinds.contains(definition.kind) else { return }
    var columns = definition.columns
    if definition.kind == .check {
      columns = Array(Set(definition.expression?.columns ?? []).union(column.map { [$0] } ?? [])).sorted()
    }
    if let indexName = definition.usingIndex,
      let index = self.index(QualifiedName(schema: table.name.schema, name: indexName))
    {
      columns = index.columns.compactMap { $0 }
    }
    let name =
      definition.name ?? Self.generatedConstraintName(definition.kind, table: table.name.name, columns: columns)
    if definition.kind == .primaryKey {
      for column in columns { setNotNull(&table, column) }
    }
    if definition.kind == .foreignKey { noteReference(from: Self.key(table.name), to: definition.referencedTable) }
    table.constraints.append(
      Constraint(
        name: name, kind: definition.kind, columns: columns, referencedTable: definition.referencedTable,
        referencedColumns: definition.referencedColumns, validated: !definition.notValid,
        provesNotNull: definition.expression?.provesNotNull ?? [], origin: origin))
  }

  private func setNotNull(_ table: inout Table, _ column: String) {
    table.updateColumn(column) { $0.notNull = true }
  }

  /// PostgreSQL's default names (before de-duplication and truncation to 63 bytes).
  private static func generatedConstraintName(_ kind: ConstraintDefinition.Kind, table: String, columns: [String])
    -> String
  {
    switch kind {
    case .primaryKey: table + "_pkey"
    case .unique: ([table] + columns + ["key"]).joined(separator: "_")
    case .foreignKey: ([table] + columns.prefix(1) + ["fkey"]).joined(separator: "_")
    case .exclusion: ([table] + columns.prefix(1) + ["excl"]).joined(separator: "_")
    // A check naming one column is `<table>_<column>_check`; one naming several, `<table>_check`.
    default: ([table] + (columns.count == 1 ? columns : []) + ["check"]).joined(separator: "_")
    }
  }

  private static func generatedIndexName(_ index: CreateIndex) -> String {
    let parts = index.columns.map { $0 ?? "expr" }
    return ([index.table.name] + (parts.isEmpty ? ["expr"] : parts) + ["idx"]).joined(separator: "_")
  }

  /// Lower-case identifier-like words of a function body.
  /// Also holds each `a.b` pair (a qualified name, as in `posts.id`), and `^w` for a word that
  /// occurs unqualified (`NEW.id` names the trigger's row, not every table's `id`).
  private static func words(_ text: String) -> Set<String> {
    var words = Set<String>()
    var current: [UInt8] = []
    // The word just before a `.`, while the next word may complete a pair.
    var qualifier: [UInt8]?
    var previous: [UInt8] = []
    func finish() {
      guard !current.isEmpty else { return }
      words.insert(String(decoding: current, as: UTF8.self))
      if let qualifier {
        words.insert(String(decoding: qualifier + [0x2E] + current, as: UTF8.self))
      } else {
        words.insert("^" + String(decoding: current, as: UTF8.self))
      }
      qualifier = nil
      previous = current
      current.removeAll(keepingCapacity: true)
    }
    for byte in text.utf8 {
      let lower = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
      if (lower >= 0x61 && lower <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F || byte >= 0x80 {
        current.append(lower)
      } else {
        let ended = !current.isEmpty
        finish()
        qualifier = byte == 0x2E && ended ? previous : nil
      }
    }
    finish()
    return words
  }

  // MARK: - Dependents

  /// An object that depends on a column or table, and what PostgreSQL does with it.
  package struct Dependent: Sendable, Hashable {
    package enum Kind: Sendable, Hashable {
      case view(String)
      case index(String)
      case constraint(table: String, name: String)
      case object(String)
      case function(String)
    }

    package enum Effect: Sendable, Hashable, Comparable {
      /// PostgreSQL refuses the statement without CASCADE ("other objects depend on it").
      case refuses
      /// PostgreSQL drops it along with the column, without a word.
      case droppedSilently
      /// PostgreSQL does not track it: it fails when it next runs.
      case breaksAtRunTime
    }

    package var kind: Kind
    /// "view `active_users`", "index `users_email_idx`", "foreign key `orders_user_id_fkey` of `orders`".
    package var description: String
    package var origin: Origin?
    package var effect: Effect
  }

  /// Views that read `column` of the table with catalog key `key`.
  package func views(readingColumn column: String, inTable key: String) -> [Dependent] {
    guard related.views[key] != nil else { return [] }
    let columnKey = key + "/" + column
    let columnOrigin = tables[key]?.column(column)?.origin
    return views(reading: key).compactMap { viewKey, view in
      // `*` expands when the view is created: only columns that existed then are in it.
      let star = view.allColumnsOf.contains(key) && (columnOrigin?.sequence ?? -1) <= view.origin.sequence
      guard view.columns.contains(columnKey) || star else { return nil }
      return Dependent(
        kind: .view(viewKey), description: "\(view.kindName) `\(view.name)`", origin: view.origin, effect: .refuses)
    }
  }

  /// What depends on `column` of the table with catalog key `key`.
  package func dependents(ofColumn column: String, inTable key: String) -> [Dependent] {
    var result = views(readingColumn: column, inTable: key)
    for (indexKey, index) in indexes(on: key) where index.uses(column) {
      let several =
        !index.columns.contains(column)
        ? " (its expression or predicate names the column)"
        : index.columns.count > 1 ? " (a multi-column index, dropped whole)" : ""
      result.append(
        Dependent(
          kind: .index(indexKey), description: "index `\(index.name.name)`\(several)", origin: index.origin,
          effect: .droppedSilently))
    }
    if let table = tables[key] {
      for constraint in table.constraints where constraint.columns.contains(column) {
        result.append(
          Dependent(
            kind: .constraint(table: key, name: constraint.name),
            description: "\(Self.constraintKindName(constraint.kind)) `\(constraint.name)`", origin: constraint.origin,
            effect: .droppedSilently))
      }
    }
    let keyColumns = Set(tables[key]?.constraints.filter { $0.kind == .primaryKey }.flatMap(\.columns) ?? [])
    for (otherKey, other) in tables(referencing: key) where otherKey != key {
      for constraint in other.constraints where references(constraint, key) {
        let referenced = constraint.referencedColumns.isEmpty ? keyColumns : Set(constraint.referencedColumns)
        guard referenced.contains(column) else { continue }
        result.append(
          Dependent(
            kind: .constraint(table: otherKey, name: constraint.name),
            description: "foreign key `\(constraint.name)` of `\(other.name)`", origin: constraint.origin,
            effect: .refuses))
      }
    }
    for (objectKey, object) in objects(on: key) where object.columns.contains(column) {
      result.append(
        Dependent(
          kind: .object(objectKey), description: "\(object.kind.rawValue) `\(object.name.name)`", origin: object.origin,
          effect: .refuses))
    }
    let tableName = tables[key]?.name.name ?? String(key.split(separator: ".").last ?? "")
    for functionKey in related.functions[column.lowercased()]?.keys ?? [] {
      // The column unqualified, or qualified with the table; `NEW.id` or `p.id` may be another's.
      let word = column.lowercased()
      let table = tableName.lowercased()
      guard let function = objects[functionKey], function.kind == .function, function.words.contains(table),
        function.words.contains("^" + word) || function.words.contains(table + "." + word)
      else { continue }
      result.append(
        Dependent(
          kind: .function(functionKey), description: "function `\(function.name)`", origin: function.origin,
          effect: .breaksAtRunTime))
    }
    return result
  }

  /// Views and other tables' foreign keys that depend on the table with catalog key `key`.
  package func dependents(ofTable key: String, except dropped: Set<String> = []) -> [Dependent] {
    var result: [Dependent] = []
    for (viewKey, view) in views(reading: key) where !dropped.contains(viewKey) {
      result.append(
        Dependent(
          kind: .view(viewKey), description: "\(view.kindName) `\(view.name)`", origin: view.origin, effect: .refuses))
    }
    for (otherKey, other) in tables(referencing: key) where otherKey != key && !dropped.contains(otherKey) {
      for constraint in other.constraints where references(constraint, key) {
        result.append(
          Dependent(
            kind: .constraint(table: otherKey, name: constraint.name),
            description: "foreign key `\(constraint.name)` of `\(other.name)`", origin: constraint.origin,
            effect: .refuses))
      }
    }
    return result
  }

  private static func constraintKindName(_ kind: ConstraintDefinition.Kind) -> String {
    switch kind {
    case .primaryKey: "primary key"
    case .unique: "unique constraint"
    case .foreignKey: "foreign key"
    case .exclusion: "exclusion constraint"
    default: "check constraint"
    }
  }

  // MARK: - Journal (reverting a down script's changes, comparing before and after)

  /// The values that keys held before the journal started, for every key changed since.
  package struct Journal: Sendable {
    package var tables: [String: Table?] = [:]
    package var indexes: [String: Index?] = [:]
    package var views: [String: View?] = [:]
    package var objects: [String: Object?] = [:]
  }

  /// Starts recording the previous value of every key that changes.
  package mutating func beginJournal() { journal = Journal() }

  /// Stops recording and returns what was recorded.
  package mutating func endJournal() -> Journal {
    defer { journal = nil }
    return journal ?? Journal()
  }

  /// Puts back the values recorded in `journal`.
  package mutating func restore(_ journal: Journal) {
    for (key, value) in journal.tables { tables[key] = value }
    for (key, value) in journal.indexes { indexes[key] = value }
    for (key, value) in journal.views { views[key] = value }
    for (key, value) in journal.objects { objects[key] = value }
  }

  /// The table at `key`, moved out of the map while no journal runs, so that changing it does
  /// not copy its columns (the map would still hold them); ``setTable(_:_:)`` puts it back.
  private mutating func takeTable(_ key: String) -> Table? {
    journal == nil ? tables.removeValue(forKey: key) : tables[key]
  }

  private mutating func setTable(_ key: String, _ value: Table?) {
    if journal != nil, journal?.tables.index(forKey: key) == nil { journal?.tables[key] = .some(tables[key]) }
    tables[key] = value
  }

  /// Notes that the table with key `table` has a foreign key to `referenced`.
  private mutating func noteReference(from table: String, to referenced: QualifiedName?) {
    guard let referenced else { return }
    related.referencers[Self.key(referenced), default: SortedKeys()].insert(table)
  }

  private mutating func setIndex(_ key: String, _ value: Index?) {
    if journal != nil, journal?.indexes.index(forKey: key) == nil { journal?.indexes[key] = .some(indexes[key]) }
    if let value { related.indexes[Self.key(value.table), default: SortedKeys()].insert(key) }
    if let parent = value?.parent { related.children[parent, default: SortedKeys()].insert(key) }
    indexes[key] = value
  }

  private mutating func setView(_ key: String, _ value: View?) {
    if journal != nil, journal?.views.index(forKey: key) == nil { journal?.views[key] = .some(views[key]) }
    for relation in value?.relations ?? [] { related.views[relation, default: SortedKeys()].insert(key) }
    views[key] = value
  }

  private mutating func setObject(_ key: String, _ value: Object?) {
    if journal != nil, journal?.objects.index(forKey: key) == nil { journal?.objects[key] = .some(objects[key]) }
    if let table = value?.table { related.objects[Self.key(table), default: SortedKeys()].insert(key) }
    if let value, value.kind == .function {
      for word in value.words { related.functions[word, default: SortedKeys()].insert(key) }
    }
    objects[key] = value
  }

  // MARK: - Snapshot (the replay cache)

  /// The model's content (tables, indexes, views, objects) and the replay's position in
  /// ``ByteWriter``'s encoding; the reverse look-ups are rebuilt on load, a journal is never part
  /// of it.
  package func snapshot(into writer: inout ByteWriter) {
    // Rules compare origins' sequences (a `SELECT *` view reads the columns older than itself):
    // the objects created after a resume must number on from where the replay stopped.
    writer.int(origin.sequence)
    func write<Value>(_ map: [String: Value], _ element: (inout ByteWriter, Value) -> Void) {
      writer.int(map.count)
      for (key, value) in map.sorted(by: { $0.key < $1.key }) {
        writer.string(key)
        element(&writer, value)
      }
    }
    write(tables) { $0.table($1) }
    write(indexes) { $0.index($1) }
    write(views) { $0.view($1) }
    write(objects) { $0.object($1) }
  }

  /// A model read back from ``snapshot(into:)``.
  package init(snapshot reader: inout ByteReader) throws(SnapshotError) {
    origin.sequence = try reader.int()
    for _ in 0..<(try reader.count()) {
      let key = try reader.string()
      let table = try reader.table()
      setTable(key, table)
      for constraint in table.constraints { noteReference(from: key, to: constraint.referencedTable) }
    }
    for _ in 0..<(try reader.count()) { setIndex(try reader.string(), try reader.index()) }
    for _ in 0..<(try reader.count()) { setView(try reader.string(), try reader.view()) }
    for _ in 0..<(try reader.count()) { setObject(try reader.string(), try reader.object()) }
  }
}
