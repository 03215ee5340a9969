import MigLintCore
import MigLintSyntax

/// goose, dbmate and sql-migrate: one file per migration, its up and down sections between
/// marker comments (`-- +goose Up`, `-- migrate:up`, `-- +migrate Up`).
protocol SectionLayout: MigrationLayout {
  /// What follows `--` in the tool's markers, lower case: `+goose `.
  var markerPrefix: String { get }
  /// The down marker as users write it, for messages.
  var downMarker: String { get }
  /// True where a file without markers or version is still a migration (dbmate).
  var keepsUnmarkedFiles: Bool { get }
  /// True where the tool orders files by name rather than by version (sql-migrate).
  var ordersByFileName: Bool { get }
  /// The transaction a section runs in when its marker does not opt out.
  func transaction(_ builder: LayoutBuilder, _ direction: MigrationDirection) -> ToolTransaction?
}

extension SectionLayout {
  var keepsUnmarkedFiles: Bool { false }
  var ordersByFileName: Bool { false }

  func isMarker(_ line: String) -> Bool {
    line.hasPrefix("-- " + markerPrefix) || line.hasPrefix("--" + markerPrefix)
  }

  func build(_ builder: inout LayoutBuilder) {
    var migrations: [Migration] = []
    for index in builder.topLevelSQL {
      let file = builder.files[index]
      let (version, name) = Layouts.leadingVersion(file.name)
      guard let bytes = file.bytes else {
        // Unreadable: still a migration, so that its version is not lost from the history.
        migrations.append(
          Migration(
            version: version.isEmpty ? file.name : version, name: name,
            up: [MigrationScript(file: index, direction: .up, transaction: nil)], down: []))
        continue
      }
      let sections = Sections(markerPrefix: markerPrefix, bytes: bytes)
      if sections.up == nil, sections.down == nil, !keepsUnmarkedFiles, version.isEmpty { continue }
      let bom = TextBytes.bomLength(bytes)
      let shift = { (range: SourceRange) in SourceRange(start: max(0, range.start - bom), end: max(0, range.end - bom))
      }
      func script(_ range: SourceRange, _ direction: MigrationDirection) -> MigrationScript {
        let optedOut = direction == .up ? sections.upWithoutTransaction : sections.downWithoutTransaction
        return MigrationScript(
          file: index, range: range, direction: direction,
          transaction: optedOut ? builder.transaction(nil) : transaction(builder, direction))
      }
      migrations.append(
        Migration(
          version: version.isEmpty ? String(file.name.dropLast(4)) : version, name: name,
          up: [script(sections.up.map(shift) ?? SourceRange(start: 0, end: bytes.count - bom), .up)],
          down: sections.down.map { [script(shift($0), .down)] } ?? []))
      builder.hasDowns = true
      if let indented = sections.indentedDown {
        builder.observe(index, .indentedDownMarker(downMarker, tool: builder.tool), at: shift(indented))
      }
    }
    let files = builder.files
    builder.migrations = migrations.sorted { left, right in
      ordersByFileName
        ? files[left.up[0].file].name < files[right.up[0].file].name : Layouts.versionLess(left.version, right.version)
    }
  }
}

/// The up and down sections of one file (byte ranges of the raw file).
struct Sections {
  var up: SourceRange?
  var down: SourceRange?
  var upWithoutTransaction = false
  var downWithoutTransaction = false
  /// A down marker indented by mistake (the tool ignores it).
  var indentedDown: SourceRange?

  init(markerPrefix prefix: String, bytes: [UInt8]) {
    var upStart: Int?
    var downStart: Int?
    var upEnd: Int?
    var fileWithoutTransaction = false
    for line in TextBytes.lines(bytes) {
      let raw = bytes[line.start..<line.end]
      let trimmed = raw.drop { $0 == 0x20 || $0 == 0x09 }
      guard trimmed.starts(with: [0x2D, 0x2D]) else { continue }  // "--"
      let text = Layouts.lowercasedASCII(trimmed.dropFirst(2)).trimmingSpaces
      guard text.hasPrefix(prefix) else { continue }
      let words = text.dropFirst(prefix.count).split(separator: " ").map(String.init)
      guard let command = words.first else { continue }
      let options = words.dropFirst()
      let noTransaction = options.contains("notransaction") || options.contains("transaction:false")
      let next = line.end + TextBytes.lineBreak(bytes, at: line.end)
      if trimmed.startIndex != raw.startIndex {
        if command == "down" { indentedDown = line }
        continue
      }
      switch command {
      case "up" where upStart == nil:
        upStart = next
        upWithoutTransaction = noTransaction
      case "down" where downStart == nil:
        downStart = next
        upEnd = line.start
        downWithoutTransaction = noTransaction
      case "no" where options.first == "transaction":
        fileWithoutTransaction = true
      default:
        break
      }
    }
    if fileWithoutTransaction {
      upWithoutTransaction = true
      downWithoutTransaction = true
    }
    if let upStart {
      let end = upEnd.map { $0 >= upStart ? $0 : bytes.count } ?? bytes.count
      up = SourceRange(start: upStart, end: end)
    }
    if let downStart {
      // A down section before the up section ends where the up marker starts.
      let end = (upStart ?? 0) > downStart ? (upStart ?? bytes.count) : bytes.count
      down = SourceRange(start: downStart, end: end)
      if let upStart, upStart > downStart, let upRange = up {
        up = SourceRange(start: upRange.start, end: bytes.count)
      }
    }
    if down != nil { indentedDown = nil }
  }
}
