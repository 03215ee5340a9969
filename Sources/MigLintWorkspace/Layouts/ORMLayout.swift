import MigLintCore
import MigLintORM
import MigLintSyntax

/// What the JavaScript/TypeScript ORMs' layouts share: a directory is theirs when it holds a
/// migration written for the ORM; each file is read (never run) into the SQL its `up` and
/// `down` send (MigLintORM), and that SQL is linted like a SQL migration's.
protocol ORMLayout: MigrationLayout {
  var orm: ORM { get }
  /// The transactions the tool runs a migration's up and down in.
  func transactions(_ migration: ORMMigration, _ builder: LayoutBuilder) -> (
    up: ToolTransaction?, down: ToolTransaction?
  )
  /// The version a migration sorts by, and its name.
  func version(of file: LayoutFile, _ migration: ORMMigration) -> (version: String, name: String)
  /// The safe form in the ORM's own words, where it differs from the SQL a rule's help gives.
  func help(_ ruleID: String) -> String?
}

extension MigrationTool {
  /// The tool of an ORM's migrations.
  init(_ orm: ORM) {
    switch orm {
    case .sequelize: self = .sequelize
    case .knex: self = .knex
    case .typeorm: self = .typeorm
    }
  }

  /// The ORM whose migrations the tool reads, if it is one.
  var orm: ORM? { (layout as? any ORMLayout)?.orm }

  /// The help of rule `ruleID` in the tool's words (ORMs), if it has one.
  package func help(_ ruleID: String) -> String? { (layout as? any ORMLayout)?.help(ruleID) }
}

extension ORMLayout {
  func matches(_ files: [LayoutFile], sidecars: [String: [UInt8]]) -> Bool {
    Layouts.orm(of: files) == orm
  }

  var downsAreOptional: Bool { true }
  /// The ORMs record a migration by its name: two may share a timestamp.
  var versionsAreUnique: Bool { false }

  func expectedDown(of migration: Migration, upFile: LayoutFile) -> String { "a `down` function" }

  /// Findings about a migration as a whole point at its `up` function's first line.
  func location(of script: MigrationScript, _ builder: LayoutBuilder) -> SourceRange? {
    builder.translations[script.file]?.upFunction
  }

  /// `20231202000000-add-status.js` → ("20231202000000", "add-status").
  func version(of file: LayoutFile, _ migration: ORMMigration) -> (version: String, name: String) {
    Layouts.leadingVersion(Layouts.stem(file.name))
  }

  func build(_ builder: inout LayoutBuilder) {
    let files = builder.files
    let scripts = files.indices.filter { files[$0].isScript && files[$0].bytes != nil }
    let loader = builder.moduleRoot.map(Layouts.moduleLoader)
    let translated = Parallel.map(scripts, jobs: Parallel.coreCount) { index in
      ORMMigration(files[index].bytes ?? [], orm: orm, path: files[index].path, loader: loader)
    }
    var entries: [(index: Int, version: String, name: String, migration: ORMMigration)] = []
    for (index, migration) in zip(scripts, translated) {
      // A file without `up` is a helper, an index or a data source: not a migration.
      guard migration.up != nil else {
        builder.isSQL[index] = false
        continue
      }
      let (version, name) = version(of: files[index], migration)
      entries.append((index, version, name, migration))
    }
    let keys = entries.map { Layouts.VersionKey($0.version) }
    let order = entries.indices.sorted { lhs, rhs in
      keys[lhs] == keys[rhs] ? files[entries[lhs].index].name < files[entries[rhs].index].name : keys[lhs] < keys[rhs]
    }
    if builder.ormSettings?.customSource == true, let first = order.first.map({ entries[$0] }) {
      builder.observe(
        first.index,
        .unanalysableCode(
          "the knexfile's `migrationSource` decides which migrations run and in what order; miglint read this folder in file-name order",
          tool: builder.tool),
        at: first.migration.upFunction ?? builder.firstLine(first.index))
    }
    for entry in order.map({ entries[$0] }) {
      let migration = entry.migration
      let (upTransaction, downTransaction) = transactions(migration, builder)
      var down: [MigrationScript] = []
      if let range = migration.down {
        down = [MigrationScript(file: entry.index, range: range, direction: .down, transaction: downTransaction)]
        builder.hasDowns = true
      }
      builder.migrations.append(
        Migration(
          version: entry.version, name: entry.name,
          up: [MigrationScript(file: entry.index, range: migration.up, direction: .up, transaction: upTransaction)],
          down: down))
      builder.translations[entry.index] = migration
      for unanalysable in migration.unanalysable {
        builder.observe(entry.index, .unanalysableCode(unanalysable.reason, tool: builder.tool), at: unanalysable.range)
      }
    }
  }
}

extension Layouts {
  /// The ORM of a directory's JavaScript/TypeScript files: that of the first one written for one
  /// that defines an `up` (a runner script that only uses Knex leaves a SQL tool's folder alone).
  static func orm(of files: [LayoutFile]) -> ORM? {
    for file in files where file.isScript {
      if let bytes = file.bytes, let orm = ORMMigration.detect(bytes), ORMMigration.definesUp(bytes) { return orm }
    }
    return nil
  }

  /// The extensions of JavaScript and TypeScript migrations (not `.d.ts` declarations).
  package static func isScript(_ name: String) -> Bool {
    guard let found = FileExtension(of: name) else { return false }
    if found == FileExtension("ts") { return !name.lowercased().hasSuffix(".d.ts") }
    return FileExtension.scripts.contains(found)
  }

  /// Reads the modules ORM migrations import by a relative path (`./helpers`, `../db/tables.js`),
  /// as Node and TypeScript resolve them, when they lie below `root`; at most 1 MiB each. They
  /// are read like the migrations, never run.
  static func moduleLoader(root: String) -> @Sendable (String, String) -> (path: String, bytes: [UInt8])? {
    { specifier, importer in
      let base = FileSystem.parent(of: importer)
      // `db/migrations/../tables` → `db/tables`, for messages.
      var parts: [Substring] = []
      for part in FileSystem.join(base.isEmpty ? "." : base, specifier).split(separator: "/") {
        if part == "..", let last = parts.last, last != ".." {
          parts.removeLast()
        } else if part != "." {
          parts.append(part)
        }
      }
      let target = (specifier.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
      var candidates = [target]
      if target.hasSuffix(".js") { candidates.append(String(target.dropLast(3)) + ".ts") }
      for suffix in [".ts", ".js", ".cjs", ".mjs", "/index.ts", "/index.js"] { candidates.append(target + suffix) }
      for candidate in candidates where isScript(candidate) && FileSystem.kind(candidate) == .file {
        guard let real = FileSystem.resolved(candidate), FileSystem.isInside(real, root),
          let bytes = try? FileSystem.read(candidate, limit: 1 << 20)
        else { continue }
        return (candidate, bytes)
      }
      return nil
    }
  }

  /// The name without its extension.
  static func stem(_ name: String) -> String {
    guard let dot = name.lastIndex(of: ".") else { return name }
    return String(name[..<dot])
  }
}
