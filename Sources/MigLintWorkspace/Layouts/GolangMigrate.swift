import MigLintCore

/// golang-migrate: `<version>_<name>.(up|down).sql`, each file sent as one multi-statement query.
struct GolangMigrate: MigrationLayout {
  func matches(_ files: [LayoutFile], sidecars: [String: [UInt8]]) -> Bool {
    files.contains { Layouts.splitName($0.name) != nil }
  }

  var readsScripts: Bool { false }

  func build(_ builder: inout LayoutBuilder) {
    builder.buildUpDownFiles { builder, _ in
      builder.transaction(
        ToolTransaction(
          reason:
            "golang-migrate sends this file to PostgreSQL as one multi-statement query, which runs as one transaction",
          optOut:
            "Put the statement in a migration file of its own (a single statement runs outside a transaction), or enable `x-multi-statement`",
          singleQuery: true))
    }
  }

  func expectedDown(of migration: Migration, upFile: LayoutFile) -> String {
    "`\(upFile.name.replacing(".up.", with: ".down."))`"
  }
}

extension LayoutBuilder {
  /// golang-migrate and pop: pairs `<version>_<name>[.<qualifier>…].(up|down).sql` files by version.
  mutating func buildUpDownFiles(transaction: (LayoutBuilder, Int) -> ToolTransaction?) {
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
      func scripts(_ indexes: [Int], _ direction: MigrationDirection) -> [MigrationScript] {
        indexes.map { MigrationScript(file: $0, direction: direction, transaction: transaction(builder, $0)) }
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
}
