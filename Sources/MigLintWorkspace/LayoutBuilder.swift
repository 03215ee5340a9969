import MigLintCore
import MigLintSyntax

extension Layouts {
  /// Turns a directory's files into migrations for one tool.
  struct Builder {
    let tool: MigrationTool
    let files: [LayoutFile]
    let sidecars: [String: [UInt8]]
    let override: TransactionMode?
    var isSQL: [Bool]
    var migrations: [Migration] = []
    var findings: [SetFinding] = []
    /// Whether the tool has down migrations in this directory (Flyway: only when it uses U files).
    var hasDowns = false

    init(tool: MigrationTool, files: [LayoutFile], sidecars: [String: [UInt8]], override: TransactionMode?) {
      self.tool = tool
      self.files = files
      self.sidecars = sidecars
      self.override = override
      isSQL = Array(repeating: true, count: files.count)
    }

    var layout: Layout {
      Layout(
        tool: tool, files: files, isSQL: isSQL, migrations: migrations, findings: findings, sidecars: sidecars)
    }

    mutating func run() {
      skipOtherDialects()
      switch tool {
      case .golangMigrate, .pop: buildUpDownFiles()
      case .goose, .dbmate, .sqlMigrate: buildSections()
      case .diesel: buildFolders(up: "up.sql", down: "down.sql")
      case .prisma: buildPrisma()
      case .flyway: buildFlyway()
      case .sqitch: buildSqitch()
      case .drizzle: buildDrizzle()
      case .upDown: buildUpDownFolders()
      case .plain: buildPlain()
      }
      reportDuplicateVersions()
      if hasDowns { reportMissingDowns() }
      if tool == .pop { groupSplitMigrations() }
    }

    /// popx writes one change as numbered parts: `<14-digit timestamp><6-digit part>`. Their
    /// downs are numbered in another order than their ups, so only the parts together revert.
    mutating func groupSplitMigrations() {
      func key(_ migration: Migration) -> String? {
        let version = migration.version
        guard version.utf8.count == 20, version.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return String(version.prefix(14))
      }
      var start = 0
      while start < migrations.count {
        var end = start + 1
        if let group = key(migrations[start]) {
          while end < migrations.count, key(migrations[end]) == group { end += 1 }
          if end - start > 1 {
            for index in start..<end {
              migrations[index].revertGroup = Migration.RevertGroup(key: group, size: end - start)
            }
          }
        }
        start = end
      }
    }

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
      let dialects = counts.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
      let message =
        skipped.count == 1
        ? "`\(files[first.index].name)` is a \(first.dialect) migration: skipped, not linted as PostgreSQL"
        : "\(skipped.count) files of this directory are migrations for other databases (\(dialects)), starting with `\(files[first.index].name)`: skipped, not linted as PostgreSQL"
      report(
        first.index, HistoryRuleID.unsupportedDialect, at: firstLine(first.index), message,
        help: "Nothing to do; those files run only against the databases they name")
    }

    // MARK: - golang-migrate and pop: `<version>_<name>[.<qualifier>].(up|down).sql`

    mutating func buildUpDownFiles() {
      struct Entry {
        var version: String
        var name: String
        var up: [Int] = []
        var down: [Int] = []
      }
      var entries: [String: Entry] = [:]
      // pop: a `.postgres.` file overrides the dialect-free file of the same version and direction.
      var specific = Set<String>()
      for (index, file) in files.enumerated() where isSQL[index] {
        guard let name = Layouts.splitName(file.name),
          name.qualifiers.allSatisfy({ Layouts.postgresDialects.contains($0) || $0 == "autocommit" })
        else { continue }
        if name.qualifiers.contains(where: Layouts.postgresDialects.contains) {
          specific.insert(name.version + "/" + name.direction.rawValue)
        }
      }
      for (index, file) in files.enumerated() where isSQL[index] {
        guard let name = Layouts.splitName(file.name) else { continue }
        let isSpecific = name.qualifiers.contains(where: Layouts.postgresDialects.contains)
        if !isSpecific, specific.contains(name.version + "/" + name.direction.rawValue) {
          isSQL[index] = false
          continue
        }
        var entry = entries[name.version] ?? Entry(version: name.version, name: name.name)
        if name.direction == .up { entry.up.append(index) } else { entry.down.append(index) }
        entries[name.version] = entry
        hasDowns = true
      }
      for entry in entries.values.sorted(by: { Layouts.versionLess($0.version, $1.version) }) {
        let builder = self
        let scripts = { (indexes: [Int], direction: MigrationDirection) in
          indexes.map { MigrationScript(file: $0, direction: direction, transaction: builder.upDownTransaction($0)) }
        }
        // Two up files with one version are two migrations (reported as duplicates).
        let ups = entry.up.isEmpty ? [[]] : entry.up.map { [$0] }
        for (number, up) in ups.enumerated() {
          migrations.append(
            Migration(
              version: entry.version, name: up.first.map { files[$0].name } ?? entry.name,
              up: scripts(up, .up), down: number == 0 ? scripts(entry.down, .down) : []))
        }
      }
    }

