import MigLintCore
import MigLintORM
import MigLintSyntax

/// A file of a migrations directory, as the layout sees it.
package struct LayoutFile: Sendable {
  /// The path shown in diagnostics.
  package var path: String
  /// The path relative to the migrations directory, `/`-separated.
  package let relative: String
  /// The bytes, when the file could be read.
  package var bytes: [UInt8]?
  var readError: String?

  /// The file name: the last component of ``relative`` (detection asks for it of every file).
  let name: String
  /// Directly in the migrations directory, not in a folder below it.
  let isTopLevel: Bool
  /// A JavaScript or TypeScript file (``Layouts/isScript(_:)``): every layout asks of every file.
  let isScript: Bool

  package init(path: String, relative: String, bytes: [UInt8]?, readError: String? = nil) {
    self.path = path
    self.relative = relative
    self.bytes = bytes
    self.readError = readError
    let slash = Layouts.withBytes(relative) { $0.lastIndex(of: UInt8(ascii: "/")) }
    name = slash.map { String(decoding: relative.utf8.dropFirst($0 + 1), as: UTF8.self) } ?? relative
    isTopLevel = slash == nil
    isScript = Layouts.isScript(name)
  }
}

/// A migrations directory understood: which tool, its migrations in order, layout findings.
package struct Layout: Sendable {
  package var tool: MigrationTool
  /// The set's files: SQL scripts first (in the order given), then the others the layout reports on.
  package var files: [LayoutFile]
  /// False for files that are not linted as PostgreSQL (another dialect, a non-SQL file).
  package var isSQL: [Bool]
  package var migrations: [Migration]
  package var observations: [SetObservation]
  /// Files that belong to the layout but are not SQL (plan, metadata): read for detection only.
  package var sidecars: [String: [UInt8]]
  /// ORM migrations, read into the SQL they send, by file index.
  package var translations: [Int: ORMMigration] = [:]
}

