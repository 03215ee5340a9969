import MigLintCore
import MigLintSyntax

extension StatementContext {
  /// "CREATE INDEX", "ALTER TABLE": the statement's leading keywords, for messages.
  func headline(_ statement: Statement) -> String {
    var words: [String] = []
    for index in statement.tokens {
      let token = file.tokens[index]
      if token.isComment { continue }
      guard token.isKeyword, words.count < 3 else { break }
      words.append(file.text(token.range).uppercased())
    }
    return words.isEmpty ? statement.nodeType : words.joined(separator: " ")
  }

  /// From the statement's start to the end of keyword `word` (e.g. `CREATE INDEX`), else the statement.
  func range(_ statement: Statement, through word: String) -> SourceRange {
    guard let token = file.keyword(word, in: statement) else { return statement.range }
    return SourceRange(start: statement.range.start, end: token.end)
  }

  /// A fix inserting ` CONCURRENTLY` after the statement's `INDEX` keyword.
  func addConcurrentlyFix(_ statement: Statement) -> Fix? {
    guard let index = file.keyword("INDEX", in: statement) else { return nil }
    return Fix(
      title: "Add CONCURRENTLY", safety: .unsafe, edits: [.insert(" CONCURRENTLY", at: index.end)])
  }

  /// The first token in `range` that spells identifier `name` (unquoted or quoted).
  func identifier(_ name: String, in range: SourceRange) -> Token? {
    let tokens = file.tokens
    var low = 0
    var high = tokens.count
    while low < high {
      let mid = (low + high) / 2
      if tokens[mid].start < range.start { low = mid + 1 } else { high = mid }
    }
    for token in tokens[low...] {
      guard token.start < range.end else { break }
      let text = file.text(token.range)
      if text == "\"\(name)\"" || (!token.isComment && text.lowercased() == name) { return token }
    }
    return nil
  }

  /// The range of the token that starts at `offset`, or one byte.
  func tokenRange(at offset: Int) -> SourceRange {
    let tokens = file.tokens
    var low = 0
    var high = tokens.count
    while low < high {
      let mid = (low + high) / 2
      if tokens[mid].start < offset { low = mid + 1 } else { high = mid }
    }
    if low < tokens.count, tokens[low].start == offset { return tokens[low].range }
    return SourceRange(start: offset, end: offset + 1)
  }

  /// True when the target version is at least `major`.
  func pg(atLeast major: Int) -> Bool { pgVersion.major >= major }
}

extension QualifiedName {
  /// `users`.`email` style for a column of this table.
  func column(_ name: String) -> String { "`\(self)`.`\(name)`" }
}

/// Help shared by the rules that change or remove something running code uses.
enum ExpandContract {
  static let column =
    "Expand and contract: add the new column, write to both, backfill in batches, switch reads, then drop the old column in a later release"
}
