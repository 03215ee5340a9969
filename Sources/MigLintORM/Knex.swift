import MigLintJavaScript
import MigLintSyntax

/// Knex: `up(knex)` and `down(knex)`; `knex.schema` builds DDL, `knex('table')` builds queries,
/// `knex.raw` sends SQL. Builders are lazy: a query is sent when it is awaited or returned.
/// The SQL is knex's PostgreSQL dialect (docs/orm/knex.md).
final class KnexDialect: Dialect {
  func global(_ name: String) -> Value? { nil }
  func module(_ name: String) -> Value? { name == "knex" ? .native(KnexHandle()) : nil }
  func arguments(_ evaluator: Evaluator) -> [Value] { [.native(KnexHandle())] }
}

/// `knex` (and a transaction `trx`, which takes the same calls).
final class KnexHandle: Native {
  override var label: String { "knex" }
  override var isHandle: Bool { true }

  override func member(_ name: String, _ evaluator: Evaluator) -> Value {
    switch name {
    case "schema": .native(KnexSchema(schema: nil))
    case "fn": .native(KnexFunctions())
    default: super.member(name, evaluator)
    }
  }

  override func call(_ name: String?, _ arguments: [Value], _ site: CallSite, _ evaluator: Evaluator) -> Value {
    switch name {
    case nil, "table", "from", "into":
      return .native(KnexQuery(table: arguments.first?.text, site: site))
    case "select", "queryBuilder", "insert", "update", "del", "delete", "where", "count", "first", "pluck", "with",
      "withSchema":
      // A query started without a table (`knex.select('*').from('users')`, `knex.insert(rows).into(…)`).
      let query = KnexQuery(table: nil, site: site)
      return name == "queryBuilder" || name == "withSchema"
        ? .native(query) : query.call(name, arguments, site, evaluator)
    case "raw":
      return KnexRaw.make(arguments, site, evaluator)
    case "transaction":
      // `knex.transaction(async (trx) => …)` inside a migration: the calls go through `trx`.
      if case .function = arguments.first ?? .undefined {
        evaluator.analysed(site)
        return evaluator.call(arguments[0], [.native(KnexHandle())], site)
      }
      return .native(KnexHandle())
    case "commit", "rollback", "destroy":
      evaluator.analysed(site)
      return .undefined
    default:
      return super.call(name, arguments, site, evaluator)
    }
  }
}

/// `knex.fn.now()`, `knex.fn.uuid()`.
final class KnexFunctions: Native {
  override var label: String { "knex.fn" }
  override func call(_ name: String?, _ arguments: [Value], _ site: CallSite, _ evaluator: Evaluator) -> Value {
    switch name {
    case "now": .native(RawSQL("CURRENT_TIMESTAMP"))
    case "uuid": .native(RawSQL("(gen_random_uuid())"))
    default: super.call(name, arguments, site, evaluator)
    }
  }
}

/// `knex.raw(sql, bindings)`: sent when awaited or returned; used as a value (`defaultTo`) it is
/// SQL text.
enum KnexRaw {
  static func make(_ arguments: [Value], _ site: CallSite, _ evaluator: Evaluator) -> Value {
    guard let sql = arguments.first?.string else {
      evaluator.unanalysable(site, "the SQL of `raw` is not a constant miglint can read")
      return .unknown("raw SQL")
    }
    let bound = Bindings.bind(sql, arguments.count > 1 ? arguments[1] : .undefined, identifiers: true)
    return .native(PendingRaw(bound, site: site))
  }
}

/// A `knex.raw` query not sent yet.
final class PendingRaw: RawSQL {
  let site: CallSite
  private var isSent = false

  init(_ sql: JSString, site: CallSite) {
    self.site = site
    super.init(sql.value, source: sql)
  }

  override var unsent: Bool { !isSent }

  override func settle(_ evaluator: Evaluator) {
    guard !isSent, let source else { return }
    isSent = true
    evaluator.emit(sql: source, site)
  }
}