    func upDownTransaction(_ index: Int) -> ToolTransaction? {
      if tool == .golangMigrate {
        return transaction(
          ToolTransaction(
            reason:
              "golang-migrate sends this file to PostgreSQL as one multi-statement query, which runs as one transaction",
            optOut:
              "Put the statement in a migration file of its own (a single statement runs outside a transaction), or enable `x-multi-statement`",
            singleQuery: true))
      }
      let qualifiers = Layouts.splitName(files[index].name)?.qualifiers ?? []
      if qualifiers.contains("autocommit") { return transaction(nil) }
      return wrapped(
        "this migration",
        optOut: "Name the file `….autocommit.up.sql` so that pop runs it without a transaction")
    }

    // MARK: - goose, dbmate, sql-migrate: one file, sections between marker comments

    mutating func buildSections() {
      for (index, file) in files.enumerated() where isSQL[index] && !file.relative.contains("/") {
        guard let bytes = file.bytes else {
          // Unreadable: still a migration, so that its version is not lost from the history.
          let (version, name) = Layouts.leadingVersion(file.name)
          migrations.append(
            Migration(
              version: version.isEmpty ? file.name : version, name: name,
              up: [MigrationScript(file: index, direction: .up, transaction: nil)], down: []))
          continue
        }
        let sections = Sections(tool: tool, bytes: bytes)
        let (version, name) = Layouts.leadingVersion(file.name)
        if sections.up == nil, sections.down == nil, tool != .dbmate, version.isEmpty { continue }
        let bom = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let shift = { (range: SourceRange) in
          SourceRange(start: max(0, range.start - bom), end: max(0, range.end - bom))
        }
        let upRange = sections.up.map(shift) ?? SourceRange(start: 0, end: bytes.count - bom)
        var migration = Migration(
          version: version.isEmpty ? String(file.name.dropLast(4)) : version, name: name,
          up: [
            MigrationScript(
              file: index, range: upRange, direction: .up, transaction: sectionTransaction(sections, .up))
          ], down: [])
        if let down = sections.down {
          migration.down = [
            MigrationScript(
              file: index, range: shift(down), direction: .down, transaction: sectionTransaction(sections, .down))
          ]
        }
        hasDowns = true
        migrations.append(migration)
        if let indented = sections.indentedDown {
          report(
            index, HistoryRuleID.missingDown, at: shift(indented),
            "The `\(sections.downMarker)` marker on this line is indented: \(tool.displayName) only reads markers at the start of a line, so this file has no down section and the statements below run as part of the up",
            help: "Start the line with `--`")
        }
      }
      let order = migrations.indices.sorted { lhs, rhs in
        let (left, right) = (migrations[lhs], migrations[rhs])
        if tool == .sqlMigrate {
          return files[left.up[0].file].name < files[right.up[0].file].name
        }
        return Layouts.versionLess(left.version, right.version)
      }
      migrations = order.map { migrations[$0] }
    }

    func sectionTransaction(_ sections: Sections, _ direction: MigrationDirection) -> ToolTransaction? {
      let disabled = direction == .up ? sections.upWithoutTransaction : sections.downWithoutTransaction
      if disabled { return transaction(nil) }
      switch tool {
      case .goose:
        return wrapped("this file", optOut: "Add `-- +goose NO TRANSACTION` to the file")
      case .dbmate:
        return wrapped(
          "this section", optOut: "Write the marker as `-- migrate:\(direction.rawValue) transaction:false`")
      default:
        return wrapped(
          "this section",
          optOut: "Write the marker as `-- +migrate \(direction == .up ? "Up" : "Down") notransaction`")
      }
    }

    // MARK: - diesel, Prisma: one folder per migration

