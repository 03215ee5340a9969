import MigLintJavaScript
import MigLintSyntax

/// The JavaScript and TypeScript ORMs whose migrations miglint reads.
package enum ORM: String, Sendable, CaseIterable {
  case sequelize, knex, typeorm

  fileprivate func dialect() -> any Dialect {
    switch self {
    case .sequelize: SequelizeDialect()
    case .knex: KnexDialect()
    case .typeorm: TypeORMDialect()
    }
  }
}

/// An ORM migration file read: the SQL its `up` and `down` send, mapped back to the file.
package struct ORMMigration: Sendable {
  /// The SQL of `up`, then of `down`.
  package var sql: [UInt8]
  package var map: SourceMap
  /// The part of ``sql`` that `up` sends; nil when the file has no `up` (not a migration).
  package var up: SourceRange?
  /// The part that `down` sends; nil when the file has no `down`, or one that makes no call.
  package var down: SourceRange?
  /// Calls miglint could not follow, with why (in the file's offsets).
  package var unanalysable: [Unanalysable]
  /// The first line of the `up` function in the file (where findings about the migration as a
  /// whole point).
  package var upFunction: SourceRange?
  package var analysedCalls: Int
  package var unanalysableCalls: Int
  /// The migration's own transaction setting: Knex `config.transaction`, TypeORM's instance
  /// `transaction` property; nil when it sets none.
  package var transaction: Bool?
  /// TypeORM: the migration's name, its `name` property or else its class's (TypeORM orders
  /// by the timestamp that ends it).
  package var className: String?
  /// What the front end could not read (a file that is not JavaScript).
  package var syntaxErrors: [JSLexError]

  /// Reads `bytes` as a migration of `orm`. `loader` reads the modules it imports by a relative
  /// path (specifier, importing file's path → path and text), when they may be read.
  package init(
    _ bytes: [UInt8], orm: ORM, path: String = "",
    loader: ((String, String) -> (path: String, bytes: [UInt8])?)? = nil
  ) {
    let program = JSParser.parse(bytes)
    let dialect = orm.dialect()
    let evaluator = Evaluator(bytes: bytes, tokens: program.tokens, dialect: dialect, path: path)
    evaluator.loader = loader
    let global = Scope(parent: nil)
    let exports = ObjectValue()
    global.define("module", .object(ObjectValue([("exports", .object(exports))])))
    global.define("exports", .object(exports))
    _ = evaluator.execute(program.statements, in: global)

    var up: Value?
    var down: Value?
    var this = Value.undefined
    var transaction: Bool?
    var className: String?
    let moduleExports = global.lookup("module")?.object?["exports"]?.object ?? exports
    if orm == .typeorm, let found = Self.migrationClass(program.statements, global) {
      let instance = found.instance(evaluator)
      this = .object(instance)
      up = instance["up"]
      down = instance["down"]
      // TypeORM takes the timestamp from the `name` property when the class sets one.
      className = instance["name"]?.text ?? found.declaration.name
      // An instance property; TypeORM ignores a `static transaction`.
      transaction = instance["transaction"]?.bool
    } else {
      let container = moduleExports["up"] == nil ? moduleExports["default"]?.object ?? moduleExports : moduleExports
      up = container["up"]
      down = container["down"]
      if let config = container["config"]?.object ?? moduleExports["config"]?.object,
        let value = config["transaction"]?.bool
      {
        transaction = value
      }
    }

    var upRange: SourceRange?
    var downRange: SourceRange?
    var upFunction: SourceRange?
    for (direction, function) in [(Direction.up, up), (.down, down)] {
      guard case .function(var closure)? = function else { continue }
      if direction == .up {
        let start = closure.function.range.start
        let end = bytes[start...].firstIndex { $0 == 0x0A || $0 == 0x0D } ?? bytes.count
        upFunction = SourceRange(start: start, end: min(end, closure.function.range.end))
      }
      if case .object = this { closure.this = this }
      let start = evaluator.writer.offset
      let calls = evaluator.analysedCalls + evaluator.unanalysableCalls
      _ = evaluator.invoke(closure, dialect.arguments(evaluator))
      evaluator.writer.commit(at: SourceRange(start: closure.function.range.end, end: closure.function.range.end))
      let range = SourceRange(start: start, end: evaluator.writer.offset)
      if direction == .up {
        upRange = range
      } else if evaluator.analysedCalls + evaluator.unanalysableCalls > calls
        || program.tokens.contains(where: { $0.isComment && closure.function.range.contains($0.start) })
      {
        // A `down` that does nothing is no down, unless a comment says why it is empty.
        downRange = range
      }
    }
    evaluator.flushComments()
    sql = evaluator.writer.bytes
    map = evaluator.writer.map
    self.up = upRange
    self.down = downRange
    self.upFunction = upFunction
    unanalysable = evaluator.unanalysable
    analysedCalls = evaluator.analysedCalls
    unanalysableCalls = evaluator.unanalysableCalls
    self.transaction = transaction
    self.className = className
    syntaxErrors = program.errors
  }

  /// The class that is a TypeORM migration: it implements `MigrationInterface`, or has an `up`.
  private static func migrationClass(_ statements: [JSStatement], _ scope: Scope) -> ClassNative? {
    var candidates: [ClassNative] = []
    for statement in statements {
      guard case .class(let declaration, _) = statement else { continue }
      if let name = declaration.name, let native = scope.lookup(name)?.native as? ClassNative {
        candidates.append(native)
      }
    }
    return candidates.first { $0.declaration.implements.contains { $0.hasSuffix("MigrationInterface") } }
      ?? candidates.first { $0.declaration.members.contains { $0.name == "up" && $0.function != nil } }
  }

  /// Which ORM a file is written for, from what it imports and the names its migrations use;
  /// nil when it looks like none of them. Reads at most the first 64 KiB, byte by byte.
  package static func detect(_ bytes: [UInt8]) -> ORM? {
    let limit = min(bytes.count, 64 << 10)
    func has(_ needles: [[UInt8]]) -> Bool {
      needles.contains { bytes.firstIndex(of: $0, from: 0, before: limit) != nil }
    }
    if has(typeormSigns) { return .typeorm }
    if has(sequelizeSigns) { return .sequelize }
    if has(knexSigns) { return .knex }
    // Parameters named otherwise (`qi`, `db`): the query interface's own method names.
    if has(queryInterfaceCalls) { return .sequelize }
    return nil
  }

  /// Whether the text defines an `up` (`exports.up =`, `up: …`, `async up(`, `function up(`):
  /// a file that only mentions an ORM (a runner, a helper) does not make its folder the ORM's.
  package static func definesUp(_ bytes: [UInt8]) -> Bool {
    func isName(_ byte: UInt8) -> Bool {
      (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F || byte == 0x24
    }
    var index = 0
    while let found = bytes.firstIndex(of: [0x75, 0x70], from: index) {  // "up"
      index = found + 2
      guard found == 0 || !isName(bytes[found - 1]), index == bytes.count || !isName(bytes[index]) else { continue }
      var next = index
      while next < bytes.count, bytes[next] == 0x20 || bytes[next] == 0x09 { next += 1 }
      if next < bytes.count, [0x28, 0x3A, 0x3D, 0x3C].contains(bytes[next]) { return true }  // ( : = <
    }
    return false
  }

  private static let queryInterfaceCalls = [
    ".addColumn(", ".removeColumn(", ".changeColumn(", ".addIndex(", ".removeIndex(", ".bulkInsert(",
    ".bulkDelete(", ".bulkUpdate(", ".addConstraint(", ".removeConstraint(", ".renameColumn(",
  ].map { Array($0.utf8) }

  private static let typeormSigns = ["MigrationInterface", "QueryRunner", "'typeorm'", "\"typeorm\""].map {
    Array($0.utf8)
  }
  private static let sequelizeSigns = [
    "queryInterface", "QueryInterface", "'sequelize'", "\"sequelize\"", "Sequelize.",
  ].map {
    Array($0.utf8)
  }
  private static let knexSigns = ["knex", "Knex", ".schema."].map {
    Array($0.utf8)
  }
}