/// `knex.schema`: the DDL calls of one chain, sent together when the chain is awaited or
/// returned.
final class KnexSchema: Native {
  private var schema: String?
  private var pending: [(statement: [(text: String, range: SourceRange)], site: CallSite)] = []
  private var raws: [Int: PendingRaw] = [:]
  private var isSent = false

  init(schema: String?) { self.schema = schema }

  override var label: String { "knex.schema" }
  override var isHandle: Bool { true }
  override var unsent: Bool { !isSent && !pending.isEmpty }

  override func settle(_ evaluator: Evaluator) {
    guard !isSent else { return }
    isSent = true
    for (index, entry) in pending.enumerated() {
      if let raw = raws[index] {
        raw.settle(evaluator)
      } else {
        evaluator.emit(parts: entry.statement, entry.site)
      }
    }
  }

  private func table(_ name: String) -> String {
    SQLText.qualified(schema.map { $0 + "." + name } ?? name)
  }

  private func add(_ sql: String, _ site: CallSite) { pending.append(([(sql, site.range)], site)) }

  override func call(_ name: String?, _ arguments: [Value], _ site: CallSite, _ evaluator: Evaluator) -> Value {
    guard let name else { return super.call(name, arguments, site, evaluator) }
    let first = arguments.first?.text
    switch name {
    case "withSchema":
      schema = first
    case "createTable", "createTableIfNotExists", "alterTable", "table":
      guard let first else {
        evaluator.unanalysable(site, "the table name of `\(name)` is not a constant")
        break
      }
      let builder = KnexTable(
        name: table(first), rawName: first, creating: name.hasPrefix("create"),
        ifNotExists: name.hasSuffix("IfNotExists"),
        site: site)
      if arguments.count > 1 { _ = evaluator.call(arguments[1], [.native(builder)], site) }
      for (statement, range) in builder.compile() {
        pending.append((statement, CallSite(range: range, arguments: [])))
      }
      evaluator.analysed(site)
    case "dropTable", "dropTableIfExists":
      guard let first else {
        evaluator.unanalysable(site, "the table name of `\(name)` is not a constant")
        break
      }
      add("drop table \(name == "dropTableIfExists" ? "if exists " : "")\(table(first))", site)
    case "renameTable":
      guard let first, let to = arguments.dropFirst().first?.text else {
        evaluator.unanalysable(site, "the table names of `renameTable` are not constants")
        break
      }
      add("alter table \(table(first)) rename to \(SQLText.identifier(to))", site)
    case "raw":
      if case .native(let raw as PendingRaw) = KnexRaw.make(arguments, site, evaluator) {
        raws[pending.count] = raw
        pending.append(([], site))
      }
    case "createSchema", "createSchemaIfNotExists":
      guard let first else { return super.call(name, arguments, site, evaluator) }
      add("create schema \(name.hasSuffix("IfNotExists") ? "if not exists " : "")\(SQLText.identifier(first))", site)
    case "dropSchema", "dropSchemaIfExists":
      guard let first else { return super.call(name, arguments, site, evaluator) }
      add("drop schema \(name.hasSuffix("IfExists") ? "if exists " : "")\(SQLText.identifier(first))", site)
    case "createExtension", "createExtensionIfNotExists":
      guard let first else { return super.call(name, arguments, site, evaluator) }
      add("create extension \(name.hasSuffix("IfNotExists") ? "if not exists " : "")\(SQLText.identifier(first))", site)
    case "dropExtension", "dropExtensionIfExists":
      guard let first else { return super.call(name, arguments, site, evaluator) }
      add("drop extension \(name.hasSuffix("IfExists") ? "if exists " : "")\(SQLText.identifier(first))", site)
    case "hasTable", "hasColumn":
      // A read: whether it holds is known only at run time.
      evaluator.analysed(site)
      return .unknown("whether the \(name == "hasTable" ? "table" : "column") exists")
    default:
      return super.call(name, arguments, site, evaluator)
    }
    return .native(self)
  }
}

