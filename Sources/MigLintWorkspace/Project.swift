import MigLintCore
import MigLintORM
import MigLintSyntax

/// Which migrations statement rules report on (`--scope`).
package enum Scope: String, CaseIterable, Sendable {
  /// Only migrations after the last deployed one (all of them when no deploy record is known).
  case pending
  case all
}

/// A migrations directory ready to lint.
package struct LoadedSet: Sendable {
  /// The migrations directory, absolute.
  package var root: String
  package var set: MigrationSet
  package var directory: DirectorySummary
}

/// A migrations directory listed and read, before its layout is known.
package struct Listing: Sendable {
  /// As `Layouts.root(of:)` gives it ("" for the working directory).
  package var root: String
  /// The SQL files (with their bytes, or why they could not be read), in the layout's order.
  package var files: [LayoutFile]
  /// The non-SQL files layouts read, by path relative to the root.
  package var sidecars: [String: [UInt8]]
  /// Paths asked for.
  package var requested: Set<String>
}

extension Set<String> {
  /// `contains(path)`, by comparing when the set is small. It is asked of every file of a
  /// directory, and a hook or an editor names one file or a few: comparing a path is cheaper
  /// than hashing it.
  func containsPath(_ path: String) -> Bool {
    count <= 8 ? contains { $0 == path } : contains(path)
  }
}