    mutating func buildFolders(up: String, down: String?) {
      var byFolder: [String: (up: Int?, down: Int?)] = [:]
      for (index, file) in files.enumerated() where isSQL[index] {
        let parts = file.relative.split(separator: "/")
        guard parts.count == 2 else { continue }
        let folder = String(parts[0])
        if file.name == up { byFolder[folder, default: (nil, nil)].up = index }
        if let down, file.name == down { byFolder[folder, default: (nil, nil)].down = index }
      }
      hasDowns = down != nil
      for folder in byFolder.keys.sorted(by: { Layouts.versionLess(folderVersion($0), folderVersion($1)) }) {
        guard let entry = byFolder[folder], let upIndex = entry.up else { continue }
        let transaction = folderTransaction(folder)
        migrations.append(
          Migration(
            version: folderVersion(folder), name: folder,
            up: [MigrationScript(file: upIndex, direction: .up, transaction: transaction)],
            down: entry.down.map { [MigrationScript(file: $0, direction: .down, transaction: transaction)] } ?? []))
      }
    }

    /// diesel: the part before the first `_` without `-`; Prisma: the 14-digit timestamp.
    func folderVersion(_ folder: String) -> String {
      String(folder.prefix { $0 != "_" }).replacing("-", with: "")
    }

    func folderTransaction(_ folder: String) -> ToolTransaction? {
      if tool == .prisma {
        return transaction(
          ToolTransaction(
            reason:
              "Prisma Migrate sends migration.sql to PostgreSQL as one multi-statement query, which runs as one transaction",
            optOut:
              "Put the statement in a migration of its own (`prisma migrate dev --create-only`), alone in the file",
            singleQuery: true))
      }
      let metadata = sidecars[folder + "/metadata.toml"].map { String(decoding: $0, as: UTF8.self) } ?? ""
      let compact = metadata.filter { $0 != " " && $0 != "\t" }
      if compact.contains("run_in_transaction=false") { return transaction(nil) }
      return wrapped("this migration", optOut: "Add `run_in_transaction = false` to the migration's `metadata.toml`")
    }

    mutating func buildPrisma() {
      if let lock = sidecars["migration_lock.toml"] {
        let text = String(decoding: lock, as: UTF8.self).filter { $0 != " " && $0 != "\t" }
        if let range = text.firstRange(of: "provider=\"") {
          let provider = String(text[range.upperBound...].prefix { $0 != "\"" })
          if !["postgresql", "postgres"].contains(provider) {
            let skipped = files.indices.filter { isSQL[$0] }
            for index in skipped { isSQL[index] = false }
            if let first = skipped.first {
              report(
                first, HistoryRuleID.unsupportedDialect, at: firstLine(first),
                "`migration_lock.toml` names provider \"\(provider)\": the \(skipped.count) migration\(skipped.count == 1 ? "" : "s") of this directory \(skipped.count == 1 ? "was" : "were") skipped, not linted as PostgreSQL",
                help: "Nothing to do; these migrations run only against \(provider)")
            }
            return
          }
        }
      }
      buildFolders(up: "migration.sql", down: nil)
    }

    // MARK: - Flyway: V<version>__, U<version>__, R__, B<version>__

    mutating func buildFlyway() {
      var versioned: [(version: String, index: Int)] = []
      var undo: [String: Int] = [:]
      var repeatable: [Int] = []
      for (index, file) in files.enumerated() where isSQL[index] && !file.relative.contains("/") {
        guard let name = Layouts.flywayName(file.name) else { continue }
        switch name.prefix {
        case "V": versioned.append((name.version, index))
        case "U": undo[name.version] = index
        case "R": repeatable.append(index)
        default: continue  // B: a baseline for new databases, linted on its own
        }
      }
      hasDowns = !undo.isEmpty
      for entry in versioned.sorted(by: { Layouts.versionLess($0.version, $1.version) }) {
        migrations.append(
          Migration(
            version: entry.version, name: files[entry.index].name,
            up: [MigrationScript(file: entry.index, direction: .up, transaction: flywayTransaction(entry.index))],
            down: undo[entry.version].map {
              [MigrationScript(file: $0, direction: .down, transaction: flywayTransaction($0))]
            } ?? []))
      }
      // Repeatable migrations run after the versioned ones, in name order, with no undo.
      for index in repeatable.sorted(by: { files[$0].name < files[$1].name }) {
        migrations.append(
          Migration(
            version: "R__" + (Layouts.flywayName(files[index].name)?.name ?? ""), name: files[index].name,
            up: [MigrationScript(file: index, direction: .up, transaction: flywayTransaction(index))], down: []))
      }
    }

