import MigLintJavaScript
import MigLintSyntax

/// Sequelize CLI: `up(queryInterface, Sequelize)`; each `queryInterface` call sends its SQL at
/// once, outside any transaction unless it is made in one. The SQL is Sequelize's PostgreSQL
/// query generator (docs/orm/sequelize.md).
final class SequelizeDialect: Dialect {
  func global(_ name: String) -> Value? {
    switch name {
    case "Sequelize", "DataTypes": .native(SequelizeTypes())
    default: nil
    }
  }

  func module(_ name: String) -> Value? {
    switch name {
    case "sequelize", "@sequelize/core": .native(SequelizeTypes())
    default: nil
    }
  }

  func arguments(_ evaluator: Evaluator) -> [Value] { [.native(QueryInterface()), .native(SequelizeTypes())] }
}

/// A data type: `Sequelize.STRING`, `DataTypes.STRING(100)`, `Sequelize.ENUM('a', 'b')`.
final class SequelizeType: Native {
  let name: String
  var arguments: [Value]
  init(_ name: String, _ arguments: [Value] = []) {
    self.name = name
    self.arguments = arguments
  }

  override var label: String { "Sequelize.\(name)" }

  override func member(_ name: String, _ evaluator: Evaluator) -> Value {
    // `Sequelize.INTEGER.UNSIGNED`, `STRING.BINARY`: modifiers PostgreSQL ignores.
    .native(self)
  }

  override func call(_ method: String?, _ arguments: [Value], _ site: CallSite, _ evaluator: Evaluator) -> Value {
    .native(SequelizeType(name, arguments))
  }

  /// The column type, as Sequelize's PostgreSQL dialect writes it; an ENUM is a type of its own
  /// (`"enum_<table>_<column>"`).
  func sql(table: String, column: String) -> String {
    let numbers = arguments.compactMap(\.text)
    switch name {
    case "STRING": return "VARCHAR(\(numbers.first ?? "255"))"
    case "CHAR": return "CHAR(\(numbers.first ?? "255"))"
    case "TEXT": return "TEXT"
    case "CITEXT": return "CITEXT"
    case "INTEGER": return "INTEGER"
    case "BIGINT": return "BIGINT"
    case "SMALLINT", "TINYINT": return "SMALLINT"
    case "MEDIUMINT": return "INTEGER"
    case "FLOAT": return "FLOAT"
    case "REAL": return "REAL"
    case "DOUBLE": return "DOUBLE PRECISION"
    case "DECIMAL", "NUMERIC":
      return numbers.isEmpty ? "DECIMAL" : "DECIMAL(\(numbers.joined(separator: ",")))"
    case "BOOLEAN": return "BOOLEAN"
    case "DATE": return "TIMESTAMP WITH TIME ZONE"
    case "DATEONLY": return "DATE"
    case "TIME": return "TIME"
    case "NOW": return "TIMESTAMP WITH TIME ZONE"
    case "UUID", "UUIDV1", "UUIDV4": return "UUID"
    case "JSON": return "JSON"
    case "JSONB": return "JSONB"
    case "BLOB": return "BYTEA"
    case "INET", "CIDR", "MACADDR", "TSVECTOR", "HSTORE", "GEOMETRY", "GEOGRAPHY", "CIDR[]": return name
    case "ENUM": return "\"enum_\(table)_\(column)\""
    case "ARRAY":
      let element = arguments.first?.native as? SequelizeType
      return (element?.sql(table: table, column: column) ?? "TEXT") + "[]"
    case "RANGE": return "TSTZRANGE"
    default: return name
    }
  }

  var enumValues: [String] {
    if let values = arguments.first?.object?["values"]?.array { return values.compactMap(\.text) }
    return arguments.flatMap { $0.array ?? [$0] }.compactMap(\.text)
  }
}

/// `Sequelize` (the module), `DataTypes`: types, `fn`, `literal`, `col`, `Op`.
final class SequelizeTypes: Native {
  override var label: String { "Sequelize" }

  override func member(_ name: String, _ evaluator: Evaluator) -> Value {
    switch name {
    case "DataTypes", "Sequelize", "default": .native(self)
    case "Op": .unknown("an operator")
    default: .native(SequelizeType(name))
    }
  }