/// Turns the files to lint into migration sets: one per migrations directory, with every file of
/// the directory (the history), the tool's order, and the deploy record.
package struct Project {
  package var scope: Scope?
  package var base: String?
  /// Absolute directory path → settings.
  package var directories: [String: DirectorySettings]
  package let exclude: [Glob]
  package var currentDirectory: String

  /// The project's directory (resolved): symbolic links in a migrations directory that lead out
  /// of it are not followed; nil leaves the migrations directory itself as the limit.
  package var root: String?
  /// Threads that read a directory's files (`--jobs`).
  package var jobs = Parallel.coreCount

  package init(
    scope: Scope? = nil, base: String? = nil, directories: [String: DirectorySettings] = [:], exclude: [Glob] = [],
    currentDirectory: String = FileSystem.currentDirectory(), root: String? = nil
  ) {
    self.scope = scope
    self.base = base
    self.directories = directories
    self.exclude = exclude
    self.currentDirectory = currentDirectory
    self.root = root
  }

  /// Lists and reads the migrations directories that `paths` (SQL files, as FileDiscovery gives
  /// them) belong to; ``load(_:)`` then builds each one's set. Parsing can start in between.
  /// `replacements` give the text of paths from elsewhere (standard input in an editor, text
  /// fixed in memory); they are linted as asked for.
  package func list(_ paths: [String], replacements: [String: [UInt8]] = [:]) throws(WorkspaceError) -> [Listing] {
    var roots: [String] = []
    var requested: [String: Set<String>] = [:]
    for path in paths + replacements.keys.sorted() {
      let root = Layouts.root(of: path)
      if requested[root] == nil { roots.append(root) }
      requested[root, default: []].insert(path)
    }
    var listings: [Listing] = []
    for root in roots {
      let paths = requested[root] ?? []
      let (files, sidecars) = try list(root, replacements: replacements, reading: paths.containsPath)
      listings.append(Listing(root: root, files: files, sidecars: sidecars, requested: paths))
    }
    return listings
  }

  /// The tool of a directory, detected or from the configuration.
  package func layout(of root: String, replacements: [String: [UInt8]] = [:]) throws(WorkspaceError) -> Layout {
    let (files, sidecars) = try list(root, replacements: replacements, reading: { _ in true })
    return layout(root, files, sidecars)
  }

  /// Detects (or takes from the settings) the directory's tool and builds its layout, reading
  /// the files that detection and the layout need.
  private func layout(_ root: String, _ files: [LayoutFile], _ sidecars: [String: [UInt8]]) -> Layout {
    var files = files
    let settings = directories[absolute(root)] ?? DirectorySettings()
    let tool =
      settings.tool ?? Layouts.matchingTool(files, sidecars: sidecars)
      ?? {
        Self.read(&files, files.indices.prefix(Layouts.markedFiles), jobs: jobs)
        return Layouts.markedTool(files)
      }()
    if tool.layout.readsScripts { Self.read(&files, files.indices, jobs: jobs) }
    let boundary = FileSystem.boundary(for: root.isEmpty ? "." : root, project: self.root)
    return Layouts.build(
      tool, files: files, sidecars: sidecars, transaction: settings.transaction, moduleRoot: boundary,
      ormSettings: tool.orm != nil ? ormSettings(for: root, within: boundary) : nil)
  }

  /// The ORM configuration (knexfile, TypeORM data source) that names `root` as its migrations
  /// folder, in `root` or a folder above it inside the project.
  private func ormSettings(for root: String, within boundary: String) -> ORMConfiguration.Settings? {
    let target = absolute(root.isEmpty ? "." : root)
    var directory = target
    for _ in 0..<6 {
      for entry in (try? FileSystem.entries(directory)) ?? []
      where entry.kind == .file && ORMConfiguration.isConfiguration(entry.name) && entry.name != ".sequelizerc" {
        guard let bytes = try? FileSystem.read(FileSystem.join(directory, entry.name), limit: 1 << 20) else { continue }
        let settings = ORMConfiguration.read(bytes)
        // Relative to the configuration (knex, `__dirname`) or to where the command runs, a
        // folder above it (a TypeORM data source in `src/` naming `src/migrations/*.ts`).
        var bases = [directory]
        while let last = bases.last, bases.count < 4, !FileSystem.parent(of: last).isEmpty {
          bases.append(FileSystem.parent(of: last))
        }
        if settings.folders.contains(where: { folder in
          bases.contains { FileSystem.absolute(folder, from: $0) == target }
        }) {
          return settings
        }
      }
      let parent = FileSystem.parent(of: directory)
      guard !parent.isEmpty, parent != directory, FileSystem.isInside(FileSystem.resolved(parent) ?? parent, boundary)
      else { break }
      directory = parent
    }
    return nil
  }

  /// Whether each SQL file of `listing` that was asked for will be reported, whatever the layout:
  /// true unless a deploy record (`miglint.sum`, `--base`) may leave out deployed migrations.
  func reportsEveryRequestedFile(_ listing: Listing) -> Bool { scope == .all || !hasDeployRecord(listing) }

  /// True when `miglint.sum` or `--base` says what of `listing` is deployed.
  private func hasDeployRecord(_ listing: Listing) -> Bool {
    base != nil || listing.sidecars[DeployRecord.fileName] != nil
  }

  /// The migration set of a listed directory: its layout, deploy record and scope.
  package func load(_ listing: Listing) throws(WorkspaceError) -> LoadedSet {
    let root = listing.root
    let paths = listing.requested
    var layout = layout(root, listing.files, listing.sidecars)
    let requested = layout.files.map { paths.containsPath($0.path) }
    // Migrations after the last one asked for cannot change what is reported: not replayed (an
    // editor linting one file of a long history waits for the history before it only).
    let end =
      !requested.contains(false)
      ? nil
      : layout.migrations.lastIndex { migration in (migration.up + migration.down).contains { requested[$0.file] } }
    // The files the replay reads, and those asked for; a deploy record compares them all.
    if let end, !hasDeployRecord(listing) {
      let replayed = layout.migrations[...end].flatMap { ($0.up + $0.down).map(\.file) }
      Self.read(&layout.files, Set(replayed + requested.indices.filter { requested[$0] }).sorted(), jobs: jobs)
    } else {
      Self.read(&layout.files, layout.files.indices, jobs: jobs)
    }
    // By index: copying each file out of the array would retain and release its every field.
    var files = layout.files.indices.map { index in
      let (path, readError) = (layout.files[index].path, layout.files[index].readError)
      let isSQL = layout.isSQL[index] && readError == nil
      let requested = requested[index]
      if isSQL, !layout.translations.isEmpty, let migration = layout.translations[index] {
        // An ORM migration: the SQL it sends is linted, findings are reported in the file.
        do throws(InputError) {
          let source = try SourceFile(path: path, data: layout.files[index].bytes ?? [])
          var entry = MigrationFile(
            path: path, bytes: migration.sql, source: nil, reported: requested, requested: requested)
          entry.generatedFrom = GeneratedSource(
            source: source, map: migration.map, generatedLength: migration.sql.count)
          return entry
        } catch {
          return MigrationFile(
            path: path, source: nil, inputError: error.description, isSQL: false, reported: requested,
            requested: requested)
        }
      }
      return MigrationFile(
        path: path, bytes: isSQL ? layout.files[index].bytes : nil,
        // Files the layout does not parse still carry findings (unsupported dialect): a source
        // so that positions work.
        source: isSQL || readError != nil ? nil : try? SourceFile(path: path, data: layout.files[index].bytes ?? []),
        inputError: readError, isSQL: isSQL, reported: requested, requested: requested)
    }
    var migrations = layout.migrations
    var observations = layout.observations
    let deployed = try deployRecord(root, layout, &files, &observations)
    if let deployed {
      for index in migrations.indices { migrations[index].isPending = !deployed.contains(index) }
      reportOutOfOrder(migrations, deployed, layout, &observations)
    }
    let scope = self.scope ?? (deployed == nil ? .all : .pending)
    if scope == .pending, deployed != nil {
      for migration in migrations where !migration.isPending {
        for script in migration.up + migration.down { files[script.file].reported = false }
      }
    }
    // A copy of the kept ones: removing from the array, shared with the layout, would copy it all.
    if let end { migrations = Array(migrations[...end]) }
    let set = MigrationSet(files: files, migrations: migrations, observations: observations)
    let translations = layout.translations.values
    let calls =
      translations.isEmpty
      ? nil
      : DirectorySummary.Calls(
        analysed: translations.reduce(0) { $0 + $1.analysedCalls },
        unanalysable: translations.reduce(0) { $0 + $1.unanalysableCalls })
    return LoadedSet(
      root: directory(of: listing), set: set,
      directory: DirectorySummary(path: root.isEmpty ? "." : root, tool: layout.tool, calls: calls))
  }

  // MARK: - Listing a directory

  /// The SQL files of a migrations directory (with the tool-specific folders below it) and the
  /// small non-SQL files layouts read (plan, lock, metadata, journal, Flyway `.conf`).
  /// Reads the files `reading` names, and JavaScript and TypeScript files (ORM detection reads
  /// them); the others are read once the layout says which the run needs.
  private func list(
    _ root: String, replacements: [String: [UInt8]], reading: (String) -> Bool
  ) throws(WorkspaceError) -> ([LayoutFile], [String: [UInt8]]) {
    var files: [LayoutFile] = []
    var sidecars: [String: [UInt8]] = [:]
    let directory = root.isEmpty ? "." : root
    let tree = FileSystem.boundary(for: directory, project: self.root)
    // sqitch change names may contain slashes: `deploy/warehouse/organism.sql`.
    let nestsChanges = FileSystem.kind(FileSystem.join(directory, Sqitch.planName)) == .file
    // Asked of every file; nearly always there are no replacements, and then no path is hashed.
    func replaced(_ path: String) -> [UInt8]? { replacements.isEmpty ? nil : replacements[path] }
    func visit(_ folder: String, prefix: String, depth: Int) throws(WorkspaceError) {
      for entry in try FileSystem.entries(folder) where !entry.name.hasPrefix(".") {
        let path = root.isEmpty && prefix.isEmpty ? entry.name : FileSystem.join(folder, entry.name)
        let relative = prefix + entry.name
        switch entry.kind {
        case .directory where depth == 0 && Layouts.holdsScripts(entry.name):
          try visit(path, prefix: relative + "/", depth: 1)
        case .directory where depth >= 1 && depth < Sqitch.maximumDepth && nestsChanges:
          try visit(path, prefix: relative + "/", depth: depth + 1)
        // A symbolic link that leads out of the migrations directory is not followed (a
        // repository must not make miglint read `/etc/passwd`); discovery reports it.
        case .file
        where entry.isLink && !(FileSystem.resolved(path).map { FileSystem.isInside($0, tree) } ?? false):
          continue
        case .file where Layouts.isSQL(entry.name):
          guard !exclude.contains(where: { $0.matches(absolute(path)) }) else { continue }
          files.append(LayoutFile(path: path, relative: relative, bytes: replaced(path)))
        case .file where depth == 0 && Layouts.isScript(entry.name):
          guard !exclude.contains(where: { $0.matches(absolute(path)) }) else { continue }
          files.append(LayoutFile(path: path, relative: relative, bytes: replaced(path)))
        case .file where entry.name == DeployRecord.fileName || Layouts.isSidecar(entry.name):
          sidecars[relative] = try? FileSystem.read(path)
        default:
          continue
        }
      }
    }
    try visit(directory, prefix: "", depth: 0)
    Self.read(&files, files.indices.filter { reading(files[$0].path) || files[$0].isScript }, jobs: jobs)

    // A path that is not on disk yet (a new file open in an editor).
    let listed = replacements.isEmpty ? [] : Set(files.map(\.path))
    for (path, bytes) in replacements.sorted(by: { $0.key < $1.key })
    where Layouts.root(of: path) == root && !listed.contains(path) {
      files.append(LayoutFile(path: path, relative: FileSystem.relative(path, to: directory), bytes: bytes))
    }
    // JavaScript and TypeScript files belong to the directory only when it holds ORM
    // migrations (or its configuration names an ORM): elsewhere they are the project's code.
    if directories[absolute(root)]?.tool?.orm == nil, Layouts.orm(of: files) == nil {
      files.removeAll(where: \.isScript)
    }
    return (files, sidecars)
  }

  /// Below this many files to read, one thread reads them.
  static let filesPerReadingThread = 64

  /// Reads those of the files at `indexes` that were not read yet, on all cores.
  private static func read(_ files: inout [LayoutFile], _ indexes: some Sequence<Int>, jobs: Int) {
    let pending = indexes.filter { files[$0].bytes == nil && files[$0].readError == nil }
    let paths = pending.map { files[$0].path }
    // A few files (a hook's, the first ones a layout looks at) are read before threads to share
    // them would have started.
    let results = Parallel.map(paths, jobs: paths.count < Self.filesPerReadingThread ? 1 : jobs) {
      path -> Result<[UInt8], WorkspaceError> in
      do throws(WorkspaceError) { return .success(try FileSystem.read(path)) } catch { return .failure(error) }
    }
    for (index, result) in zip(pending, results) {
      switch result {
      case .success(let bytes): files[index].bytes = bytes
      case .failure(let error): files[index].readError = error.message
      }
    }
  }

  private func absolute(_ path: String) -> String { FileSystem.absolute(path, from: currentDirectory) }

  /// The absolute path of `listing`'s migrations directory (its ``LoadedSet/root``).
  package func directory(of listing: Listing) -> String {
    absolute(listing.root.isEmpty ? "." : listing.root)
  }

  // MARK: - Deploy record

  /// Reads `miglint.sum` (or asks git for `--base`), reports edits and deletions, and returns the
  /// indexes of the deployed migrations; nil when no deploy record is known.
  private func deployRecord(
    _ root: String, _ layout: Layout, _ files: inout [MigrationFile], _ observations: inout [SetObservation]
  ) throws(WorkspaceError) -> Set<Int>? {
    let sumPath = FileSystem.join(root, DeployRecord.fileName)
    if let sumBytes = layout.sidecars[DeployRecord.fileName] {
      let record = try DeployRecord.parse(sumBytes, path: sumPath)
      let source = try? SourceFile(path: sumPath, data: sumBytes)
      files.append(MigrationFile(path: sumPath, source: source, isSQL: false, reported: true, isRecord: true))
      let sumIndex = files.count - 1
      let lineRange = { (line: Int) -> SourceRange in
        guard let source, line < source.lineStarts.count else { return SourceRange(start: 0, end: 0) }
        let range = source.lineRange(line)
        return SourceRange(start: range.start, end: range.end)
      }
      return verify(
        record.entries.map { entry in
          Deployed(
            version: entry.version, files: entry.files.map { ($0.path, $0.hash, nil) },
            location: (sumIndex, lineRange(entry.line)), source: "`\(DeployRecord.fileName)` line \(entry.line + 1)")
        }, layout, &observations)
    }
    guard let base else { return nil }
    let git = try GitBase(ref: base, directory: root)
    let atBase = Set(try git.files().filter { Layouts.isSQL($0) || Layouts.isScript($0) })
    // Each migration with a file at the base is deployed; compare those files' content.
    var deployed: [Deployed] = []
    var known = Set<String>()
    for migration in layout.migrations {
      let indexes = (migration.up + migration.down).map(\.file)
      let relatives = indexes.map { layout.files[$0].relative }
      known.formUnion(relatives)
      let present = relatives.filter(atBase.contains)
      guard !present.isEmpty else { continue }
      let entries = present.map { relative -> (String, String?, [UInt8]?) in
        let content = git.content(relative)
        return (relative, content.map(DeployRecord.hash), content)
      }
      deployed.append(Deployed(version: migration.version, files: entries, location: nil, source: "`\(base)`"))
    }
    // Files at the base that no migration has now: deleted or renamed.
    for relative in atBase.subtracting(known).sorted() {
      let path = FileSystem.join(root, relative)
      files.append(
        MigrationFile(
          path: path, source: try? SourceFile(path: path, data: []), isSQL: false, reported: true, isRecord: true))
      observations.append(
        SetObservation(
          file: files.count - 1, .deployedFileGoneSinceBase(relative, base: base), at: SourceRange(start: 0, end: 0)))
    }
    return verify(deployed, layout, &observations)
  }

  /// A migration the deploy record lists.
  private struct Deployed {
    var version: String
    /// Relative path, normalised hash (nil when git could not show it), and the deployed text
    /// when it is known (`--base`).
    var files: [(path: String, hash: String?, text: [UInt8]?)]
    /// Where findings about it point when the migration is gone: (file index, range).
    var location: (file: Int, range: SourceRange)?
    /// "`miglint.sum` line 4", "`origin/main`".
    var source: String
  }

  private func verify(_ deployed: [Deployed], _ layout: Layout, _ observations: inout [SetObservation]) -> Set<Int> {
    var result = Set<Int>()
    var byVersion: [String: [Int]] = [:]
    for (index, migration) in layout.migrations.enumerated() { byVersion[migration.version, default: []].append(index) }
    for entry in deployed {
      guard let indexes = byVersion[entry.version], let number = indexes.first else {
        if let location = entry.location {
          observations.append(
            SetObservation(
              file: location.file, .deployedMigrationGone(version: entry.version, files: entry.files.map(\.path)),
              at: location.range))
        }
        continue
      }
      result.insert(number)
      let migration = layout.migrations[number]
      let current = (migration.up + migration.down).map(\.file)
      // An up script added to a deployed migration never runs where it was deployed (a down
      // added later is how a missing down gets fixed).
      for index in migration.up.map(\.file)
      where !entry.files.contains(where: { $0.path == layout.files[index].relative }) {
        observations.append(
          SetObservation(
            file: index,
            .fileAddedAfterDeploy(layout.files[index].relative, version: entry.version, record: entry.source),
            at: firstLine(layout, index)))
      }
      for file in entry.files {
        guard let index = current.first(where: { layout.files[$0].relative == file.path }) else {
          observations.append(
            SetObservation(
              file: current.first ?? 0,
              .deployedFileRenamed(
                file.path, version: entry.version, record: entry.source, now: current.map { layout.files[$0].relative }),
              at: firstLine(layout, current.first ?? 0)))
          continue
        }
        guard let hash = file.hash, let bytes = layout.files[index].bytes, DeployRecord.hash(bytes) != hash else {
          continue
        }
        // With the deployed text at hand, point at the first line that differs.
        var range = firstLine(layout, index)
        var firstChange: Observation.LineChange?
        if let old = file.text, let change = Self.firstChange(from: old, to: bytes) {
          range = change.range
          firstChange = Observation.LineChange(line: change.line, deployed: change.old, now: change.new)
        }
        observations.append(
          SetObservation(
            file: index, .deployedFileChanged(file.path, record: entry.source, firstChange: firstChange), at: range))
      }
    }
    return result
  }

  /// The first line where `new` differs from `old` (line endings aside): its 1-based number, its
  /// range in `new`, and both lines, shortened for a message.
  package static func firstChange(from old: [UInt8], to new: [UInt8]) -> (
    line: Int, range: SourceRange, old: String, new: String
  )? {
    let oldLines = TextBytes.lines(old)
    let newLines = TextBytes.lines(new)
    func line(_ bytes: [UInt8], _ range: SourceRange?) -> ArraySlice<UInt8> {
      guard let range else { return [] }
      let slice = bytes[range.start..<range.end]
      return slice.last == 0x0D ? slice.dropLast() : slice
    }
    func text(_ bytes: [UInt8], _ range: SourceRange?) -> String {
      let text = String(decoding: line(bytes, range), as: UTF8.self)
      return text.count > 80 ? String(text.prefix(79)) + "…" : text
    }
    for number in 0..<max(oldLines.count, newLines.count) {
      let before = number < oldLines.count ? oldLines[number] : nil
      let after = number < newLines.count ? newLines[number] : nil
      // Compared whole: lines are shortened only for the message.
      guard line(old, before) != line(new, after) else { continue }
      let position = after ?? SourceRange(start: new.count, end: new.count)
      return (number + 1, position, text(old, before), text(new, after))
    }
    return nil
  }

  private func reportOutOfOrder(
    _ migrations: [Migration], _ deployed: Set<Int>, _ layout: Layout, _ observations: inout [SetObservation]
  ) {
    guard let last = deployed.max() else { return }
    for number in 0..<last where !deployed.contains(number) {
      let migration = migrations[number]
      guard let script = migration.up.first, !migration.isRepeatable else { continue }
      observations.append(
        SetObservation(
          file: script.file,
          .pendingBeforeDeployed(version: migration.version, lastDeployed: migrations[last].version, tool: layout.tool),
          at: firstLine(layout, script.file)))
    }
  }

  private func firstLine(_ layout: Layout, _ index: Int) -> SourceRange {
    TextBytes.firstLine(layout.files[index].bytes)
  }
}