/// The table builder a `createTable`/`alterTable` callback gets.
final class KnexTable: Native {
  let name: String
  let rawName: String
  let creating: Bool
  let ifNotExists: Bool
  let site: CallSite
  private(set) var columns: [KnexColumn] = []
  /// Statements other than column definitions, in call order, with their calls. A foreign key
  /// is written when the table is: `.references()`, `.onDelete()` may still follow.
  private enum Pending {
    case sql(String, SourceRange)
    case foreign(KnexForeign)
  }
  private var statements: [Pending] = []

  init(name: String, rawName: String, creating: Bool, ifNotExists: Bool, site: CallSite) {
    self.name = name
    self.rawName = rawName
    self.creating = creating
    self.ifNotExists = ifNotExists
    self.site = site
  }

  override var label: String { "table" }

  /// `<table>_<columns>_<kind>`, lower case, as knex names indexes and constraints.
  func indexName(_ columns: [String], _ kind: String) -> String {
    let table = rawName.replacing(".", with: "_").replacing("-", with: "_")
    return SQLText.identifier(([table] + columns + [kind]).joined(separator: "_").lowercased())
  }

  private func statement(_ sql: String, _ range: SourceRange) { statements.append(.sql(sql, range)) }

  /// The statements the builder sends: the table (or its new columns), then the rest in order.
  func compile() -> [([(text: String, range: SourceRange)], SourceRange)] {
    var result: [([(text: String, range: SourceRange)], SourceRange)] = []
    // Native enum types are created before the table that uses them.
    for column in columns { if let type = column.createsType { result.append(([(type, column.range)], column.range)) } }
    let added = columns.filter { !$0.alter }
    if creating {
      var parts: [(text: String, range: SourceRange)] = [
        ("create table \(ifNotExists ? "if not exists " : "")\(name) (", site.range)
      ]
      for (index, column) in added.enumerated() {
        parts.append(((index > 0 ? ", " : "") + column.definition, column.range))
      }
      parts.append((")", site.range))
      result.append((parts, site.range))
    } else if !added.isEmpty {
      var parts: [(text: String, range: SourceRange)] = [("alter table \(name) ", site.range)]
      for (index, column) in added.enumerated() {
        parts.append(((index > 0 ? ", " : "") + "add column " + column.definition, column.range))
      }
      result.append((parts, added[0].range))
    }
    for column in columns where column.alter {
      for sql in column.alterStatements(table: name) { result.append(([(sql, column.range)], column.range)) }
    }
    for column in added {
      for (sql, range) in column.constraints(self) { result.append(([(sql, range)], range)) }
    }
    for pending in statements {
      switch pending {
      case .sql(let sql, let range): result.append(([(sql, range)], range))
      case .foreign(let foreign): result.append(([(foreign.sql(self), foreign.range)], foreign.range))
      }
    }
    return result
  }

  private static let types: [String: String] = [
    "integer": "integer", "bigInteger": "bigint", "bigint": "bigint", "smallint": "smallint", "tinyint": "smallint",
    "mediumint": "integer", "text": "text", "boolean": "boolean", "date": "date", "time": "time", "binary": "bytea",
    "json": "json", "jsonb": "jsonb", "uuid": "uuid", "double": "double precision", "float": "real",
    "geometry": "geometry", "geography": "geography", "point": "point",
  ]

