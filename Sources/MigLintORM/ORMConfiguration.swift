import MigLintJavaScript
import MigLintSyntax

/// Where a project's ORM configuration keeps its migrations: `.sequelizerc`'s
/// `'migrations-path'`, a knexfile's `migrations.directory` (also per environment), a TypeORM
/// data source's `migrations` globs. Read like a migration, never run: only literal paths,
/// `path.join`/`path.resolve` of literals and `__dirname` are followed.
package enum ORMConfiguration {
  /// The file names that hold such a configuration.
  package static func isConfiguration(_ name: String) -> Bool {
    if name == ".sequelizerc" { return true }
    let stem = name.split(separator: ".").first.map(String.init) ?? name
    let scripts = [".js", ".cjs", ".mjs", ".ts", ".cts", ".mts"]
    guard scripts.contains(where: name.hasSuffix) else { return false }
    return ["knexfile", "ormconfig", "data-source", "datasource", "typeorm.config", "typeorm-config", "typeorm"]
      .contains(stem) || name.hasPrefix("typeorm.config.")
  }

  /// What a configuration says about its migrations.
  package struct Settings: Sendable, Equatable {
    /// The migrations folders it names, relative to its own folder (`/`-separated, without a
    /// glob part).
    package var folders: [String] = []
    /// TypeORM's `migrationsTransactionMode` (`all`, `each`, `none`).
    package var transactionMode: String?
    /// Knex's `migrations.disableTransactions`.
    package var disablesTransactions = false
    /// Knex's `migrations.migrationSource`: the migrations and their order come from code.
    package var customSource = false

    package init() {}
  }

  /// The migrations folders the configuration names; empty when it names none miglint can read.
  package static func migrationFolders(_ bytes: [UInt8]) -> [String] { read(bytes).folders }

  /// Reads a configuration: `.sequelizerc`, a knexfile, a TypeORM data source or ormconfig.
  package static func read(_ bytes: [UInt8]) -> Settings {
    let program = JSParser.parse(bytes)
    let dialect = ConfigurationDialect()
    let evaluator = Evaluator(bytes: bytes, tokens: [], dialect: dialect)
    let global = Scope(parent: nil)
    let exports = ObjectValue()
    global.define("module", .object(ObjectValue([("exports", .object(exports))])))
    global.define("exports", .object(exports))
    global.define("__dirname", .string(.opaque(".", at: SourceRange(start: 0, end: 0))))
    _ = evaluator.execute(program.statements, in: global)
    var settings = Settings()
    var found: [Value] = []
    let moduleExports = global.lookup("module")?.object?["exports"] ?? .object(exports)
    let candidates = objects(moduleExports) + dialect.dataSources
    for candidate in candidates {
      if let path = candidate["migrations-path"] { found.append(path) }
      if let mode = candidate["migrationsTransactionMode"]?.text { settings.transactionMode = mode }
      guard let migrations = candidate["migrations"] else { continue }
      if let knex = migrations.object {
        if let directory = knex["directory"] { found.append(directory) }
        if knex["disableTransactions"]?.bool == true { settings.disablesTransactions = true }
        if knex["migrationSource"] != nil { settings.customSource = true }
      } else if migrations.array != nil || migrations.text != nil {
        found.append(migrations)  // TypeORM options: globs
      }
    }
    for value in found {
      for path in (value.array ?? [value]).compactMap(\.text) {
        let folder = staticFolder(path)
        if !settings.folders.contains(folder) { settings.folders.append(folder) }
      }
    }
    return settings
  }

  /// The exports, a default export, and the environments below either (knexfiles).
  private static func objects(_ value: Value) -> [ObjectValue] {
    guard let object = value.object else { return [] }
    var candidates = [object]
    var level = [object]
    for _ in 0..<2 {
      level = level.flatMap { $0.pairs.compactMap { $0.key == "migrations" ? nil : $0.value.object } }
      candidates += level
    }
    return candidates
  }

  /// The folder part of a path or glob: `./src/migrations/*.ts` → `src/migrations`.
  static func staticFolder(_ path: String) -> String {
    var parts: [Substring] = []
    for part in path.split(separator: "/", omittingEmptySubsequences: true) {
      if part.contains(where: { "*?{[".contains($0) }) { break }
      if part == "." { continue }
      parts.append(part)
    }
    // A file name (`migrations/index.ts`) names its folder.
    if let last = parts.last, last.contains("."), path.hasSuffix(String(last)) { parts.removeLast() }
    return parts.joined(separator: "/")
  }
}

/// `require('path')`, `path.join`/`path.resolve`, `new DataSource({ … })`.
final class ConfigurationDialect: Dialect {
  private(set) var dataSources: [ObjectValue] = []

  func global(_ name: String) -> Value? {
    switch name {
    case "DataSource": .native(DataSourceClass(self))
    case "path": .native(PathModule())
    case "process": .native(ProcessModule())
    default: nil
    }
  }

  func module(_ name: String) -> Value? {
    switch name {
    case "path", "node:path": .native(PathModule())
    case "typeorm": .object(ObjectValue([("DataSource", .native(DataSourceClass(self)))]))
    default: nil
    }
  }

  func arguments(_ evaluator: Evaluator) -> [Value] { [] }

  func record(_ options: ObjectValue) { dataSources.append(options) }

  final class DataSourceClass: Native {
    unowned let dialect: ConfigurationDialect
    init(_ dialect: ConfigurationDialect) { self.dialect = dialect }
    override var label: String { "DataSource" }
    override func construct(_ arguments: [Value], _ site: CallSite, _ evaluator: Evaluator) -> Value {
      if let options = arguments.first?.object { dialect.record(options) }
      return .object(arguments.first?.object ?? ObjectValue())
    }
  }

  /// `process.cwd()`: the project's folder, where the ORM's command runs.
  final class ProcessModule: Native {
    override var label: String { "process" }
    override func call(_ method: String?, _ arguments: [Value], _ site: CallSite, _ evaluator: Evaluator) -> Value {
      method == "cwd" ? .string(.opaque(".", at: site.range)) : .unknown("`process`")
    }
  }

  /// `path.join` and `path.resolve` of known parts, relative to the configuration's folder.
  final class PathModule: Native {
    override var label: String { "path" }
    override func call(_ method: String?, _ arguments: [Value], _ site: CallSite, _ evaluator: Evaluator) -> Value {
      guard method == "join" || method == "resolve" else { return .unknown("a path") }
      let parts = arguments.compactMap(\.text)
      guard parts.count == arguments.count else { return .unknown("a path computed at run time") }
      return .string(.opaque(parts.joined(separator: "/"), at: site.range))
    }
  }
}
