import MigLintCore

/// `up/` and `down/` folders of numbered files, paired by version (node-pg-migrate's SQL mode,
/// hand-rolled runners); no transaction of its own.
struct UpDownFolders: MigrationLayout {
  private static let folders: Set<String> = ["up", "down", "seed", "seeds"]

  func matches(_ files: [LayoutFile], sidecars: [String: [UInt8]]) -> Bool {
    files.contains { $0.relative.hasPrefix("up/") } && files.contains { $0.relative.hasPrefix("down/") }
  }

  func root(ofScript path: String) -> String? {
    let parent = FileSystem.parent(of: path)
    let grandparent = FileSystem.parent(of: parent)
    guard Self.folders.contains(FileSystem.baseName(parent)),
      FileSystem.kind(FileSystem.join(grandparent, "up")) == .directory,
      FileSystem.kind(FileSystem.join(grandparent, "down")) == .directory
    else { return nil }
    return grandparent
  }

  func holdsScripts(_ folder: String) -> Bool { Self.folders.contains(folder) }

  var readsScripts: Bool { false }

  func build(_ builder: inout LayoutBuilder) {
    var ups: [(version: String, index: Int)] = []
    var downs: [String: Int] = [:]
    for (index, file) in builder.files.enumerated() where builder.isSQL[index] {
      let version = Layouts.leadingVersion(file.name).version
      if file.relative.hasPrefix("up/") { ups.append((version.isEmpty ? file.name : version, index)) }
      if file.relative.hasPrefix("down/"), !version.isEmpty { downs[version] = index }
    }
    builder.hasDowns = true
    let transaction = builder.transaction(nil)
    for entry in ups.sorted(by: { Layouts.versionLess($0.version, $1.version) }) {
      builder.migrations.append(
        Migration(
          version: entry.version, name: Layouts.leadingVersion(builder.files[entry.index].name).name,
          up: [MigrationScript(file: entry.index, direction: .up, transaction: transaction)],
          down: downs[entry.version].map { [MigrationScript(file: $0, direction: .down, transaction: transaction)] }
            ?? []))
    }
  }
}