  override func call(_ method: String?, _ arguments: [Value], _ site: CallSite, _ evaluator: Evaluator) -> Value {
    guard let method else { return super.call(method, arguments, site, evaluator) }
    let first = arguments.first?.text
    let column = { (type: String) -> Value in
      let name = first ?? ""
      if first == nil { evaluator.unanalysable(site, "the column name of `\(method)` is not a constant") }
      let builder = KnexColumn(name: name, type: type, site: site)
      if first != nil { self.columns.append(builder) }
      evaluator.analysed(site)
      return .native(builder)
    }
    if let type = Self.types[method] { return column(type) }
    switch method {
    case "increments", "bigIncrements":
      let options = arguments.dropFirst().first?.object
      let primary = options?["primaryKey"]?.bool != false
      let name = first ?? "id"
      let builder = KnexColumn(
        name: name, type: (method == "increments" ? "serial" : "bigserial") + (primary ? " primary key" : ""),
        site: site)
      columns.append(builder)
      evaluator.analysed(site)
      return .native(builder)
    case "string":
      // Knex reads the length as an integer, 255 when it is not one.
      let length = arguments.count > 1 ? arguments[1].text.flatMap { Int($0) }.map(String.init) ?? "255" : "255"
      return column("varchar(\(length))")
    case "decimal":
      let precision = arguments.count > 1 ? arguments[1] : .number(8, site.range)
      let scale = arguments.count > 2 ? arguments[2].text ?? "2" : "2"
      if precision.isNullish { return column("decimal") }
      return column("decimal(\(precision.text ?? "8"), \(scale))")
    case "timestamp", "datetime", "dateTime":
      var withTimeZone = true
      var precision: String?
      if arguments.count > 1 {
        if case .bool(let withoutTz) = arguments[1] { withTimeZone = !withoutTz }
        if let options = arguments[1].object {
          if options["useTz"]?.bool == false { withTimeZone = false }
          precision = options["precision"]?.text
        }
      }
      return column((withTimeZone ? "timestamptz" : "timestamp") + (precision.map { "(\($0))" } ?? ""))
    case "enu", "enum":
      let values = (arguments.count > 1 ? arguments[1].array : nil)?.compactMap(\.text) ?? []
      let options = arguments.count > 2 ? arguments[2].object : nil
      if options?["useNative"]?.bool == true, let typeName = options?["enumName"]?.text {
        let result = column(SQLText.identifier(typeName))
        if options?["existingType"]?.bool != true, let builder = result.native as? KnexColumn {
          builder.createsType =
            "create type \(SQLText.identifier(typeName)) as enum (\(values.map(SQLText.literal).joined(separator: ", ")))"
        }
        return result
      }
      let name = SQLText.identifier(first ?? "")
      return column("text check (\(name) in (\(values.map(SQLText.literal).joined(separator: ", "))))")
    case "specificType":
      return column(arguments.count > 1 ? arguments[1].text ?? "text" : "text")
    case "timestamps":
      let useTimestamps = arguments.first?.bool ?? true
      let defaultToNow = arguments.count > 1 ? arguments[1].bool ?? false : false
      let camel = arguments.count > 2 ? arguments[2].bool ?? false : false
      for name in camel ? ["createdAt", "updatedAt"] : ["created_at", "updated_at"] {
        let builder = KnexColumn(name: name, type: useTimestamps ? "timestamptz" : "timestamp", site: site)
        if defaultToNow {
          builder.nullable = false
          builder.defaultValue = "CURRENT_TIMESTAMP"
        }
        columns.append(builder)
      }
      evaluator.analysed(site)
      return .undefined
    case "dropColumn", "dropColumns":
      let names = arguments.flatMap { $0.names ?? [] }
      guard names.count == arguments.count || (arguments.count == 1 && !names.isEmpty) else {
        evaluator.unanalysable(site, "the column names of `\(method)` are not constants")
        return .native(self)
      }
      statement(
        "alter table \(name) " + names.map { "drop column \(SQLText.identifier($0))" }.joined(separator: ", "),
        site.range)
    case "dropTimestamps":
      statement("alter table \(name) drop column \"created_at\", drop column \"updated_at\"", site.range)
    case "renameColumn":
      guard let first, let to = arguments.dropFirst().first?.text else {
        evaluator.unanalysable(site, "the column names of `renameColumn` are not constants")
        return .native(self)
      }
      statement("alter table \(name) rename \(SQLText.identifier(first)) to \(SQLText.identifier(to))", site.range)
    case "index", "unique", "primary", "dropIndex", "dropUnique", "dropForeign", "dropPrimary":
      return tableIndex(method, arguments, site, evaluator)
    case "foreign":
      guard let columns = arguments.first?.names else {
        evaluator.unanalysable(site, "the columns of `foreign` are not constants")
        return .undefined
      }
      let foreign = KnexForeign(columns: columns, site: site)
      if arguments.count > 1, let name = arguments[1].text { foreign.name = name }
      statements.append(.foreign(foreign))
      evaluator.analysed(site)
      return .native(foreign)
    case "setNullable", "dropNullable":
      guard let first else { return super.call(method, arguments, site, evaluator) }
      let action = method == "setNullable" ? "drop not null" : "set not null"
      statement("alter table \(name) alter column \(SQLText.identifier(first)) \(action)", site.range)
    case "comment":
      statement("comment on table \(name) is \(SQLText.literal(first ?? ""))", site.range)
    case "engine", "charset", "collate", "inherits":
      break  // MySQL table options; `inherits` has no finding of its own
    default:
      return super.call(method, arguments, site, evaluator)
    }
    evaluator.analysed(site)
    return .native(self)
  }

