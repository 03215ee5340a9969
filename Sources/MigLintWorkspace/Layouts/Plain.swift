import MigLintCore

/// Numbered SQL files and nothing else to go by: ordered by version, then name; no downs, no
/// transaction of its own. The layout of a directory no other tool claims.
struct Plain: MigrationLayout {
  var readsScripts: Bool { false }

  func build(_ builder: inout LayoutBuilder) {
    let files = builder.files
    let entries = builder.topLevelSQL.map { index in
      let (version, name) = Layouts.leadingVersion(files[index].name)
      return (version: version.isEmpty ? String(files[index].name.dropLast(4)) : version, name: name, index: index)
    }
    let keys = entries.map { Layouts.VersionKey($0.version) }
    let order = entries.indices.sorted { lhs, rhs in
      keys[lhs] == keys[rhs] ? files[entries[lhs].index].name < files[entries[rhs].index].name : keys[lhs] < keys[rhs]
    }
    let transaction = builder.transaction(nil)
    for entry in order.map({ entries[$0] }) {
      builder.migrations.append(
        Migration(
          version: entry.version, name: entry.name,
          up: [MigrationScript(file: entry.index, direction: .up, transaction: transaction)], down: []))
    }
  }
}
