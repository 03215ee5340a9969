import MigLintCore
import MigLintORM
import MigLintSyntax

/// One migration tool's layout (docs/layouts.md): how its directory is recognised, where it keeps
/// scripts, how it orders and pairs them, and how it runs them.
///
/// Adding a tool: a case in `MigrationTool` (MigLintCore/Configuration.swift; the case order is
/// the detection order), a type conforming to this protocol in this folder, its line in
/// `MigrationTool.layout` below, and a fixture project under `fixtures/`.
protocol MigrationLayout: Sendable {
  /// True when the directory's files or sidecars follow the layout (names, folders, plan files).
  /// Tools are asked in `MigrationTool`'s case order; the first to answer yes wins.
  func matches(_ files: [LayoutFile], sidecars: [String: [UInt8]]) -> Bool
  /// True when a comment line (lower case, starting with `--`) is this tool's marker; asked only
  /// when no tool's layout matched, of the first lines of the first files, in file order.
  func isMarker(_ line: String) -> Bool
  /// The migrations directory of `path` when the layout keeps scripts below it (`<version>/up.sql`).
  func root(ofScript path: String) -> String?
  /// True for a folder directly below the migrations directory that holds the layout's scripts.
  func holdsScripts(_ folder: String) -> Bool
  /// True for a non-SQL file the layout reads (plan, lock file, per-migration settings).
  func isSidecar(_ name: String) -> Bool
  /// Orders and pairs the directory's SQL files into migrations.
  func build(_ builder: inout LayoutBuilder)
  /// True when `build` reads the scripts' contents (sections, ORM code). False where names and
  /// sidecars are enough: then a listed file is read only when the run needs it (one file named
  /// in a long history reads the history before it, not after).
  var readsScripts: Bool { get }
  /// True where the tool treats down migrations as optional: a missing one is reported only
  /// against a convention (nearly every migration has one).
  var downsAreOptional: Bool { get }
  /// True where a version names one migration (false where the tool keys on names).
  var versionsAreUnique: Bool { get }
  /// What a migration without a down should get, for the help text.
  func expectedDown(of migration: Migration, upFile: LayoutFile) -> String
  /// Where findings about a migration as a whole point, in its file; nil for the start of its
  /// script (or the file's first line).
  func location(of script: MigrationScript, _ builder: LayoutBuilder) -> SourceRange?
}

extension MigrationLayout {
  func matches(_ files: [LayoutFile], sidecars: [String: [UInt8]]) -> Bool { false }
  func isMarker(_ line: String) -> Bool { false }
  func root(ofScript path: String) -> String? { nil }
  func holdsScripts(_ folder: String) -> Bool { false }
  func isSidecar(_ name: String) -> Bool { false }
  var readsScripts: Bool { true }
  var downsAreOptional: Bool { false }
  var versionsAreUnique: Bool { true }
  func expectedDown(of migration: Migration, upFile: LayoutFile) -> String {
    "a file in `down/` with version \(migration.version)"
  }
  func location(of script: MigrationScript, _ builder: LayoutBuilder) -> SourceRange? { nil }
}

extension MigrationTool {
  /// The tool's layout. The one place that maps a tool to its type.
  var layout: any MigrationLayout {
    switch self {
    case .sequelize: Sequelize()
    case .knex: Knex()
    case .typeorm: TypeORM()
    case .sqitch: Sqitch()
    case .prisma: Prisma()
    case .diesel: Diesel()
    case .upDown: UpDownFolders()
    case .drizzle: Drizzle()
    case .flyway: Flyway()
    case .pop: Pop()
    case .golangMigrate: GolangMigrate()
    case .goose: Goose()
    case .dbmate: Dbmate()
    case .sqlMigrate: SQLMigrate()
    case .plain: Plain()
    }
  }
}

/// Turns a directory's files into migrations for one tool: the state a layout's `build` fills,
/// and what every layout shares (transactions, skipped dialects, the checks of the whole set).
struct LayoutBuilder {
  let tool: MigrationTool
  let files: [LayoutFile]
  let sidecars: [String: [UInt8]]
  let override: TransactionMode?
  var isSQL: [Bool]
  var migrations: [Migration] = []
  var observations: [SetObservation] = []
  /// Whether the tool has down migrations in this directory (Flyway: only when it uses U files).
  var hasDowns = false
  /// ORM migrations read, by file index.
  var translations: [Int: ORMMigration] = [:]
  /// The folder below which modules an ORM migration imports may be read (the project's).
  var moduleRoot: String?
  /// What the ORM's configuration (knexfile, TypeORM data source) says about this directory.
  var ormSettings: ORMConfiguration.Settings?

  init(tool: MigrationTool, files: [LayoutFile], sidecars: [String: [UInt8]], override: TransactionMode?) {
    self.tool = tool
    self.files = files
    self.sidecars = sidecars
    self.override = override
    isSQL = Array(repeating: true, count: files.count)
  }

  var layout: Layout {
    Layout(
      tool: tool, files: files, isSQL: isSQL, migrations: migrations, observations: observations, sidecars: sidecars,
      translations: translations)
  }

