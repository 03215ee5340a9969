import MigLintSyntax

/// The schema model's replay: what each statement does to tables, columns, constraints, indexes,
/// views and other objects, and the journal that takes a down script's changes back.
extension Catalog {
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
    // No change to what the model holds: data, settings, transaction control, maintenance, new
    // enum values and domain constraints, whole databases; DO blocks are replayed statement by
    // statement; moving an object to another schema is not modelled.
    case .enumChange, .domainChange, .transaction, .variableSet, .reindex, .vacuum, .createDatabase, .alterSystem,
      .truncate, .lockTable, .cluster, .refreshMaterializedView, .dataChange, .doBlock, .setSchema, .dropDatabase,
      .other:
      break
    }
  }

  mutating func alterTable(_ alter: AlterTable) {
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
      case .columnDefault:
        if let name = command.name { table.updateColumn(name) { $0.hasDefault = command.defaultExpression != nil } }
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

  mutating func createView(_ view: CreateView) {
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
  func owners(of reference: ColumnReference, default all: [String]) -> [String] {
    let inner = reference.scope.isEmpty ? all : reference.scope.map(Self.key)
    let having = { (keys: [String]) in keys.filter { self.tables[$0]?.column(reference.name) != nil } }
    let own = having(inner)
    if !own.isEmpty { return own }
    let outer = having(reference.outer.map(Self.key))
    if !outer.isEmpty { return outer }
    return inner.count == 1 ? inner : []
  }

  mutating func applyDrop(_ objectType: ObjectType, _ object: QualifiedName, cascade: Bool) {
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
      for (objectKey, other) in objects where objectKey.isNamed(objectType, object.name) {
        if let table = object.schema, other.table?.name != table { continue }
        setObject(objectKey, nil)
      }
    default:
      setObject(Self.objectKey(objectType.catalogKind, object), nil)
    }
  }

  /// Drops an index and the partitions' indexes attached to it.
  mutating func dropIndex(_ key: String) {
    setIndex(key, nil)
    for child in related.children[key]?.keys ?? [] where indexes[child]?.parent == key { dropIndex(child) }
  }

  func references(_ constraint: Constraint, _ tableKey: String) -> Bool {
    constraint.kind == .foreignKey && constraint.referencedTable.map(Self.key) == tableKey
  }

  /// Indexes that include the column go with it; with CASCADE, views, foreign keys and policies too.
  mutating func dropColumnDependents(table key: String, column: String, cascade: Bool) {
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

  mutating func applyRename(_ rename: RenameStatement) {
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

  mutating func addColumn(_ definition: ColumnDefinition, to table: inout Table) {
    var column = Column(
      name: definition.name, type: definition.type,
      notNull: definition.has(.notNull) || definition.has(.primaryKey), origin: origin)
    column.hasDefault = definition.has(.defaultValue) || definition.isSerial
    table.append(column)
    for constraint in definition.constraints {
      var constraint = constraint
      if constraint.columns.isEmpty { constraint.columns = [definition.name] }
      addConstraint(constraint, to: &table, column: definition.name)
    }
  }

  mutating func addConstraint(
    _ definition: ConstraintDefinition, to table: inout Table, column: String? = nil
  ) {
    switch definition.kind {
    case .check, .primaryKey, .unique, .exclusion, .foreignKey: break
    case .null, .notNull, .defaultValue, .identity, .generated, .other: return
    }
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

  func setNotNull(_ table: inout Table, _ column: String) {
    table.updateColumn(column) { $0.notNull = true }
  }

  /// PostgreSQL's default names (before de-duplication and truncation to 63 bytes).
  static func generatedConstraintName(_ kind: ConstraintDefinition.Kind, table: String, columns: [String])
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

  static func generatedIndexName(_ index: CreateIndex) -> String {
    let parts = index.columns.map { $0 ?? "expr" }
    return ([index.table.name] + (parts.isEmpty ? ["expr"] : parts) + ["idx"]).joined(separator: "_")
  }

  /// Lower-case identifier-like words of a function body.
  /// Also holds each `a.b` pair (a qualified name, as in `posts.id`), and `^w` for a word that
  /// occurs unqualified (`NEW.id` names the trigger's row, not every table's `id`).
  static func words(_ text: String) -> Set<String> {
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

  // MARK: - Journal (reverting a down script's changes, comparing before and after)

  /// The values that keys held before the journal started, for every key changed since.
  package struct Journal: Sendable {
    package var tables: [String: Table?] = [:]
    package var indexes: [String: Index?] = [:]
    package var views: [String: View?] = [:]
    package var objects: [ObjectKey: Object?] = [:]
  }

  /// Starts recording the previous value of every key that changes.
  mutating func beginJournal() { journal = Journal() }

  /// Stops recording and returns what was recorded.
  mutating func endJournal() -> Journal {
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
  mutating func takeTable(_ key: String) -> Table? {
    journal == nil ? tables.removeValue(forKey: key) : tables[key]
  }

  mutating func setTable(_ key: String, _ value: Table?) {
    if journal != nil, journal?.tables.index(forKey: key) == nil { journal?.tables[key] = .some(tables[key]) }
    tables[key] = value
  }

  /// Notes that the table with key `table` has a foreign key to `referenced`.
  mutating func noteReference(from table: String, to referenced: QualifiedName?) {
    guard let referenced else { return }
    related.referencers[Self.key(referenced), default: SortedKeys()].insert(table)
  }

  mutating func setIndex(_ key: String, _ value: Index?) {
    if journal != nil, journal?.indexes.index(forKey: key) == nil { journal?.indexes[key] = .some(indexes[key]) }
    if let value { related.indexes[Self.key(value.table), default: SortedKeys()].insert(key) }
    if let parent = value?.parent { related.children[parent, default: SortedKeys()].insert(key) }
    indexes[key] = value
  }

  mutating func setView(_ key: String, _ value: View?) {
    if journal != nil, journal?.views.index(forKey: key) == nil { journal?.views[key] = .some(views[key]) }
    for relation in value?.relations ?? [] { related.views[relation, default: SortedKeys()].insert(key) }
    views[key] = value
  }

  mutating func setObject(_ key: ObjectKey, _ value: Object?) {
    if journal != nil, journal?.objects.index(forKey: key) == nil { journal?.objects[key] = .some(objects[key]) }
    if let table = value?.table { related.objects[Self.key(table), default: SortedKeys()].insert(key) }
    if let value, value.kind == .function {
      for word in value.words { related.functions[word, default: SortedKeys()].insert(key) }
    }
    objects[key] = value
  }
}