    func flywayTransaction(_ index: Int) -> ToolTransaction? {
      let conf = sidecars[files[index].relative + ".conf"].map { String(decoding: $0, as: UTF8.self) } ?? ""
      if conf.filter({ $0 != " " && $0 != "\t" }).contains("executeInTransaction=false") { return transaction(nil) }
      return transaction(
        ToolTransaction(
          reason:
            "Flyway runs this file in a transaction (it runs a file without one only when every statement needs that, and refuses a mix unless `mixed=true`)",
          optOut:
            "Move the statement into a migration of its own, or set `executeInTransaction=false` in `\(files[index].name).conf`",
          skippedWhenAllNonTransactional: true))
    }

    // MARK: - sqitch: sqitch.plan, deploy/, revert/, verify/

    mutating func buildSqitch() {
      let plan = SqitchPlan(String(decoding: sidecars["sqitch.plan"] ?? [], as: UTF8.self))
      var byPath: [String: Int] = [:]
      for (index, file) in files.enumerated() where isSQL[index] { byPath[file.relative] = index }
      hasDowns = true
      for change in plan.changes {
        // A reworked change keeps its earlier scripts as `<change>@<tag>.sql`.
        let stem = change.reworkedAt.map { "\(change.name)@\($0)" } ?? change.name
        guard let deploy = byPath["deploy/\(stem).sql"] else { continue }
        migrations.append(
          Migration(
            version: change.name, name: change.name,
            up: [MigrationScript(file: deploy, direction: .up, transaction: transaction(nil))],
            down: byPath["revert/\(stem).sql"].map {
              [MigrationScript(file: $0, direction: .down, transaction: transaction(nil))]
            } ?? []))
      }
    }

    // MARK: - Drizzle: `<NNNN>_<name>.sql`, meta/_journal.json

