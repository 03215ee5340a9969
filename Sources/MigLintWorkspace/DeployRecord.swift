import MigLintCore
import MigLintSyntax

/// `miglint.sum`: which migrations of a directory have been deployed, with a hash of each file.
///
/// Format (line-based, so that merges touch only the lines of new migrations):
///
///     miglint.sum 1
///     # comment lines start with #
///     <version> <file> sha256:<hex> [<file> sha256:<hex> …]
///
/// One line per deployed migration, in the tool's order; files relative to the directory, spaces
/// and `%` written as `%20` and `%25`. Hashes are over the text with a BOM removed and line
/// endings normalised to `\n`, so a CRLF↔LF change is not an edit.
package struct DeployRecord: Sendable {
  package static let fileName = "miglint.sum"
  package static let header = "miglint.sum 1"

  package struct Entry: Sendable, Equatable {
    package var version: String
    package var files: [(path: String, hash: String)]
    /// 0-based line index in the record.
    package var line: Int

    package static func == (lhs: Entry, rhs: Entry) -> Bool {
      lhs.version == rhs.version && lhs.files.map(\.path) == rhs.files.map(\.path)
        && lhs.files.map(\.hash) == rhs.files.map(\.hash)
    }
  }

  package var entries: [Entry]

  package init(entries: [Entry]) { self.entries = entries }

  /// What changed from the record `old` to this one, a line each: "new 0005 (0005_add.sql)",
  /// "edited 0002 (0002_orders.sql)", "deleted 0001 (0001_users.sql)", "renamed 0003
  /// (0003_a.sql → 0003_b.sql)". Line-ending-only changes do not count (the hashes normalise them).
  package func changes(since old: DeployRecord) -> [String] {
    func files(_ entry: Entry) -> String { entry.files.map(\.path).joined(separator: ", ") }
    let before = Dictionary(old.entries.map { ($0.version, $0) }, uniquingKeysWith: { first, _ in first })
    let after = Dictionary(entries.map { ($0.version, $0) }, uniquingKeysWith: { first, _ in first })
    var lines: [String] = []
    for entry in entries {
      guard let previous = before[entry.version] else {
        lines.append("new \(entry.version) (\(files(entry)))")
        continue
      }
      if previous.files.map(\.hash) == entry.files.map(\.hash), previous.files.map(\.path) != entry.files.map(\.path) {
        lines.append("renamed \(entry.version) (\(files(previous)) → \(files(entry)))")
      } else if previous != entry {
        lines.append("edited \(entry.version) (\(files(entry)))")
      }
    }
    for entry in old.entries where after[entry.version] == nil {
      lines.append("deleted \(entry.version) (\(files(entry)))")
    }
    return lines
  }

  /// Reads a record.
  ///
  /// - Throws: ``WorkspaceError`` naming the file and line of a missing header, a merge conflict
  ///   or a malformed line.
  package static func parse(_ bytes: [UInt8], path: String) throws(WorkspaceError) -> DeployRecord {
    // A byte-order mark an editor added is not part of the header.
    let body = Array(bytes.dropFirst(TextBytes.bomLength(bytes)))
    let lines = TextBytes.lines(body).map { String(decoding: body[$0.start..<$0.end], as: UTF8.self) }
    guard let first = lines.first?.trimmingSpaces, first == header else {
      throw WorkspaceError(
        "\(path):1", "expected the header `\(header)`; regenerate the file with `miglint sum` after a deploy")
    }
    var entries: [Entry] = []
    var lineOfVersion: [String: Int] = [:]
    for (index, line) in lines.enumerated().dropFirst() {
      let text = line.trimmingSpaces
      if text.isEmpty || text.hasPrefix("#") { continue }
      if text.hasPrefix("<<<<<<<") || text.hasPrefix("=======") || text.hasPrefix(">>>>>>>") {
        throw WorkspaceError(
          "\(path):\(index + 1)",
          "unresolved merge conflict: keep the lines of both sides in migration order, then check with `miglint sum --check`"
        )
      }
      let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { decode(String($0)) }
      guard fields.count >= 3, fields.count % 2 == 1 else {
        throw WorkspaceError(
          "\(path):\(index + 1)", "expected `<version> <file> sha256:<hash> …`, got `\(Self.excerpt(text))`")
      }
      var files: [(path: String, hash: String)] = []
      for pair in stride(from: 1, to: fields.count, by: 2) {
        let hash = fields[pair + 1]
        guard hash.hasPrefix("sha256:"), hash.count == 71, hash.dropFirst(7).allSatisfy(\.isHexDigit) else {
          throw WorkspaceError(
            "\(path):\(index + 1)",
            "expected `sha256:` and 64 hex digits after `\(Self.excerpt(fields[pair]))`, got `\(Self.excerpt(hash))`")
        }
        files.append((fields[pair], String(hash.dropFirst(7)).lowercased()))
      }
      if let earlier = lineOfVersion[fields[0]] {
        throw WorkspaceError(
          "\(path):\(index + 1)", "version \(fields[0]) is listed twice (also on line \(earlier + 1))")
      }
      lineOfVersion[fields[0]] = index
      entries.append(Entry(version: fields[0], files: files, line: index))
    }
    return DeployRecord(entries: entries)
  }

  /// The record's text.
  package func render() -> String {
    var text = Self.header + "\n"
    text += "# Deployed migrations, one per line: version, then each file with the SHA-256 of its text.\n"
    text += "# Written by `miglint sum`; commit it when a release is deployed.\n"
    for entry in entries {
      text +=
        ([Self.encode(entry.version)] + entry.files.flatMap { [Self.encode($0.path), "sha256:" + $0.hash] })
        .joined(separator: " ") + "\n"
    }
    return text
  }

  /// SHA-256 of a file's text with a BOM removed and `\r\n` / `\r` turned into `\n`.
  package static func hash(_ bytes: [UInt8]) -> String { SHA256.hex(TextBytes.normalized(bytes)) }

  /// The record for every migration of `layout` (all of them count as deployed).
  package static func make(_ layout: Layout) -> DeployRecord {
    DeployRecord(
      entries: layout.migrations.enumerated().map { number, migration in
        var seen = Set<Int>()
        let indexes = (migration.up + migration.down).map(\.file).filter { seen.insert($0).inserted }
        return Entry(
          version: migration.version,
          files: indexes.map { (layout.files[$0].relative, hash(layout.files[$0].bytes ?? [])) }, line: number)
      })
  }

  /// Text from a record line quoted in a message: at most 80 characters.
  private static func excerpt(_ text: String) -> String { text.count > 80 ? text.prefix(79) + "…" : text }

  /// A file name as a field of a line: `%`, white space and control characters as `%XX`, so that
  /// every name the file system allows reads back the same.
  static func encode(_ text: String) -> String {
    var out: [UInt8] = []
    for byte in text.utf8 {
      if byte == 0x25 || byte <= 0x20 || byte == 0x7F {
        let hex = String(byte, radix: 16, uppercase: true)
        out += Array(("%" + (hex.count == 1 ? "0" : "") + hex).utf8)
      } else {
        out.append(byte)
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The inverse of ``encode(_:)``: every `%XX` back to its byte.
  static func decode(_ text: String) -> String {
    let bytes = Array(text.utf8)
    var out: [UInt8] = []
    var index = 0
    while index < bytes.count {
      if bytes[index] == 0x25, index + 2 < bytes.count,
        let value = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
      {
        out.append(value)
        index += 3
      } else {
        out.append(bytes[index])
        index += 1
      }
    }
    return String(decoding: out, as: UTF8.self)
  }
}
