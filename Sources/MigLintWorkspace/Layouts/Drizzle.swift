import MigLintCore

/// Drizzle Kit: `<NNNN>_<name>.sql` ordered by `meta/_journal.json`, statements split at
/// `--> statement-breakpoint`, every pending migration in one transaction.
struct Drizzle: MigrationLayout {
  static let journal = "meta/_journal.json"

  func matches(_ files: [LayoutFile], sidecars: [String: [UInt8]]) -> Bool { sidecars[Self.journal] != nil }
  func isMarker(_ line: String) -> Bool { line.hasPrefix("--> statement-breakpoint") }
  func holdsScripts(_ folder: String) -> Bool { folder == "meta" }
  func isSidecar(_ name: String) -> Bool { name == "_journal.json" }

  var readsScripts: Bool { false }

  func build(_ builder: inout LayoutBuilder) {
    let tags = Self.journalTags(String(decoding: builder.sidecars[Self.journal] ?? [], as: UTF8.self))
    let files = builder.files
    var candidates = builder.topLevelSQL.filter { !Layouts.leadingVersion(files[$0].name).version.isEmpty }
    let position = Dictionary(tags.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    candidates.sort { lhs, rhs in
      let (left, right) = (String(files[lhs].name.dropLast(4)), String(files[rhs].name.dropLast(4)))
      if let a = position[left], let b = position[right] { return a < b }
      return Layouts.versionLess(left, right)
    }
    let transaction = builder.wrapped(
      "this migration", optOut: "Run the statement outside Drizzle's migrator: it has no per-file switch")
    for index in candidates {
      let (version, name) = Layouts.leadingVersion(files[index].name)
      builder.migrations.append(
        Migration(
          version: version, name: name, up: [MigrationScript(file: index, direction: .up, transaction: transaction)],
          down: []))
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
}