  private func tableIndex(_ method: String, _ arguments: [Value], _ site: CallSite, _ evaluator: Evaluator) -> Value {
    let columns = arguments.first?.names ?? []
    var indexName: String?
    var options: ObjectValue?
    if arguments.count > 1 {
      if let text = arguments[1].text {
        indexName = text
      } else if let object = arguments[1].object {
        options = object
        indexName = object["indexName"]?.text ?? object["constraintName"]?.text
      }
    }
    if arguments.count > 2 { options = arguments[2].object ?? options }
    if columns.isEmpty, indexName == nil, method != "dropPrimary" {
      evaluator.unanalysable(site, "the columns of `\(method)` are not constants")
      return .native(self)
    }
    let table = name
    let kind =
      ["index": "index", "dropIndex": "index", "unique": "unique", "dropUnique": "unique"][method] ?? "foreign"
    let quoted = indexName.map(SQLText.identifier) ?? self.indexName(columns, kind)
    let sql: String
    switch method {
    case "index":
      let type = options?["indexType"]?.text ?? (arguments.count > 2 ? arguments[2].text : nil)
      let predicate = (options?["predicate"]?.native as? KnexQuery)?.whereClause
      sql =
        "create index \(quoted) on \(table)\(type.map { " using \($0)" } ?? "") (\(SQLText.columns(columns)))"
        + (predicate.map { " where \($0)" } ?? "")
    case "unique":
      if options?["useConstraint"]?.bool == false || options?["predicate"] != nil {
        let predicate = (options?["predicate"]?.native as? KnexQuery)?.whereClause
        sql =
          "create unique index \(quoted) on \(table) (\(SQLText.columns(columns)))"
          + (predicate.map { " where \($0)" } ?? "")
      } else {
        sql = "alter table \(table) add constraint \(quoted) unique (\(SQLText.columns(columns)))"
      }
    case "primary":
      let constraint = indexName.map(SQLText.identifier) ?? SQLText.identifier(rawName + "_pkey")
      sql = "alter table \(table) add constraint \(constraint) primary key (\(SQLText.columns(columns)))"
    case "dropIndex":
      sql = "drop index \(quoted)"
    case "dropPrimary":
      sql = "alter table \(table) drop constraint \(SQLText.identifier(arguments.first?.text ?? rawName + "_pkey"))"
    default:  // dropUnique, dropForeign
      sql = "alter table \(table) drop constraint \(quoted)"
    }
    statement(sql, site.range)
    evaluator.analysed(site)
    return .native(self)
  }
}

/// A column builder: `table.string('email').notNullable().unique()`.
final class KnexColumn: Native {
  let name: String
  let type: String
  /// The whole chain, `table.string('email').notNullable()` (grows with each modifier).
  private(set) var range: SourceRange
  var nullable: Bool?
  var defaultValue: String?
  var alter = false
  var createsType: String?
  private var primary = false
  private var unique: String?? = .none
  private var index: String?? = .none
  private var foreign: KnexForeign?
  private var comment: String?

