import MigLintSyntax

/// A `-- miglint-ignore …` or `-- miglint-ignore-file …` comment.
package struct Suppression: Sendable {
  package enum Scope: Sendable { case nextStatement, file }

  /// One rule name in the comment.
  package struct Entry: Sendable {
    /// As written (an id or an alias).
    package var name: String
    /// Canonical id; nil when the name is unknown.
    package var id: String?
    package var range: SourceRange
  }

  package var scope: Scope
  package var entries: [Entry]
  package var reason: String?
  /// The comment.
  package var range: SourceRange

  /// Finds suppression comments among a file's comments.
  ///
  /// A comment is a suppression when, after `--`, it starts with `miglint-ignore` or
  /// `miglint-ignore-file` followed by a space or the end of the comment. A reason follows ` -- `.
  package static func parse(_ file: ParsedFile, registry: RuleRegistry) -> [Suppression] {
    var result: [Suppression] = []
    for token in file.tokens where token.kind == Token.Kind.sqlComment {
      let bytes = file.source.bytes[token.start..<token.end]
      guard let parsed = parse(comment: Array(bytes), at: token.start, registry: registry) else { continue }
      result.append(parsed)
    }
    return result
  }

  private static func parse(comment: [UInt8], at start: Int, registry: RuleRegistry) -> Suppression? {
    var index = 2  // after "--"
    skipSpaces(comment, &index)
    let directive = Array("miglint-ignore".utf8)
    guard comment.count >= index + directive.count, Array(comment[index..<index + directive.count]) == directive else {
      return nil
    }
    index += directive.count
    var scope = Scope.nextStatement
    let fileSuffix = Array("-file".utf8)
    if comment.count >= index + fileSuffix.count, Array(comment[index..<index + fileSuffix.count]) == fileSuffix {
      scope = .file
      index += fileSuffix.count
    }
    guard index == comment.count || comment[index] == 0x20 || comment[index] == 0x09 else { return nil }
    // The ids run up to " --" (the reason) or the end of the comment.
    var idsEnd = comment.count
    var reason: String?
    var search = index
    while search + 1 < comment.count {
      if comment[search] == 0x2D, comment[search + 1] == 0x2D {
        idsEnd = search
        let text = String(decoding: comment[(search + 2)...], as: UTF8.self)
        let trimmed = text.trimmingSpaces
        reason = trimmed.isEmpty ? nil : trimmed
        break
      }
      search += 1
    }
    var entries: [Entry] = []
    var cursor = index
    while cursor < idsEnd {
      let byte = comment[cursor]
      if byte == 0x20 || byte == 0x09 || byte == 0x2C {
        cursor += 1
        continue
      }
      let nameStart = cursor
      while cursor < idsEnd, comment[cursor] != 0x20, comment[cursor] != 0x09, comment[cursor] != 0x2C { cursor += 1 }
      let name = String(decoding: comment[nameStart..<cursor], as: UTF8.self)
      entries.append(
        Entry(
          name: name, id: registry.canonicalID(name), range: SourceRange(start: start + nameStart, end: start + cursor))
      )
    }
    return Suppression(
      scope: scope, entries: entries, reason: reason,
      range: SourceRange(start: start, end: start + comment.count))
  }

  private static func skipSpaces(_ bytes: [UInt8], _ index: inout Int) {
    while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
  }
}
