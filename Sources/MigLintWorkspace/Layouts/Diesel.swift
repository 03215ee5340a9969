import MigLintCore

/// diesel: one folder per migration, `<version>_<name>/up.sql` and `down.sql`, each run in a
/// transaction unless the folder's `metadata.toml` says `run_in_transaction = false`.
struct Diesel: MigrationLayout {
  func matches(_ files: [LayoutFile], sidecars: [String: [UInt8]]) -> Bool {
    files.contains { ($0.name == "up.sql" || $0.name == "down.sql") && $0.relative.utf8.contains(UInt8(ascii: "/")) }
  }

  func root(ofScript path: String) -> String? {
    let name = FileSystem.baseName(path)
    guard name == "up.sql" || name == "down.sql" else { return nil }
    return VersionFolders.root(of: path)
  }

  func holdsScripts(_ folder: String) -> Bool { VersionFolders.isVersionFolder(folder) }
  func isSidecar(_ name: String) -> Bool { name == "metadata.toml" }

  var readsScripts: Bool { false }

  func build(_ builder: inout LayoutBuilder) {
    builder.buildFolders(up: "up.sql", down: "down.sql") { builder, folder in
      let metadata = builder.sidecars[folder + "/metadata.toml"].map { String(decoding: $0, as: UTF8.self) } ?? ""
      if metadata.filter({ $0 != " " && $0 != "\t" }).contains("run_in_transaction=false") {
        return builder.transaction(nil)
      }
      return builder.wrapped(
        "this migration", optOut: "Add `run_in_transaction = false` to the migration's `metadata.toml`")
    }
  }

  func expectedDown(of migration: Migration, upFile: LayoutFile) -> String { "`down.sql` in the migration's folder" }
}

/// Layouts with one folder per migration, named by its version (diesel, Prisma).
enum VersionFolders {
  /// `2024-01-01-000000_posts`, `20240101000000_init`: starts with a digit and has a `_`.
  static func isVersionFolder(_ name: String) -> Bool {
    guard let first = name.utf8.first, first >= 0x30, first <= 0x39 else { return false }
    return name.contains("_")
  }

  /// The directory above a script's version folder, when the script is in one.
  static func root(of path: String) -> String? {
    let parent = FileSystem.parent(of: path)
    return isVersionFolder(FileSystem.baseName(parent)) ? FileSystem.parent(of: parent) : nil
  }

  /// diesel: the part before the first `_` without `-`; Prisma: the 14-digit timestamp.
  static func version(_ folder: String) -> String {
    String(folder.prefix { $0 != "_" }).replacing("-", with: "")
  }
}

extension LayoutBuilder {
  /// diesel and Prisma: one migration per version folder, its up (and down) script inside.
  mutating func buildFolders(
    up: String, down: String?, transaction: (LayoutBuilder, String) -> ToolTransaction?
  ) {
    var byFolder: [String: (up: Int?, down: Int?)] = [:]
    for (index, file) in files.enumerated() where isSQL[index] {
      let parts = file.relative.split(separator: "/")
      guard parts.count == 2 else { continue }
      let folder = String(parts[0])
      if file.name == up { byFolder[folder, default: (nil, nil)].up = index }
      if let down, file.name == down { byFolder[folder, default: (nil, nil)].down = index }
    }
    hasDowns = down != nil
    // Each folder's version once, not for every comparison of the sort.
    let versions = Dictionary(uniqueKeysWithValues: byFolder.keys.map { ($0, VersionFolders.version($0)) })
    let version = { (folder: String) in versions[folder] ?? VersionFolders.version(folder) }
    for folder in byFolder.keys.sorted(by: { Layouts.versionLess(version($0), version($1)) }) {
      guard let entry = byFolder[folder], let upIndex = entry.up else { continue }
      let transaction = transaction(self, folder)
      migrations.append(
        Migration(
          version: version(folder), name: folder,
          up: [MigrationScript(file: upIndex, direction: .up, transaction: transaction)],
          down: entry.down.map { [MigrationScript(file: $0, direction: .down, transaction: transaction)] } ?? []))
    }
  }
}