/// Detection of each tool's layout, ordering, up/down pairing and transaction behaviour.
package enum Layouts {
  // MARK: - Where a migrations directory starts

  /// The migrations directory a SQL file belongs to, given the file's path: the one its tool's
  /// layout keeps it below (diesel, Prisma, sqitch, up/down folders), else its folder.
  package static func root(of path: String) -> String {
    for tool in MigrationTool.allCases {
      if let root = tool.layout.root(ofScript: path) { return root }
    }
    return FileSystem.parent(of: path)
  }

  /// True for a folder directly below a migrations directory that some layout keeps scripts in.
  static func holdsScripts(_ folder: String) -> Bool {
    MigrationTool.allCases.contains { $0.layout.holdsScripts(folder) }
  }

  /// True for a non-SQL file some layout reads.
  static func isSidecar(_ name: String) -> Bool { MigrationTool.allCases.contains { $0.layout.isSidecar(name) } }

  // MARK: - Detection

  /// The tool whose layout the directory's files or sidecars follow: the first, in
  /// `MigrationTool`'s order, whose layout matches (names and sidecars; scripts' contents for the
  /// ORMs). Nil when none does: then ``markedTool(_:)`` reads the first files.
  static func matchingTool(_ files: [LayoutFile], sidecars: [String: [UInt8]]) -> MigrationTool? {
    MigrationTool.allCases.first { $0.layout.matches(files, sidecars: sidecars) }
  }

  /// How many files, from the first, ``markedTool(_:)`` reads.
  static let markedFiles = 50

  /// The tool whose marker comment comes first in the first ``markedFiles`` files; plain without
  /// one.
  static func markedTool(_ files: [LayoutFile]) -> MigrationTool {
    let tools = MigrationTool.allCases.map { ($0, $0.layout) }
    for file in files.prefix(markedFiles) {
      guard let bytes = file.bytes else { continue }
      for line in TextBytes.lines(bytes) where bytes[line.start..<line.end].starts(with: [0x2D, 0x2D]) {  // "--"
        let text = lowercasedASCII(bytes[line.start..<min(line.end, line.start + 32)])
        if let (tool, _) = tools.first(where: { $0.1.isMarker(text) }) { return tool }
      }
    }
    return .plain
  }

  // MARK: - Building the migration list

  /// Orders and pairs the files of a directory for `tool`.
  package static func build(
    _ tool: MigrationTool, files: [LayoutFile], sidecars: [String: [UInt8]], transaction: TransactionMode?,
    moduleRoot: String? = nil, ormSettings: ORMConfiguration.Settings? = nil
  ) -> Layout {
    var builder = LayoutBuilder(tool: tool, files: files, sidecars: sidecars, override: transaction)
    builder.moduleRoot = moduleRoot
    builder.ormSettings = ormSettings
    builder.run()
    return builder.layout
  }

  // MARK: - File names

  /// True for a `.sql` file, in any case.
  package static func isSQL(_ name: String) -> Bool { FileExtension(of: name) == FileExtension("sql") }

  /// A file name's extension, lower-cased, as one number: every listed file is asked about its
  /// extension several times, and a lower-cased copy of each name cost more than the rest.
  struct FileExtension: Hashable {
    private let packed: UInt32

    /// The letters after the last dot (ASCII ones lower-cased, one byte each); nil without a
    /// dot or past three bytes.
    init?(of name: String) {
      // From the end, at most four bytes: the letters and their dot.
      let packed: UInt32? = Layouts.withBytes(name) { bytes in
        var packed: UInt32 = 0
        var shift: UInt32 = 0
        for byte in bytes.reversed() {
          if byte == UInt8(ascii: ".") { return packed }
          guard shift < 24 else { return nil }
          // ORing 0x20 lower-cases an ASCII letter; another byte becomes no letter of ours.
          packed |= UInt32(byte | 0x20) << shift
          shift += 8
        }
        return nil
      }
      guard let packed else { return nil }
      self.packed = packed
    }

    /// A lower-case extension of at most three ASCII letters.
    init(_ letters: StaticString) {
      var packed: UInt32 = 0
      letters.withUTF8Buffer { for byte in $0 { packed = packed << 8 | UInt32(byte) } }
      self.packed = packed
    }

    static let scripts: Set<FileExtension> = [
      FileExtension("js"), FileExtension("cjs"), FileExtension("mjs"), FileExtension("ts"), FileExtension("cts"),
      FileExtension("mts"),
    ]
  }

  /// `<version>_<name>[.<qualifier>…].(up|down).sql` (golang-migrate, pop).
  struct UpDownName {
    var version: String
    var name: String
    var direction: MigrationDirection
    /// Segments between the name and the direction: a dialect, `autocommit`.
    var qualifiers: [String]
  }

  /// `name.hasSuffix(suffix)` for a suffix that starts with a dot, on the bytes: a dot always
  /// starts a character, and the layouts ask this of every file.
  static func endsWith(_ name: String, _ suffix: StaticString) -> Bool {
    suffix.withUTF8Buffer { suffix in
      withBytes(name) { bytes in
        bytes.count >= suffix.count
          && suffix.indices.allSatisfy { bytes[bytes.count - suffix.count + $0] == suffix[$0] }
      }
    }
  }

  /// `body` over a name's UTF-8 bytes: layouts ask about every file's name, and walking a
  /// String's contiguous bytes costs a fraction of walking its UTF-8 view.
  static func withBytes<R>(_ name: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    name.withUTF8Bytes(body)
  }

  static func splitName(_ file: String) -> UpDownName? {
    guard endsWith(file, ".up.sql") || endsWith(file, ".down.sql") else { return nil }
    var parts = file.dropLast(4).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    guard parts.count >= 2, let direction = MigrationDirection(rawValue: parts.removeLast()) else { return nil }
    let stem = parts.removeFirst()
    let version = String(stem.prefix { $0.isASCII && $0.isNumber })
    guard !version.isEmpty else { return nil }
    var name = String(stem.dropFirst(version.count))
    if name.hasPrefix("_") { name.removeFirst() }
    return UpDownName(version: version, name: name, direction: direction, qualifiers: parts.map { $0.lowercased() })
  }

  /// Flyway: `V1_1__name.sql` → ("V", "1.1", "name"); `R__name.sql` → ("R", "", "name").
  static func flywayName(_ file: String) -> (prefix: Character, version: String, name: String)? {
    // Most names are another tool's: their first byte rules them out before any Character work.
    guard let byte = file.utf8.first, "VURB".utf8.contains(byte), file.hasSuffix(".sql"), let prefix = file.first,
      "VURB".contains(prefix),
      let separator = file.firstRange(of: "__")
    else { return nil }
    let version = file[file.index(after: file.startIndex)..<separator.lowerBound]
    let name = String(file[separator.upperBound...].dropLast(4))
    if prefix == "R" { return version.isEmpty ? ("R", "", name) : nil }
    guard !version.isEmpty, version.allSatisfy({ $0.isNumber || $0 == "." || $0 == "_" }) else { return nil }
    return (prefix, String(version).replacing("_", with: "."), name)
  }

  /// Dialects that tools encode in file names, other than PostgreSQL.
  static let otherDialects: Set<String> = ["mysql", "sqlite", "sqlite3", "cockroach", "cockroachdb", "crdb", "mssql"]
  static let postgresDialects: Set<String> = ["postgres", "postgresql", "pg"]

  /// The other database a file name marks (`x.mysql.up.sql`, `x.sqlite.sql`), if any.
  static func otherDialect(_ file: String) -> String? {
    // A dialect sits between two dots: most names have one dot, and are done here.
    let dots = withBytes(file) { bytes in bytes.reduce(0) { $1 == UInt8(ascii: ".") ? $0 + 1 : $0 } }
    guard dots >= 2 else { return nil }
    return file.lowercased().split(separator: ".").dropLast().dropFirst().map(String.init).first {
      otherDialects.contains($0)
    }
  }

  /// Leading digits of a file name and the rest after `_`: `0003_add_x.sql` → ("0003", "add_x").
  static func leadingVersion(_ file: String) -> (version: String, name: String) {
    // On the UTF-8 bytes: digits and separators are ASCII, and this runs for every file.
    let suffix = endsWith(file, ".sql") ? 4 : 0
    return withBytes(file) { bytes in
      let end = bytes.count - suffix
      var digits = 0
      while digits < end, bytes[digits] >= UInt8(ascii: "0"), bytes[digits] <= UInt8(ascii: "9") { digits += 1 }
      var rest = digits
      if rest < end, bytes[rest] == UInt8(ascii: "_") || bytes[rest] == UInt8(ascii: "-") { rest += 1 }
      return (
        String(decoding: UnsafeBufferPointer(rebasing: bytes[..<digits]), as: UTF8.self),
        String(decoding: UnsafeBufferPointer(rebasing: bytes[rest..<end]), as: UTF8.self)
      )
    }
  }

  /// Compares versions by their numeric parts (`2.1` < `10`, `0009` < `10`), then as text.
  static func versionLess(_ lhs: String, _ rhs: String) -> Bool { VersionKey(lhs) < VersionKey(rhs) }

  /// A version's numeric parts without leading zeros, computed once for sorting.
  struct VersionKey: Comparable {
    /// The version's value when it is digits only, at most 18 of them (nearly every version):
    /// then the parts are not made.
    var number: UInt64?
    var parts: [Substring]
    var text: String

    init(_ text: String) {
      self.text = text
      number = Self.number(text)
      parts = number == nil ? Self.parts(text) : []
    }

    private static func number(_ text: String) -> UInt64? {
      guard !text.isEmpty, text.utf8.count <= 18 else { return nil }
      var value: UInt64 = 0
      for byte in text.utf8 {
        guard byte >= 0x30, byte <= 0x39 else { return nil }
        value = value * 10 + UInt64(byte - 0x30)
      }
      return value
    }

    private static func parts(_ text: String) -> [Substring] {
      text.utf8.split { $0 < 0x30 || $0 > 0x39 }.map { part in
        let trimmed = part.drop { $0 == 0x30 }
        return Substring(trimmed.isEmpty ? part.suffix(1) : trimmed)
      }
    }

    static func < (lhs: VersionKey, rhs: VersionKey) -> Bool {
      if let left = lhs.number, let right = rhs.number { return left != right ? left < right : lhs.text < rhs.text }
      let (left, right) = (
        lhs.number == nil ? lhs.parts : parts(lhs.text), rhs.number == nil ? rhs.parts : parts(rhs.text)
      )
      for (a, b) in zip(left, right) where a != b {
        return a.utf8.count != b.utf8.count ? a.utf8.count < b.utf8.count : a < b
      }
      if left.count != right.count { return left.count < right.count }
      return lhs.text < rhs.text
    }
  }

  // MARK: - Bytes

  static func lowercasedASCII(_ bytes: ArraySlice<UInt8>) -> String {
    String(decoding: bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
  }
}