  init(name: String, type: String, site: CallSite) {
    self.name = name
    self.type = type
    range = site.range
  }

  override var label: String { "column" }

  var definition: String {
    var sql = "\(SQLText.identifier(name)) \(type)"
    if let nullable { sql += nullable ? " null" : " not null" }
    if let defaultValue { sql += " default \(defaultValue)" }
    return sql
  }

  /// What `.alter()` sends, in knex's order: the default and NOT NULL are dropped before the
  /// type changes, then set again when the builder asks for them.
  func alterStatements(table: String) -> [String] {
    let column = "alter table \(table) alter column \(SQLText.identifier(name))"
    var result = [
      "\(column) drop default", "\(column) drop not null",
      "\(column) type \(type) using (\(SQLText.identifier(name))::\(type))",
    ]
    if let defaultValue { result.append("\(column) set default \(defaultValue)") }
    if nullable == false { result.append("\(column) set not null") }
    return result
  }

  /// The statements a column's modifiers add after the table: primary key, unique, index,
  /// foreign key, comment.
  func constraints(_ table: KnexTable) -> [(String, SourceRange)] {
    var result: [(String, SourceRange)] = []
    if primary {
      result.append(
        (
          "alter table \(table.name) add constraint \(SQLText.identifier(table.rawName + "_pkey")) primary key (\(SQLText.identifier(name)))",
          range
        ))
    }
    if case .some(let given) = unique {
      let constraint = given.map(SQLText.identifier) ?? table.indexName([name], "unique")
      result.append(
        ("alter table \(table.name) add constraint \(constraint) unique (\(SQLText.identifier(name)))", range))
    }
    if case .some(let given) = index {
      let indexName = given.map(SQLText.identifier) ?? table.indexName([name], "index")
      result.append(("create index \(indexName) on \(table.name) (\(SQLText.identifier(name)))", range))
    }
    if let foreign { result.append((foreign.sql(table), range)) }
    if let comment {
      result.append(
        ("comment on column \(table.name).\(SQLText.identifier(name)) is \(SQLText.literal(comment))", range))
    }
    return result
  }

  func extend(to other: SourceRange) {
    range = SourceRange(start: min(range.start, other.start), end: max(range.end, other.end))
  }

  override func call(_ method: String?, _ arguments: [Value], _ site: CallSite, _ evaluator: Evaluator) -> Value {
    extend(to: site.range)
    let first = arguments.first ?? .undefined
    switch method {
    case "notNullable": nullable = false
    case "nullable": nullable = true
    case "defaultTo", "defaultsTo":
      defaultValue = defaultText(first)
      if defaultValue == nil { evaluator.unanalysable(site, "the default of `\(name)` is not a constant") }
    case "alter": alter = true
    case "primary": primary = true
    case "unique": unique = .some(first.text ?? first.object?["indexName"]?.text)
    case "index": index = .some(first.text)
    case "comment": comment = first.text
    case "references":
      let foreign = KnexForeign(columns: [name], site: site)
      foreign.references(first)
      self.foreign = foreign
      return .native(ForeignModifiers(column: self, foreign: foreign))
    case "onDelete", "onUpdate", "inTable", "deferrable":
      // Foreign-key modifiers written on the column itself.
      if let foreign { _ = foreign.modify(method, arguments) }
    case "unsigned", "first", "after", "collate", "charset", "checkPositive", "checkNegative", "checkLength",
      "checkRegex", "checkIn", "checkNotIn", "checkBetween":
      break
    default:
      return super.call(method, arguments, site, evaluator)
    }
    evaluator.analysed(site)
    return .native(self)
  }

  /// How knex writes a default: strings and numbers quoted, booleans as `'1'`/`'0'`, raw SQL as is.
  private func defaultText(_ value: Value) -> String? {
    switch value {
    case .null: return "null"
    case .bool(let flag) where type == "boolean": return flag ? "'1'" : "'0'"
    case .bool(let flag): return SQLText.literal(flag ? "true" : "false")
    case .number(let number, _): return SQLText.literal(Value.format(number))
    case .string(let text): return type == "boolean" && text.value == "false" ? "'0'" : SQLText.literal(text.value)
    case .native(let raw as RawSQL): return raw.sql
    default: return nil
    }
  }

