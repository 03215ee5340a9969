import MigLintSyntax

/// Where and when the replay created an object.
package struct Origin: Hashable, Sendable {
  package var path: String
  package var line: Int
  /// Replay step: 2 × the migration's index, plus 1 for its down scripts.
  var stamp: Int
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
    /// It has a default (a serial column's `nextval` counts); known only with an origin.
    package var hasDefault = false
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
    /// Column name → index in ``columns``, for a table of more than ``indexedFrom`` columns (it
    /// then answers in constant time); empty for a smaller one, which a scan answers faster than
    /// a map is built (a model read from the cache builds thousands).
    private var positions: [String: Int] = [:]
    private static let indexedFrom = 8

    package init(name: QualifiedName, columns: [Column], constraints: [Constraint] = [], origin: Origin?) {
      self.name = name
      self.columns = columns
      self.constraints = constraints
      self.origin = origin
      if columns.count > Self.indexedFrom { indexColumns() }
    }

    private mutating func indexColumns() {
      positions = Dictionary(columns.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The index of the first column named `name`.
    private func position(_ name: String) -> Int? {
      columns.count > Self.indexedFrom ? positions[name] : columns.firstIndex { $0.name == name }
    }

    package func column(_ name: String) -> Column? { position(name).map { columns[$0] } }

    mutating func append(_ column: Column) {
      guard position(column.name) == nil else { return }
      columns.append(column)
      if columns.count == Self.indexedFrom + 1 {
        indexColumns()
      } else if columns.count > Self.indexedFrom {
        positions[column.name] = columns.count - 1
      }
    }

    mutating func removeColumn(_ name: String) {
      guard let index = position(name) else { return }
      columns.remove(at: index)
      if columns.count > Self.indexedFrom {
        positions.removeValue(forKey: name)
        for later in index..<columns.count { positions[columns[later].name] = later }
      } else {
        positions = [:]
      }
    }

    /// Applies `change` to the column named `name`, if there is one.
    mutating func updateColumn(_ name: String, _ change: (inout Column) -> Void) {
      guard let index = position(name) else { return }
      change(&columns[index])
    }

    mutating func renameColumn(_ old: String, to new: String) {
      guard let index = position(old) else { return }
      columns[index].name = new
      guard columns.count > Self.indexedFrom else { return }
      positions.removeValue(forKey: old)
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
    var allColumnsOf: [String]
    package var origin: Origin

    var kindName: String { materialized ? "materialized view" : "view" }
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

  package internal(set) var tables: [String: Table] = [:]
  package internal(set) var indexes: [String: Index] = [:]
  package internal(set) var views: [String: View] = [:]
  package internal(set) var objects: [ObjectKey: Object] = [:]
  /// Objects whose origin stamp is at least this are new: created in the migration being linted
  /// or in a pending one, so nothing running can depend on them yet.
  package var newSince = 0
  /// The origin given to objects the next applied statement creates.
  package var origin = Origin(path: "", line: 1, stamp: 0)
  var journal: Journal?
  /// Reverse look-ups, so that questions about one table do not scan the whole model. Entries
  /// are only added (a journal restore would not undo a removal): every use checks the primary
  /// maps above, so a stale entry is skipped.
  var related = Related()

  struct Related: Sendable {
    /// Table key → keys of indexes on it, views reading it, tables whose foreign keys reference
    /// it, and objects (triggers, policies) on it.
    var indexes: [String: SortedKeys<String>] = [:]
    var views: [String: SortedKeys<String>] = [:]
    var referencers: [String: SortedKeys<String>] = [:]
    var objects: [String: SortedKeys<ObjectKey>] = [:]
    /// Word of a function body → function keys.
    var functions: [String: SortedKeys<ObjectKey>] = [:]
    /// Partitioned index key → keys of the indexes attached to it.
    var children: [String: SortedKeys<String>] = [:]
  }

  /// Keys kept sorted as they are added: look-ups list them in a stable order without sorting
  /// on every question (a DROP COLUMN asks several).
  struct SortedKeys<Key: Comparable & Sendable>: Sendable {
    private(set) var keys: [Key] = []

    mutating func insert(_ key: Key) {
      let position = keys.partitioningIndex { $0 >= key }
      if position == keys.count || keys[position] != key { keys.insert(key, at: position) }
    }
  }

  package init() {}

  // MARK: - Questions

  /// Unqualified names resolve to `public` (the default search_path).
  package static func key(_ name: QualifiedName) -> String {
    // One concatenation for the usual unqualified name: every lookup in the model makes a key.
    guard let schema = name.schema else { return "public." + name.name }
    return schema + "." + name.name
  }

  package func same(_ lhs: QualifiedName, _ rhs: QualifiedName) -> Bool {
    lhs.name == rhs.name && (lhs.schema ?? "public") == (rhs.schema ?? "public")
  }

  package func table(_ name: QualifiedName) -> Table? { tables[Self.key(name)] }

  package func isNew(_ origin: Origin?) -> Bool { origin.map { $0.stamp >= newSince } ?? false }

  /// True when the table was created by the migration being linted or a pending one.
  func isNewTable(_ name: QualifiedName) -> Bool { isNew(table(name)?.origin) }

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
      return objects.contains { $0.key.isNamed(kind, name.name) && isNew($0.value.origin) }
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
  func indexes(on key: String) -> [(key: String, index: Index)] {
    (related.indexes[key]?.keys ?? []).compactMap { indexKey in
      guard let index = indexes[indexKey], Self.key(index.table) == key else { return nil }
      return (indexKey, index)
    }
  }

  /// Views that read the table with catalog key `key`, by view key.
  func views(reading key: String) -> [(key: String, view: View)] {
    (related.views[key]?.keys ?? []).compactMap { viewKey in
      guard let view = views[viewKey], view.relations.contains(key) else { return nil }
      return (viewKey, view)
    }
  }

  /// Tables with a foreign key to the table with catalog key `key`.
  func tables(referencing key: String) -> [(key: String, table: Table)] {
    (related.referencers[key]?.keys ?? []).compactMap { tableKey in
      guard let table = tables[tableKey], table.constraints.contains(where: { references($0, key) }) else {
        return nil
      }
      return (tableKey, table)
    }
  }

  /// Triggers and policies on the table with catalog key `key`.
  func objects(on key: String) -> [(key: ObjectKey, object: Object)] {
    (related.objects[key]?.keys ?? []).compactMap { objectKey in
      guard let object = objects[objectKey], object.table.map(Self.key) == key else { return nil }
      return (objectKey, object)
    }
  }

  static func objectKey(_ kind: ObjectType, _ name: QualifiedName, on table: QualifiedName? = nil) -> ObjectKey {
    // Triggers and policies are named per table; schemas and extensions have no schema.
    if let table { return ObjectKey(kind: kind, name: name.name, table: key(table)) }
    return ObjectKey(kind: kind, name: kind == .schema || kind == .extension ? name.name : key(name))
  }
}

/// Where the model files an object: its kind and name (schema-qualified; schemas and extensions
/// by bare name), and for the kinds named per table (triggers, policies) the table's key.
package struct ObjectKey: Hashable, Sendable, Comparable {
  package var kind: ObjectType
  package var name: String
  package var table: String?

  package init(kind: ObjectType, name: String, table: String? = nil) {
    self.kind = kind
    self.name = name
    self.table = table
  }

  /// A trigger or policy of this name, on any table.
  func isNamed(_ kind: ObjectType, _ name: String) -> Bool { self.kind == kind && self.name == name && table != nil }

  /// Kind, then name, then table: keys of one kind sort together (dependents are listed in this
  /// order).
  package static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
    if lhs.kind != rhs.kind { return lhs.kind.rawValue < rhs.kind.rawValue }
    if lhs.name != rhs.name { return lhs.name < rhs.name }
    return (lhs.table ?? "") < (rhs.table ?? "")
  }
}
