import MigLintCore

/// sqitch: `sqitch.plan` orders named changes; `deploy/<change>.sql` and `revert/<change>.sql`
/// (change names may hold slashes), no transaction of its own.
struct Sqitch: MigrationLayout {
  static let planName = "sqitch.plan"
  /// How deep change folders below `deploy/` are followed.
  static let maximumDepth = 16
  private static let folders: Set<String> = ["deploy", "revert", "verify"]

  func matches(_ files: [LayoutFile], sidecars: [String: [UInt8]]) -> Bool { sidecars[Self.planName] != nil }

  func root(ofScript path: String) -> String? {
    var ancestor = FileSystem.parent(of: path)
    for _ in 0..<Self.maximumDepth {
      let above = FileSystem.parent(of: ancestor)
      if Self.folders.contains(FileSystem.baseName(ancestor)),
        FileSystem.kind(FileSystem.join(above, Self.planName)) == .file
      {
        return above
      }
      guard above != ancestor, !above.isEmpty, above != "." else { break }
      ancestor = above
    }
    return nil
  }

  func holdsScripts(_ folder: String) -> Bool { Self.folders.contains(folder) }
  func isSidecar(_ name: String) -> Bool { name == Self.planName }
  /// sqitch names changes: there are no versions to collide.
  var versionsAreUnique: Bool { false }

  var readsScripts: Bool { false }

  func build(_ builder: inout LayoutBuilder) {
    let plan = SqitchPlan(String(decoding: builder.sidecars[Self.planName] ?? [], as: UTF8.self))
    var byPath: [String: Int] = [:]
    for (index, file) in builder.files.enumerated() where builder.isSQL[index] { byPath[file.relative] = index }
    builder.hasDowns = true
    let transaction = builder.transaction(nil)
    for change in plan.changes {
      // A reworked change keeps its earlier scripts as `<change>@<tag>.sql`.
      let stem = change.reworkedAt.map { "\(change.name)@\($0)" } ?? change.name
      guard let deploy = byPath["deploy/\(stem).sql"] else { continue }
      builder.migrations.append(
        Migration(
          version: change.name, name: change.name,
          up: [MigrationScript(file: deploy, direction: .up, transaction: transaction)],
          down: byPath["revert/\(stem).sql"].map {
            [MigrationScript(file: $0, direction: .down, transaction: transaction)]
          } ?? []))
    }
  }

  func expectedDown(of migration: Migration, upFile: LayoutFile) -> String { "`revert/\(migration.name).sql`" }
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
