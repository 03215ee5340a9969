import MigLintSyntax

/// What depends on a column or a table (views, indexes, constraints, foreign keys, triggers,
/// policies, functions): what dropping or changing it breaks, or takes with it.
extension Catalog {
  /// An object that depends on a column or table, and what PostgreSQL does with it.
  package struct Dependent: Sendable, Hashable {
    package enum Kind: Sendable, Hashable {
      case view(String)
      case index(String)
      case constraint(table: String, name: String)
      case object(ObjectKey)
      case function(ObjectKey)
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

  static func constraintKindName(_ kind: ConstraintDefinition.Kind) -> String {
    switch kind {
    case .primaryKey: "primary key"
    case .unique: "unique constraint"
    case .foreignKey: "foreign key"
    case .exclusion: "exclusion constraint"
    default: "check constraint"
    }
  }
}