    mutating func buildDrizzle() {
      let journal = String(decoding: sidecars["meta/_journal.json"] ?? [], as: UTF8.self)
      let tags = Self.journalTags(journal)
      var candidates: [Int] = []
      for (index, file) in files.enumerated() where isSQL[index] && !file.relative.contains("/") {
        if !Layouts.leadingVersion(file.name).version.isEmpty { candidates.append(index) }
      }
      let position = Dictionary(tags.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
      candidates.sort { lhs, rhs in
        let (left, right) = (String(files[lhs].name.dropLast(4)), String(files[rhs].name.dropLast(4)))
        if let a = position[left], let b = position[right] { return a < b }
        return Layouts.versionLess(left, right)
      }
      for index in candidates {
        let (version, name) = Layouts.leadingVersion(files[index].name)
        migrations.append(
          Migration(
            version: version, name: name,
            up: [
              MigrationScript(
                file: index, direction: .up,
                transaction: wrapped(
                  "this migration", optOut: "Run the statement outside Drizzle's migrator: it has no per-file switch"))
            ], down: []))
      }
    }

    /// The `"tag"` values of a Drizzle journal, in order.
    static func journalTags(_ json: String) -> [String] {
      var tags: [String] = []
      var rest = json[...]
      while let key = rest.firstRange(of: "\"tag\"") {
        rest = rest[key.upperBound...]
        guard let open = rest.firstIndex(of: "\"") else { break }
        let value = rest[rest.index(after: open)...]
        guard let close = value.firstIndex(of: "\"") else { break }
        tags.append(String(value[..<close]))
        rest = value[value.index(after: close)...]
      }
      return tags
    }

    // MARK: - up/ and down/ folders

    mutating func buildUpDownFolders() {
      var ups: [(version: String, index: Int)] = []
      var downs: [String: Int] = [:]
      for (index, file) in files.enumerated() where isSQL[index] {
        let version = Layouts.leadingVersion(file.name).version
        if file.relative.hasPrefix("up/") { ups.append((version.isEmpty ? file.name : version, index)) }
        if file.relative.hasPrefix("down/"), !version.isEmpty { downs[version] = index }
      }
      hasDowns = true
      for entry in ups.sorted(by: { Layouts.versionLess($0.version, $1.version) }) {
        migrations.append(
          Migration(
            version: entry.version, name: Layouts.leadingVersion(files[entry.index].name).name,
            up: [MigrationScript(file: entry.index, direction: .up, transaction: transaction(nil))],
            down: downs[entry.version].map {
              [MigrationScript(file: $0, direction: .down, transaction: transaction(nil))]
            }
              ?? []))
      }
    }

    // MARK: - Plain numbered files

    mutating func buildPlain() {
      var entries: [(version: String, name: String, index: Int)] = []
      for (index, file) in files.enumerated() where isSQL[index] && !file.relative.contains("/") {
        let (version, name) = Layouts.leadingVersion(file.name)
        entries.append((version.isEmpty ? String(file.name.dropLast(4)) : version, name, index))
      }
      let keys = entries.map { Layouts.VersionKey($0.version) }
      let order = entries.indices.sorted { lhs, rhs in
        keys[lhs] == keys[rhs]
          ? files[entries[lhs].index].name < files[entries[rhs].index].name : keys[lhs] < keys[rhs]
      }
      for entry in order.map({ entries[$0] }) {
        migrations.append(
          Migration(
            version: entry.version, name: entry.name,
            up: [MigrationScript(file: entry.index, direction: .up, transaction: transaction(nil))], down: []))
      }
    }

    // MARK: - Rules about the set

    mutating func reportDuplicateVersions() {
      // sqitch names changes, sql-migrate keys on file names: no versions to collide.
      guard tool != .sqitch, tool != .sqlMigrate else { return }
      var first: [String: Migration] = [:]
      for migration in migrations {
        guard let script = migration.up.first else { continue }
        if tool == .plain, Layouts.leadingVersion(files[script.file].name).version.isEmpty { continue }
        if let earlier = first[migration.version], let earlierScript = earlier.up.first {
          report(
            script.file, HistoryRuleID.duplicateVersion, at: firstLine(script.file),
            "Version \(migration.version) is also used by `\(files[earlierScript.file].relative)`: \(tool.displayName) runs only one of them, or refuses both",
            help: "Give this migration the next free version")
        } else {
          first[migration.version] = migration
        }
      }
    }

    mutating func reportMissingDowns() {
      let versioned = migrations.filter { !$0.version.hasPrefix("R__") }
      // A directory that never has downs is forward-only by choice: one note, or none where the
      // tool treats downs as optional.
      if !versioned.contains(where: { !$0.down.isEmpty }) {
        guard ![.pop, .goose].contains(tool), let first = versioned.first?.up.first,
          !findings.contains(where: { $0.ruleID == HistoryRuleID.missingDown })
        else { return }
        let count = versioned.count
        findings.append(
          SetFinding(
            file: first.file, ruleID: HistoryRuleID.missingDown,
            finding: Finding(
              at: first.range.map { SourceRange(start: $0.start, end: $0.start) } ?? firstLine(first.file),
              message:
                "No migration in this directory has a down migration (\(count) migration\(count == 1 ? "" : "s")): \(tool.displayName) cannot roll any of them back",
              help:
                "Nothing to do if the project is forward-only (ignore `missing-down-migration` in miglint.toml); else add downs from the next migration on",
              severity: .info)))
        return
      }
      // Where downs are optional, a missing one is worth a word only against a convention: when
      // nearly every migration has one.
      if [.pop, .goose].contains(tool), versioned.filter({ !$0.down.isEmpty }).count * 10 < versioned.count * 9 {
        return
      }
      for migration in versioned where migration.down.isEmpty {
        guard let script = migration.up.first,
          !findings.contains(where: { $0.file == script.file && $0.ruleID == HistoryRuleID.missingDown })
        else { continue }
        let file = files[script.file]
        let expected: String
        switch tool {
        case .golangMigrate, .pop:
          expected = "`\(file.name.replacing(".up.", with: ".down."))`"
        case .goose: expected = "a `-- +goose Down` section"
        case .dbmate: expected = "a `-- migrate:down` section (dbmate refuses a file without one)"
        case .sqlMigrate: expected = "a `-- +migrate Down` section"
        case .diesel: expected = "`down.sql` in the migration's folder"
        case .flyway: expected = "`U\(migration.version)__….sql`"
        case .sqitch: expected = "`revert/\(migration.name).sql`"
        default: expected = "a file in `down/` with version \(migration.version)"
        }
        report(
          script.file, HistoryRuleID.missingDown,
          at: script.range.map { SourceRange(start: $0.start, end: $0.start) } ?? firstLine(script.file),
          "Migration \(migration.version) has no down migration: \(tool.displayName) cannot roll it back",
          help: "Add \(expected) that reverts it (empty, with a comment saying why, when it cannot be reverted)")
      }
    }

    func firstLine(_ index: Int) -> SourceRange { Layouts.firstLine(files[index].bytes) }

    /// Records a finding about file `index`.
    mutating func report(_ index: Int, _ rule: String, at range: SourceRange, _ message: String, help: String) {
      findings.append(SetFinding(file: index, ruleID: rule, finding: Finding(at: range, message: message, help: help)))
    }
  }