  /// `.references('id').inTable('users').onDelete('CASCADE')` after a column: the foreign key's
  /// modifiers, then the column's again.
  final class ForeignModifiers: Native {
    let column: KnexColumn
    let foreign: KnexForeign
    init(column: KnexColumn, foreign: KnexForeign) {
      self.column = column
      self.foreign = foreign
    }
    override var label: String { "column" }
    override func call(_ method: String?, _ arguments: [Value], _ site: CallSite, _ evaluator: Evaluator) -> Value {
      if foreign.modify(method, arguments) {
        column.extend(to: site.range)
        evaluator.analysed(site)
        return .native(self)
      }
      return column.call(method, arguments, site, evaluator)
    }
  }
}

/// `table.foreign('user_id').references('users.id').onDelete('CASCADE')`.
final class KnexForeign: Native {
  let columns: [String]
  var name: String?
  private(set) var range: SourceRange
  private var table: String?
  private var referenced: [String] = ["id"]
  private var onDelete: String?
  private var onUpdate: String?
  private var deferrable: String?

  init(columns: [String], site: CallSite) {
    self.columns = columns
    range = site.range
  }

  override var label: String { "foreign key" }

  /// `'users.id'` or `'id'` (with `inTable`).
  func references(_ value: Value) {
    guard let names = value.names else { return }
    if names.count == 1, let dot = names[0].lastIndex(of: ".") {
      table = String(names[0][..<dot])
      referenced = [String(names[0][names[0].index(after: dot)...])]
    } else {
      referenced = names
    }
  }

  func modify(_ method: String?, _ arguments: [Value]) -> Bool {
    let first = arguments.first ?? .undefined
    switch method {
    case "references": references(first)
    case "inTable": table = first.text
    case "onDelete": onDelete = first.text
    case "onUpdate": onUpdate = first.text
    case "deferrable": deferrable = first.text
    case "withKeyName": name = first.text
    default: return false
    }
    return true
  }

  func sql(_ owner: KnexTable) -> String {
    let constraint = name.map(SQLText.identifier) ?? owner.indexName(columns, "foreign")
    var sql =
      "alter table \(owner.name) add constraint \(constraint) foreign key (\(SQLText.columns(columns))) references \(SQLText.qualified(table ?? "")) (\(SQLText.columns(referenced)))"
    if let onDelete { sql += " on delete \(onDelete)" }
    if let onUpdate { sql += " on update \(onUpdate)" }
    if let deferrable { sql += " deferrable initially \(deferrable)" }
    return sql
  }

  override func call(_ method: String?, _ arguments: [Value], _ site: CallSite, _ evaluator: Evaluator) -> Value {
    range = SourceRange(start: min(range.start, site.range.start), end: max(range.end, site.range.end))
    guard modify(method, arguments) else { return super.call(method, arguments, site, evaluator) }
    evaluator.analysed(site)
    return .native(self)
  }
}

/// `knex('users').where(…).update(…)`: data changes a migration makes.
final class KnexQuery: Native {
  private(set) var table: String?
  private var site: CallSite
  private var conditions: [String] = []
  private var action: String?
  private var isSent = false
  private var parameters = 0

  init(table: String?, site: CallSite) {
    self.table = table
    self.site = site
  }

  override var label: String { "knex query" }
  override var unsent: Bool { !isSent && action != nil }

  var whereClause: String? { conditions.isEmpty ? nil : conditions.joined(separator: " and ") }

  private func value(_ value: Value) -> String {
    if let literal = SQLText.literal(value) { return literal }
    parameters += 1
    return "$\(parameters)"
  }

