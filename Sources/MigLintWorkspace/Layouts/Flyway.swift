import MigLintCore

/// Flyway: `V<version>__<name>.sql`, undo `U<version>__`, repeatable `R__`, baseline `B<version>__`;
/// each file in a transaction unless its `.sql.conf` says `executeInTransaction=false`.
struct Flyway: MigrationLayout {
  func matches(_ files: [LayoutFile], sidecars: [String: [UInt8]]) -> Bool {
    files.contains { Layouts.flywayName($0.name) != nil }
  }

  func isSidecar(_ name: String) -> Bool { name.hasSuffix(".sql.conf") }

  var readsScripts: Bool { false }

  func build(_ builder: inout LayoutBuilder) {
    var versioned: [(version: String, index: Int)] = []
    var undo: [String: Int] = [:]
    var repeatable: [Int] = []
    for index in builder.topLevelSQL {
      guard let name = Layouts.flywayName(builder.files[index].name) else { continue }
      switch name.prefix {
      case "V": versioned.append((name.version, index))
      case "U": undo[name.version] = index
      case "R": repeatable.append(index)
      default: continue  // B: a baseline for new databases, linted on its own
      }
    }
    builder.hasDowns = !undo.isEmpty
    let current = builder
    let script = { (index: Int, direction: MigrationDirection) in
      MigrationScript(file: index, direction: direction, transaction: transaction(current, index))
    }
    for entry in versioned.sorted(by: { Layouts.versionLess($0.version, $1.version) }) {
      builder.migrations.append(
        Migration(
          version: entry.version, name: builder.files[entry.index].name, up: [script(entry.index, .up)],
          down: undo[entry.version].map { [script($0, .down)] } ?? []))
    }
    // Repeatable migrations run after the versioned ones, in name order, with no undo.
    let files = builder.files
    for index in repeatable.sorted(by: { files[$0].name < files[$1].name }) {
      var migration = Migration(
        version: "R__" + (Layouts.flywayName(files[index].name)?.name ?? ""), name: files[index].name,
        up: [script(index, .up)], down: [])
      migration.isRepeatable = true
      builder.migrations.append(migration)
    }
  }

  private func transaction(_ builder: LayoutBuilder, _ index: Int) -> ToolTransaction? {
    let name = builder.files[index].name
    let conf = builder.sidecars[builder.files[index].relative + ".conf"].map { String(decoding: $0, as: UTF8.self) }
    if (conf ?? "").filter({ $0 != " " && $0 != "\t" }).contains("executeInTransaction=false") {
      return builder.transaction(nil)
    }
    return builder.transaction(
      ToolTransaction(
        reason:
          "Flyway runs this file in a transaction (it runs a file without one only when every statement needs that, and refuses a mix unless `mixed=true`)",
        optOut: "Move the statement into a migration of its own, or set `executeInTransaction=false` in `\(name).conf`",
        skippedWhenAllNonTransactional: true))
  }

  func expectedDown(of migration: Migration, upFile: LayoutFile) -> String { "`U\(migration.version)__….sql`" }
}
