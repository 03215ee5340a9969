import Synchronization

/// A file's statement indexes by the words they contain (identifiers and keywords, lower-cased,
/// quotes removed), built on first use.
///
/// Rules look back or ahead in a script for a statement about one object (an earlier `UPDATE`
/// that copies the column being dropped, an earlier `DROP INDEX` of the index being built).
/// Testing every statement of the kind, for each statement flagged, made a file of thousands of
/// findings quadratic; the statements that name the object are usually a handful. Most files
/// never ask, so nothing is built for them.
package final class NameIndex: Sendable {
  private let table = Mutex<[String: [Int]]?>(nil)

  package init() {}

  /// The indexes, in order, of the statements of `file` holding `word` (lower-case) as an
  /// identifier or keyword: every statement that can name the object, and perhaps others.
  func statements(naming word: String, in file: ParsedFile) -> [Int] {
    table.withLock { table in
      if table == nil { table = Self.build(file) }
      return table?[word] ?? []
    }
  }

  private static func build(_ file: ParsedFile) -> [String: [Int]] {
    var table: [String: [Int]] = [:]
    for (index, statement) in file.statements.enumerated() {
      for tokenIndex in statement.tokens {
        let token = file.tokens[tokenIndex]
        guard token.kind == Token.Kind.identifier || token.isKeyword else { continue }
        var bytes = file.source.bytes[token.range.start..<token.range.end]
        if bytes.first == 0x22, bytes.count >= 2 { bytes = bytes.dropFirst().dropLast() }
        let word = String(decoding: bytes, as: UTF8.self).lowercased()
        if table[word]?.last != index { table[word, default: []].append(index) }
      }
    }
    return table
  }
}