  override func settle(_ evaluator: Evaluator) {
    guard !isSent else { return }
    isSent = true
    guard let action else {
      evaluator.analysed(site)  // a read
      return
    }
    guard let table else {
      evaluator.unanalysable(site, "the table of this query is not a constant")
      return
    }
    var sql = action.replacing("{table}", with: SQLText.qualified(table))
    if let whereClause, !action.hasPrefix("insert") { sql += " where \(whereClause)" }
    evaluator.emit(sql, site)
  }

  override func call(_ method: String?, _ arguments: [Value], _ site: CallSite, _ evaluator: Evaluator) -> Value {
    self.site = CallSite(range: SourceRange(start: self.site.range.start, end: site.range.end), arguments: [])
    let first = arguments.first ?? .undefined
    switch method {
    case "where", "andWhere", "orWhere":
      if let object = first.object {
        conditions += object.pairs.map { "\(SQLText.identifier($0.key)) = \(value($0.value))" }
      } else if let column = first.text, arguments.count == 2 {
        conditions.append("\(SQLText.identifier(column)) = \(value(arguments[1]))")
      } else if let column = first.text, arguments.count == 3, let op = arguments[1].text {
        conditions.append("\(SQLText.identifier(column)) \(op) \(value(arguments[2]))")
      } else {
        conditions.append("$\(parameters + 1)")
        parameters += 1
      }
    case "whereNull", "whereNotNull", "orWhereNull", "orWhereNotNull", "andWhereNull", "andWhereNotNull":
      if let column = first.text {
        conditions.append("\(SQLText.identifier(column)) is \(method?.hasSuffix("NotNull") == true ? "not " : "")null")
      }
    case "whereNot", "andWhereNot", "orWhereNot", "whereExists", "whereNotExists", "whereBetween", "whereLike",
      "whereILike", "whereJsonPath", "orWhereIn", "orWhereRaw", "havingRaw", "having":
      conditions.append("$\(parameters + 1)")
      parameters += 1
    case "whereIn", "whereNotIn":
      if let column = first.text {
        let items = (arguments.count > 1 ? arguments[1].array : nil)?.map(value) ?? ["$\(parameters + 1)"]
        conditions.append(
          "\(SQLText.identifier(column)) \(method == "whereIn" ? "in" : "not in") (\(items.joined(separator: ", ")))")
      }
    case "whereRaw":
      if let text = first.text { conditions.append(text) }
    case "update":
      guard let object = first.object else {
        action = "update {table} set $\(parameters + 1)"
        break
      }
      action =
        "update {table} set "
        + object.pairs.map { "\(SQLText.identifier($0.key)) = \(value($0.value))" }.joined(separator: ", ")
    case "insert":
      let rows = first.array ?? [first]
      let keys = rows.first?.object?.keys ?? []
      let values = rows.map { row in "(" + keys.map { value(row.object?[$0] ?? .null) }.joined(separator: ", ") + ")" }
      action =
        keys.isEmpty
        ? "insert into {table} default values"
        : "insert into {table} (\(SQLText.columns(keys))) values \(values.joined(separator: ", "))"
    case "del", "delete":
      action = "delete from {table}"
    case "truncate":
      action = "truncate {table}"
    case "increment", "decrement":
      if let column = first.text {
        let sign = method == "increment" ? "+" : "-"
        action =
          "update {table} set \(SQLText.identifier(column)) = \(SQLText.identifier(column)) \(sign) \(value(arguments.count > 1 ? arguments[1] : .number(1, site.range)))"
      }
    case "from", "into", "table":
      table = first.text ?? table
    case "select", "first", "count", "pluck", "max", "min", "sum", "returning", "limit", "orderBy", "offset", "column",
      "columns", "distinct", "join", "leftJoin", "innerJoin", "rightJoin", "groupBy", "modify", "forUpdate",
      "onConflict", "merge", "ignore", "transacting", "timeout", "as", "clearSelect", "clearWhere", "union":
      break
    default:
      return super.call(method, arguments, site, evaluator)
    }
    return .native(self)
  }
}
