import MigLintCore

/// pop (gobuffalo) and popx (ory): golang-migrate's names with qualifiers (`.postgres.`,
/// `.autocommit.`), each file run in a transaction unless it is `autocommit`.
struct Pop: MigrationLayout {
  func matches(_ files: [LayoutFile], sidecars: [String: [UInt8]]) -> Bool {
    files.contains { Layouts.splitName($0.name).map { !$0.qualifiers.isEmpty } ?? false }
  }

  var downsAreOptional: Bool { true }

  var readsScripts: Bool { false }

  func build(_ builder: inout LayoutBuilder) {
    builder.buildUpDownFiles { builder, index in
      let qualifiers = Layouts.splitName(builder.files[index].name)?.qualifiers ?? []
      if qualifiers.contains("autocommit") { return builder.transaction(nil) }
      return builder.wrapped(
        "this migration", optOut: "Name the file `….autocommit.up.sql` so that pop runs it without a transaction")
    }
    groupSplitMigrations(&builder.migrations)
  }

  func expectedDown(of migration: Migration, upFile: LayoutFile) -> String {
    "`\(upFile.name.replacing(".up.", with: ".down."))`"
  }

  /// popx writes one change as numbered parts: `<14-digit timestamp><6-digit part>`. Their
  /// downs are numbered in another order than their ups, so only the parts together revert.
  private func groupSplitMigrations(_ migrations: inout [Migration]) {
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
}