  mutating func run() {
    let layout = tool.layout
    skipOtherDialects()
    layout.build(&self)
    if layout.versionsAreUnique { reportDuplicateVersions() }
    if hasDowns { reportMissingDowns(layout) }
  }

  /// The indexes of the SQL files directly in the migrations directory (not in a subfolder).
  var topLevelSQL: [Int] { files.indices.filter { isSQL[$0] && files[$0].isTopLevel } }

  // MARK: - Transactions

  /// The transaction a tool runs a script in, or the configuration's override.
  func transaction(_ toolDefault: ToolTransaction?) -> ToolTransaction? {
    guard let override else { return toolDefault }
    let source = "`transaction = \"\(override.rawValue)\"` in miglint.toml"
    switch override {
    case .none:
      return nil
    case .perFile:
      return ToolTransaction(
        reason: "the runner runs this file in a transaction (\(source))",
        optOut: "Run the statement in a migration that the runner runs without a transaction")
    case .singleQuery:
      return ToolTransaction(
        reason: "the runner sends this file as one multi-statement query, which runs as one transaction (\(source))",
        optOut: "Put the statement in a migration file of its own", singleQuery: true)
    }
  }

  /// "`<tool>` runs `subject` in a transaction", with how to opt out.
  func wrapped(_ subject: String, optOut: String) -> ToolTransaction? {
    transaction(ToolTransaction(reason: "\(tool.displayName) runs \(subject) in a transaction", optOut: optOut))
  }

  // MARK: - Dialects

  /// Skips the files of other databases, with one note a directory that counts them.
  mutating func skipOtherDialects() {
    var skipped: [(index: Int, dialect: String)] = []
    for (index, file) in files.enumerated() {
      guard let dialect = Layouts.otherDialect(file.name) else { continue }
      isSQL[index] = false
      skipped.append((index, dialect))
    }
    guard let first = skipped.first else { return }
    var counts: [String: Int] = [:]
    for item in skipped { counts[item.dialect, default: 0] += 1 }
    let dialects = counts.sorted { $0.key < $1.key }.map { Observation.DialectCount(dialect: $0.key, files: $0.value) }
    observe(
      first.index, .otherDialectFiles(first: files[first.index].name, dialects: dialects), at: firstLine(first.index))
  }

  // MARK: - Rules about the set

  mutating func reportDuplicateVersions() {
    // Version → the file of the first migration with it.
    var first: [String: Int] = [:]
    first.reserveCapacity(migrations.count)
    for migration in migrations {
      guard let script = migration.up.first else { continue }
      // A plain file without a leading number is its own version: no duplicate to report.
      if tool == .plain, !(files[script.file].name.utf8.first.map { (0x30...0x39).contains($0) } ?? false) { continue }
      if let earlierFile = first[migration.version] {
        observe(
          script.file, .duplicateVersion(migration.version, earlierFile: files[earlierFile].relative, tool: tool),
          at: firstLine(script.file))
      } else {
        first[migration.version] = script.file
      }
    }
  }

  mutating func reportMissingDowns(_ layout: any MigrationLayout) {
    let versioned = migrations.filter { !$0.isRepeatable }
    let reported = { (observed: SetObservation) in
      switch observed.observation {
      case .indentedDownMarker, .noDownMigrations, .missingDown: true
      default: false
      }
    }
    // A directory that never has downs is forward-only by choice: one note, or none where the
    // tool treats downs as optional.
    if !versioned.contains(where: { !$0.down.isEmpty }) {
      guard !layout.downsAreOptional, let first = versioned.first?.up.first, !observations.contains(where: reported)
      else { return }
      observe(
        first.file, .noDownMigrations(migrations: versioned.count, tool: tool),
        at: layout.location(of: first, self) ?? first.range.map { SourceRange(start: $0.start, end: $0.start) }
          ?? firstLine(first.file))
      return
    }
    // Where downs are optional, a missing one is worth a word only against a convention: when
    // nearly every migration has one.
    if layout.downsAreOptional, versioned.filter({ !$0.down.isEmpty }).count * 10 < versioned.count * 9 {
      return
    }
    for migration in versioned where migration.down.isEmpty {
      guard let script = migration.up.first,
        !observations.contains(where: { $0.file == script.file && reported($0) })
      else { continue }
      observe(
        script.file,
        .missingDown(
          version: migration.version, tool: tool,
          expected: layout.expectedDown(of: migration, upFile: files[script.file])),
        at: layout.location(of: script, self) ?? script.range.map { SourceRange(start: $0.start, end: $0.start) }
          ?? firstLine(script.file))
    }
  }

  /// The first line of file `index`, read now if the layout did not need the file's contents.
  func firstLine(_ index: Int) -> SourceRange {
    let file = files[index]
    return TextBytes.firstLine(file.bytes ?? (file.readError == nil ? try? FileSystem.read(file.path) : nil))
  }

  /// Records what was observed about file `index`, for a rule to judge.
  mutating func observe(_ index: Int, _ observation: Observation, at range: SourceRange) {
    observations.append(SetObservation(file: index, observation, at: range))
  }
}
