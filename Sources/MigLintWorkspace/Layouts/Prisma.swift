import MigLintCore

/// Prisma Migrate: `<timestamp>_<name>/migration.sql`, no downs, each file sent as one
/// multi-statement query; `migration_lock.toml` names the database.
struct Prisma: MigrationLayout {
  func matches(_ files: [LayoutFile], sidecars: [String: [UInt8]]) -> Bool {
    sidecars["migration_lock.toml"] != nil || files.contains { $0.name == "migration.sql" }
  }

  func root(ofScript path: String) -> String? {
    FileSystem.baseName(path) == "migration.sql" ? VersionFolders.root(of: path) : nil
  }

  func holdsScripts(_ folder: String) -> Bool { VersionFolders.isVersionFolder(folder) }
  func isSidecar(_ name: String) -> Bool { name == "migration_lock.toml" }

  var readsScripts: Bool { false }

  func build(_ builder: inout LayoutBuilder) {
    if let provider = otherProvider(builder.sidecars["migration_lock.toml"]) {
      let skipped = builder.files.indices.filter { builder.isSQL[$0] }
      for index in skipped { builder.isSQL[index] = false }
      if let first = skipped.first {
        builder.observe(
          first, .otherPrismaProvider(provider, migrations: skipped.count), at: builder.firstLine(first))
      }
      return
    }
    builder.buildFolders(up: "migration.sql", down: nil) { builder, _ in
      builder.transaction(
        ToolTransaction(
          reason:
            "Prisma Migrate sends migration.sql to PostgreSQL as one multi-statement query, which runs as one transaction",
          optOut: "Put the statement in a migration of its own (`prisma migrate dev --create-only`), alone in the file",
          singleQuery: true))
    }
  }

  /// The provider `migration_lock.toml` names, when it is not PostgreSQL.
  private func otherProvider(_ lock: [UInt8]?) -> String? {
    guard let lock else { return nil }
    let text = String(decoding: lock, as: UTF8.self).filter { $0 != " " && $0 != "\t" }
    guard let range = text.firstRange(of: "provider=\"") else { return nil }
    let provider = String(text[range.upperBound...].prefix { $0 != "\"" })
    return ["postgresql", "postgres"].contains(provider) ? nil : provider
  }
}
