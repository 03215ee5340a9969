import Synchronization

/// A file's statement indexes by the words they contain (identifiers and keywords, lower-cased,
/// quotes removed) and their node type, built on first use.
///
/// Rules look back or ahead in a script for a statement about one object (an earlier `UPDATE`
/// that copies the column being dropped, an earlier `DROP INDEX` of the index being built).
/// Testing every statement of the kind, for each statement flagged, made a file of thousands of
/// findings quadratic; the statements of the kind that name the object are usually a handful
/// (keyed by word alone, a name that every statement repeats made the search long again). Most
/// files never ask, so nothing is built for them.
package final class NameIndex: Sendable {
  private struct Key: Hashable {
    var word: String
    var node: NodeType
  }

  private let table = Mutex<[Key: [Int]]?>(nil)

  package init() {}

  /// The indexes, in order, of the statements of `file` of node type `node` holding `word`
  /// (lower-case) as an identifier or keyword: every one that can name the object, and perhaps
  /// others.
  func statements(naming word: String, ofNode node: NodeType, in file: ParsedFile) -> [Int] {
    table.withLock { table in
      if table == nil { table = Self.build(file) }
      return table?[Key(word: word, node: node)] ?? []
    }
  }

  private static func build(_ file: ParsedFile) -> [Key: [Int]] {
    var table: [Key: [Int]] = [:]
    for (index, statement) in file.statements.enumerated() {
      for tokenIndex in statement.tokens {
        let token = file.tokens[tokenIndex]
        guard token.kind == Token.Kind.identifier || token.isKeyword else { continue }
        let key = Key(word: token.name(in: file.source.bytes).lowercased(), node: statement.nodeType)
        if table[key]?.last != index { table[key, default: []].append(index) }
      }
    }
    return table
  }
}