  override func call(_ method: String?, _ arguments: [Value], _ site: CallSite, _ evaluator: Evaluator) -> Value {
    switch method {
    case "literal":
      return .native(RawSQL(arguments.first?.text ?? ""))
    case "fn":
      let name = arguments.first?.text ?? ""
      let rest = arguments.dropFirst().map { SQLText.literal($0) ?? "NULL" }
      return .native(RawSQL("\(name)(\(rest.joined(separator: ", ")))"))
    case "col":
      return .native(RawSQL(arguments.first?.text.map(SQLText.qualified) ?? ""))
    case let name?:
      return .native(SequelizeType(name, arguments))  // `Sequelize.STRING(32)`
    default:
      return super.call(method, arguments, site, evaluator)
    }
  }
}

/// A transaction: `await queryInterface.sequelize.transaction()` or the `t` of a managed one.
final class SequelizeTransaction: Native {
  let id: Int
  init(id: Int) { self.id = id }
  override var label: String { "transaction" }
  override func call(_ method: String?, _ arguments: [Value], _ site: CallSite, _ evaluator: Evaluator) -> Value {
    switch method {
    case "commit":
      evaluator.commit(site)
    case "rollback", "afterCommit":
      evaluator.analysed(site)
    default:
      return super.call(method, arguments, site, evaluator)
    }
    return .undefined
  }
}

/// `queryInterface.sequelize`: `query`, `transaction`, `getDialect`.
final class SequelizeInstance: Native {
  override var label: String { "sequelize" }
  override var isHandle: Bool { true }

  override func member(_ name: String, _ evaluator: Evaluator) -> Value {
    switch name {
    case "options": .object(ObjectValue([("dialect", .string(.opaque("postgres", at: SourceRange(start: 0, end: 0))))]))
    case "queryInterface": .native(QueryInterface())
    default: super.member(name, evaluator)
    }
  }

  override func call(_ method: String?, _ arguments: [Value], _ site: CallSite, _ evaluator: Evaluator) -> Value {
    switch method {
    case "query":
      guard let sql = arguments.first?.string else {
        evaluator.unanalysable(site, "the SQL of `query` is not a constant miglint can read")
        return .unknown("query results")
      }
      let options = arguments.count > 1 ? arguments[1].object : nil
      // `replacements` (`?`, `:name`) are put in before sending; `bind` uses PostgreSQL's `$1`.
      let bound = Bindings.bind(sql, options?["replacements"] ?? .undefined, identifiers: false)
      evaluator.emit(sql: bound, site, transaction: QueryInterface.transaction(options))
      return .array([.unknown("query results"), .unknown("query metadata")])
    case "transaction":
      let transaction = SequelizeTransaction(id: evaluator.newTransaction(site))
      evaluator.analysed(site)
      guard let callback = arguments.last, case .function = callback else { return .native(transaction) }
      // A managed transaction: the callback's calls run in it, and it commits at the end.
      let outer = evaluator.transaction
      evaluator.transaction = transaction.id
      let result = evaluator.call(callback, [.native(transaction)], site)
      evaluator.commit(site)
      evaluator.transaction = outer
      return result
    case "getDialect":
      return .string(.opaque("postgres", at: site.range))
    case "getQueryInterface":
      return .native(QueryInterface())
    default:
      return super.call(method, arguments, site, evaluator)
    }
  }
}

/// `queryInterface`: each call sends its statements at once.
final class QueryInterface: Native {
  override var label: String { "queryInterface" }
  override var isHandle: Bool { true }

  override func member(_ name: String, _ evaluator: Evaluator) -> Value {
    name == "sequelize" ? .native(SequelizeInstance()) : super.member(name, evaluator)
  }

  /// The transaction an options object names (`{ transaction: t }`).
  static func transaction(_ options: ObjectValue?) -> Int? {
    (options?["transaction"]?.native as? SequelizeTransaction)?.id
  }

  /// `'users'` or `{ tableName: 'users', schema: 'app' }`.
  private func table(_ value: Value) -> (sql: String, name: String)? {
    if let name = value.text { return (SQLText.identifier(name), name) }
    guard let object = value.object, let name = object["tableName"]?.text else { return nil }
    if let schema = object["schema"]?.text {
      return ("\(SQLText.identifier(schema)).\(SQLText.identifier(name))", name)
    }
    return (SQLText.identifier(name), name)
  }