  /// The up and down sections of a goose, dbmate or sql-migrate file (byte ranges of the raw file).
  struct Sections {
    var up: SourceRange?
    var down: SourceRange?
    var upWithoutTransaction = false
    var downWithoutTransaction = false
    /// A down marker indented by mistake (the tool ignores it).
    var indentedDown: SourceRange?
    let downMarker: String

    init(tool: MigrationTool, bytes: [UInt8]) {
      let prefix: String
      switch tool {
      case .goose:
        prefix = "+goose "
        downMarker = "-- +goose Down"
      case .dbmate:
        prefix = "migrate:"
        downMarker = "-- migrate:down"
      default:
        prefix = "+migrate "
        downMarker = "-- +migrate Down"
      }
      var upStart: Int?
      var downStart: Int?
      var upEnd: Int?
      var fileWithoutTransaction = false
      for line in Layouts.lines(bytes) {
        let raw = bytes[line.start..<line.end]
        let trimmed = raw.drop { $0 == 0x20 || $0 == 0x09 }
        guard trimmed.starts(with: [0x2D, 0x2D]) else { continue }  // "--"
        let text = Layouts.lowercasedASCII(trimmed.dropFirst(2)).trimmingSpaces
        guard text.hasPrefix(prefix) else { continue }
        let words = text.dropFirst(prefix.count).split(separator: " ").map(String.init)
        guard let command = words.first else { continue }
        let options = words.dropFirst()
        let noTransaction =
          options.contains("notransaction") || options.contains("transaction:false")
        let next =
          line.end < bytes.count
          ? line.end + (bytes[line.end] == 0x0D && line.end + 1 < bytes.count && bytes[line.end + 1] == 0x0A ? 2 : 1)
          : line.end
        if trimmed.startIndex != raw.startIndex {
          if command == "down" { indentedDown = line }
          continue
        }
        switch command {
        case "up" where upStart == nil:
          upStart = next
          upWithoutTransaction = noTransaction
        case "down" where downStart == nil:
          downStart = next
          upEnd = line.start
          downWithoutTransaction = noTransaction
        case "no" where options.first == "transaction":
          fileWithoutTransaction = true
        default:
          break
        }
      }
      if fileWithoutTransaction {
        upWithoutTransaction = true
        downWithoutTransaction = true
      }
      if let upStart {
        let end = upEnd.map { $0 >= upStart ? $0 : bytes.count } ?? bytes.count
        up = SourceRange(start: upStart, end: end)
      }
      if let downStart {
        // A down section before the up section ends where the up marker starts.
        let end = (upStart ?? 0) > downStart ? (upStart ?? bytes.count) : bytes.count
        down = SourceRange(start: downStart, end: end)
        if let upStart, upStart > downStart, let upRange = up {
          up = SourceRange(start: upRange.start, end: bytes.count)
        }
      }
      if down != nil { indentedDown = nil }
    }
  }

  /// The changes of a `sqitch.plan`, in order.
  struct SqitchPlan {
    struct Change {
      var name: String
      /// For a change that is reworked later: the tag its old scripts are named after.
      var reworkedAt: String?
    }

    var changes: [Change] = []

    init(_ text: String) {
      var nextTag: [String?] = []
      var reworked = Set<Int>()
      var latest: [String: Int] = [:]
      for rawLine in text.split(whereSeparator: \.isNewline) {
        let line = String(rawLine).trimmingSpaces
        if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("%") { continue }
        if line.hasPrefix("@") {
          let tag = String(line.dropFirst().prefix { $0 != " " && $0 != "\t" })
          for index in nextTag.indices where nextTag[index] == nil { nextTag[index] = tag }
          continue
        }
        let isNameCharacter: (Character) -> Bool = { !" \t[".contains($0) }
        let name = String(line.prefix(while: isNameCharacter))
        // Rework: the earlier occurrence's scripts were copied to `<change>@<first tag after it>`.
        if let earlier = latest[name] { reworked.insert(earlier) }
        latest[name] = changes.count
        changes.append(Change(name: name))
        nextTag.append(nil)
      }
      for index in reworked { changes[index].reworkedAt = nextTag[index] }
    }
  }
}