  override func call(_ method: String?, _ arguments: [Value], _ site: CallSite, _ evaluator: Evaluator) -> Value {
    guard let method else { return super.call(method, arguments, site, evaluator) }
    let argument = { (index: Int) -> Value in index < arguments.count ? arguments[index] : .undefined }
    let options = { (index: Int) -> Int? in QueryInterface.transaction(argument(index).object) }
    switch method {
    case "createTable":
      guard let (table, name) = table(argument(0)), let attributes = argument(1).object else {
        evaluator.unanalysable(site, "the table or columns of `createTable` are not constants")
        return .undefined
      }
      let transaction = options(2)
      var parts: [(text: String, range: SourceRange)] = [("CREATE TABLE IF NOT EXISTS \(table) (", site.range)]
      var primary: [String] = []
      var types: [(String, SourceRange)] = []
      for (index, (column, value)) in attributes.pairs.enumerated() {
        let range = attributes.ranges[column] ?? site.range
        let definition = Attribute(value, table: name, column: column)
        if definition.isPrimaryKey { primary.append(column) }
        if let type = definition.createType { types.append((type, range)) }
        parts.append(
          ((index > 0 ? ", " : "") + SQLText.identifier(column) + " " + definition.sql(inCreate: true), range))
      }
      if !primary.isEmpty { parts.append((", PRIMARY KEY (\(SQLText.columns(primary)))", site.range)) }
      parts.append((")", site.range))
      for (type, range) in types { evaluator.emit(type, site, range: range, transaction: transaction) }
      evaluator.emit(parts: parts, site, transaction: transaction)
    case "dropTable":
      guard let (table, _) = table(argument(0)) else { return evaluator.notConstant(method, site) }
      let cascade = argument(1).object?["cascade"]?.bool == true ? " CASCADE" : ""
      evaluator.emit("DROP TABLE IF EXISTS \(table)\(cascade)", site, transaction: options(1))
    case "renameTable":
      guard let (from, _) = table(argument(0)), let (to, _) = table(argument(1)) else {
        return evaluator.notConstant(method, site)
      }
      evaluator.emit("ALTER TABLE \(from) RENAME TO \(to)", site, transaction: options(2))
    case "addColumn":
      guard let (table, name) = table(argument(0)), let column = argument(1).text else {
        return evaluator.notConstant(method, site)
      }
      let definition = Attribute(argument(2), table: name, column: column)
      if let type = definition.createType { evaluator.emit(type, site, transaction: options(3)) }
      evaluator.emit(
        "ALTER TABLE \(table) ADD COLUMN \(SQLText.identifier(column)) \(definition.sql(inCreate: false))", site,
        transaction: options(3))
    case "removeColumn":
      guard let (table, _) = table(argument(0)), let column = argument(1).text else {
        return evaluator.notConstant(method, site)
      }
      evaluator.emit("ALTER TABLE \(table) DROP COLUMN \(SQLText.identifier(column))", site, transaction: options(2))
    case "renameColumn":
      guard let (table, _) = table(argument(0)), let from = argument(1).text, let to = argument(2).text else {
        return evaluator.notConstant(method, site)
      }
      evaluator.emit(
        "ALTER TABLE \(table) RENAME COLUMN \(SQLText.identifier(from)) TO \(SQLText.identifier(to))", site,
        transaction: options(3))
    case "changeColumn":
      guard let (table, name) = table(argument(0)), let column = argument(1).text else {
        return evaluator.notConstant(method, site)
      }
      // A full redefinition: what the attributes leave out is dropped (NOT NULL, the default).
      // With `references`, Sequelize only adds the foreign key (and sets what is given).
      let definition = Attribute(argument(2), table: name, column: column)
      let alter = "ALTER TABLE \(table) ALTER COLUMN \(SQLText.identifier(column))"
      let transaction = options(3)
      let referencing = definition.references != nil
      if !definition.allowNull {
        evaluator.emit("\(alter) SET NOT NULL", site, transaction: transaction)
      } else if !referencing {
        evaluator.emit("\(alter) DROP NOT NULL", site, transaction: transaction)
      }
      if let defaultValue = definition.defaultValue {
        evaluator.emit("\(alter) SET DEFAULT \(defaultValue)", site, transaction: transaction)
      } else if !referencing {
        evaluator.emit("\(alter) DROP DEFAULT", site, transaction: transaction)
      }
      if let type = definition.createType { evaluator.emit(type, site, transaction: transaction) }
      if let type = definition.type, !referencing {
        evaluator.emit("\(alter) TYPE \(type)", site, transaction: transaction)
      }
      if definition.unique {
        evaluator.emit(
          "ALTER TABLE \(table) ADD UNIQUE (\(SQLText.identifier(column)))", site, transaction: transaction)
      }
      if let references = definition.references {
        evaluator.emit(
          "ALTER TABLE \(table) ADD FOREIGN KEY (\(SQLText.identifier(column))) \(references)", site,
          transaction: transaction)
      }
    case "addIndex":
      addIndex(arguments, site, evaluator)
    case "removeIndex":
      guard let (table, name) = table(argument(0)) else { return evaluator.notConstant(method, site) }
      let optionsObject = argument(2).object
      let concurrently = optionsObject?["concurrently"]?.bool == true ? "CONCURRENTLY " : ""
      let indexName: String
      if let given = argument(1).text {
        indexName = given
      } else if let fields = argument(1).names {
        indexName = Self.indexName(name, fields)
      } else {
        return evaluator.notConstant(method, site)
      }
      _ = table
      evaluator.emit(
        "DROP INDEX \(concurrently)IF EXISTS \(SQLText.identifier(indexName))", site, transaction: options(2))
    case "addConstraint":
      addConstraint(arguments, site, evaluator)
    case "removeConstraint":
      guard let (table, _) = table(argument(0)), let constraint = argument(1).text else {
        return evaluator.notConstant(method, site)
      }
      evaluator.emit(
        "ALTER TABLE \(table) DROP CONSTRAINT \(SQLText.identifier(constraint))", site, transaction: options(2))
    case "bulkInsert":
      guard let (table, _) = table(argument(0)), let rows = argument(1).array else {
        return evaluator.notConstant(method, site)
      }
      let keys = rows.first?.object?.keys ?? []
      var parameter = 0
      let values = rows.map { row in
        "("
          + keys.map { key -> String in
            if let literal = SQLText.literal(row.object?[key] ?? .null) { return literal }
            parameter += 1
            return "$\(parameter)"
          }.joined(separator: ",") + ")"
      }
      guard !keys.isEmpty else {
        evaluator.analysed(site)
        return .undefined
      }
      evaluator.emit(
        "INSERT INTO \(table) (\(SQLText.columns(keys))) VALUES \(values.joined(separator: ","))", site,
        transaction: options(2))
    case "bulkUpdate":
      guard let (table, _) = table(argument(0)), let values = argument(1).object else {
        return evaluator.notConstant(method, site)
      }
      var filter = Where()
      let set = values.pairs.map { "\(SQLText.identifier($0.key))=\(filter.value($0.value))" }.joined(separator: ",")
      let condition = filter.clause(argument(2))
      evaluator.emit(
        "UPDATE \(table) SET \(set)\(condition.map { " WHERE \($0)" } ?? "")", site, transaction: options(3))
    case "bulkDelete":
      guard let (table, _) = table(argument(0)) else { return evaluator.notConstant(method, site) }
      var filter = Where()
      let condition = filter.clause(argument(1))
      evaluator.emit("DELETE FROM \(table)\(condition.map { " WHERE \($0)" } ?? "")", site, transaction: options(2))
    case "sequelize":
      return .native(SequelizeInstance())
    case "describeTable", "showAllTables", "showIndex", "getForeignKeyReferencesForTable", "tableExists",
      "rawSelect", "select", "getForeignKeysForTables":
      evaluator.analysed(site)
      return .unknown("what the database holds")
    case "createSchema", "dropSchema":
      guard let schema = argument(0).text else { return evaluator.notConstant(method, site) }
      evaluator.emit(
        method == "createSchema"
          ? "CREATE SCHEMA IF NOT EXISTS \(SQLText.identifier(schema))"
          : "DROP SCHEMA IF EXISTS \(SQLText.identifier(schema)) CASCADE",
        site)
    case "dropAllTables", "dropAllSchemas", "dropAllEnums":
      return super.call(method, arguments, site, evaluator)
    case "query":
      return SequelizeInstance().call("query", arguments, site, evaluator)
    default:
      return super.call(method, arguments, site, evaluator)
    }
    return .undefined
  }

  /// `<table>_<fields>`, as Sequelize names an index (underscored).
  static func indexName(_ table: String, _ fields: [String]) -> String {
    ([table] + fields).joined(separator: "_").replacing(".", with: "_")
  }

  private func addIndex(_ arguments: [Value], _ site: CallSite, _ evaluator: Evaluator) {
    // `addIndex(table, fields, options)` or `addIndex(table, options)` with `fields` inside.
    guard let (table, name) = table(arguments.first ?? .undefined) else {
      evaluator.unanalysable(site, "the table of `addIndex` is not a constant")
      return
    }
    var options = arguments.count > 2 ? arguments[2].object : nil
    var fieldsValue = arguments.count > 1 ? arguments[1] : .undefined
    if let object = fieldsValue.object {
      options = object
      fieldsValue = object["fields"] ?? .undefined
    }
    let fields = (fieldsValue.array ?? [fieldsValue]).compactMap { field -> String? in
      field.text ?? field.object?["name"]?.text ?? field.object?["attribute"]?.text
    }
    guard !fields.isEmpty else {
      evaluator.unanalysable(site, "the fields of `addIndex` are not constants")
      return
    }
    let indexName = options?["name"]?.text ?? Self.indexName(name, fields)
    let unique = options?["unique"]?.bool == true || options?["type"]?.text?.uppercased() == "UNIQUE"
    let concurrently = options?["concurrently"]?.bool == true
    var sql =
      "CREATE \(unique ? "UNIQUE " : "")INDEX \(concurrently ? "CONCURRENTLY " : "")\(SQLText.identifier(indexName)) ON \(table)"
    if let using = options?["using"]?.text ?? options?["method"]?.text { sql += " USING \(using)" }
    sql += " (\(SQLText.columns(fields)))"
    if let predicate = options?["where"] {
      var filter = Where()
      if let clause = filter.clause(predicate) { sql += " WHERE \(clause)" }
    }
    evaluator.emit(sql, site, transaction: QueryInterface.transaction(options))
  }

  private func addConstraint(_ arguments: [Value], _ site: CallSite, _ evaluator: Evaluator) {
    guard let (table, name) = table(arguments.first ?? .undefined),
      let options = (arguments.count > 2 ? arguments[2].object : nil)
        ?? (arguments.count > 1 ? arguments[1].object : nil),
      let type = options["type"]?.text?.lowercased()
    else {
      evaluator.unanalysable(site, "the table or options of `addConstraint` are not constants")
      return
    }
    let fields =
      options["fields"]?.names ?? (arguments.count > 2 ? arguments[1].names : nil) ?? []
    let suffix =
      ["unique": "uk", "check": "ck", "primary key": "pk", "foreign key": "fk", "default": "df"][type] ?? type
    var generated = ([name] + fields).joined(separator: "_")
    if type == "foreign key", let referenced = options["references"]?.object?["table"]?.text {
      generated += "_\(referenced)"
    }
    let constraint = SQLText.identifier(options["name"]?.text ?? "\(generated)_\(suffix)")
    var sql: String
    switch type {
    case "unique":
      sql = "ALTER TABLE \(table) ADD CONSTRAINT \(constraint) UNIQUE (\(SQLText.columns(fields)))"
    case "primary key":
      sql = "ALTER TABLE \(table) ADD CONSTRAINT \(constraint) PRIMARY KEY (\(SQLText.columns(fields)))"
    case "check":
      var filter = Where()
      sql =
        "ALTER TABLE \(table) ADD CONSTRAINT \(constraint) CHECK (\(filter.clause(options["where"] ?? .undefined) ?? "$1"))"
    case "foreign key":
      let references = options["references"]?.object
      let referencedTable = references?["table"].flatMap { self.table($0)?.sql } ?? "\"\""
      let referencedField = references?["field"]?.text ?? "id"
      sql =
        "ALTER TABLE \(table) ADD CONSTRAINT \(constraint) FOREIGN KEY (\(SQLText.columns(fields))) REFERENCES \(referencedTable) (\(SQLText.identifier(referencedField)))"
      if let onDelete = options["onDelete"]?.text { sql += " ON DELETE \(onDelete.uppercased())" }
      if let onUpdate = options["onUpdate"]?.text { sql += " ON UPDATE \(onUpdate.uppercased())" }
    default:
      evaluator.unanalysable(site, "miglint does not know the `\(type)` constraint of `addConstraint`")
      return
    }
    if options["deferrable"] != nil { sql += " DEFERRABLE INITIALLY DEFERRED" }
    evaluator.emit(sql, site, transaction: QueryInterface.transaction(options))
  }
}

/// A column's attributes (`{ type, allowNull, defaultValue, … }` or a bare type).
struct Attribute {
  var type: String?
  var allowNull = true
  var defaultValue: String?
  var unique = false
  var isPrimaryKey = false
  var autoIncrement = false
  var references: String?
  var createType: String?

  init(_ value: Value, table: String, column: String) {
    var typeValue = value
    let object = value.object
    if let object { typeValue = object["type"] ?? .undefined }
    let dataType = typeValue.native as? SequelizeType
    type = dataType?.sql(table: table, column: column) ?? typeValue.text
    if dataType?.name == "ENUM" {
      var values = dataType?.enumValues ?? []
      if values.isEmpty, let listed = object?["values"]?.array { values = listed.compactMap(\.text) }
      createType =
        "CREATE TYPE \(SQLText.identifier("enum_\(table)_\(column)")) AS ENUM(\(values.map(SQLText.literal).joined(separator: ", ")))"
    }
    guard let object else { return }
    allowNull = object["allowNull"]?.bool ?? true
    isPrimaryKey = object["primaryKey"]?.bool == true
    autoIncrement = object["autoIncrement"]?.bool == true
    unique = object["unique"]?.bool == true || object["unique"]?.text != nil
    if let defaultObject = object["defaultValue"], !(defaultObject.native is SequelizeType) {
      defaultValue = SQLText.literal(defaultObject)
    } else if let typeName = (object["defaultValue"]?.native as? SequelizeType)?.name {
      // `Sequelize.NOW` is CURRENT_TIMESTAMP; UUIDV4 is generated by Sequelize, not the database.
      if typeName == "NOW" { defaultValue = "CURRENT_TIMESTAMP" }
    }
    if let reference = object["references"]?.object {
      var table = reference["model"]?.text.map(SQLText.identifier)
      if let model = reference["model"]?.object, let name = model["tableName"]?.text {
        table =
          model["schema"]?.text.map { "\(SQLText.identifier($0)).\(SQLText.identifier(name))" }
          ?? SQLText.identifier(name)
      }
      var sql = "REFERENCES \(table ?? "\"\"") (\(SQLText.identifier(reference["key"]?.text ?? "id")))"
      if let onDelete = object["onDelete"]?.text { sql += " ON DELETE \(onDelete.uppercased())" }
      if let onUpdate = object["onUpdate"]?.text { sql += " ON UPDATE \(onUpdate.uppercased())" }
      references = sql
    }
  }

  /// The column definition after its name.
  func sql(inCreate: Bool) -> String {
    var sql = type ?? "TEXT"
    if autoIncrement {
      sql = sql == "BIGINT" ? "BIGSERIAL" : sql == "SMALLINT" ? "SMALLSERIAL" : "SERIAL"
    }
    if !allowNull { sql += " NOT NULL" }
    if let defaultValue { sql += " DEFAULT \(defaultValue)" }
    if unique { sql += " UNIQUE" }
    if isPrimaryKey, !inCreate { sql += " PRIMARY KEY" }
    if let references { sql += " \(references)" }
    return sql
  }
}

/// A `where` object of `bulkUpdate`/`bulkDelete`/`addIndex`: equality of known values, else
/// parameters.
struct Where {
  private var parameters = 0

  mutating func value(_ value: Value) -> String {
    if let literal = SQLText.literal(value) { return literal }
    parameters += 1
    return "$\(parameters)"
  }

  mutating func clause(_ value: Value) -> String? {
    switch value {
    case .undefined, .null:
      return nil
    case .object(let object):
      if object.keys.isEmpty { return nil }
      return object.pairs.map { pair -> String in
        if case .array(let items) = pair.value {
          return "\(SQLText.identifier(pair.key)) IN (\(items.map { self.value($0) }.joined(separator: ", ")))"
        }
        if case .null = pair.value { return "\(SQLText.identifier(pair.key)) IS NULL" }
        return "\(SQLText.identifier(pair.key)) = \(self.value(pair.value))"
      }.joined(separator: " AND ")
    case .native(let raw as RawSQL):
      return raw.sql
    default:
      parameters += 1
      return "$\(parameters)"
    }
  }
}
