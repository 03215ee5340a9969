import MigLintJavaScript
import MigLintSyntax

/// Values bound into SQL text the way the ORMs do it before sending: positional `?` (Knex,
/// Sequelize `replacements` lists), named `:name` (Sequelize `replacements`, Knex), and Knex's
/// identifiers `??` and `:name:`. A value that is not known becomes a parameter (`$1`), which
/// PostgreSQL's grammar takes; each replacement stands for the text it replaces.
enum Bindings {
  static func bind(_ sql: JSString, _ bindings: Value, identifiers: Bool) -> JSString {
    var parameters = 0
    func literal(_ value: Value) -> String {
      if let text = SQLText.literal(value) { return text }
      parameters += 1
      return "$\(parameters)"
    }
    switch bindings {
    case .object(let object):
      return substituting(sql, marker: 0x3A) { text, index in
        // `:name`, not `::type` and not the second colon of one.
        guard index + 1 < text.count, isNameByte(text[index + 1], first: true), index == 0 || text[index - 1] != 0x3A
        else { return nil }
        var end = index + 1
        while end < text.count, isNameByte(text[end], first: false) { end += 1 }
        guard let value = object[String(decoding: text[(index + 1)..<end], as: UTF8.self)] else { return nil }
        if identifiers, end < text.count, text[end] == 0x3A {
          return (end + 1 - index, value.text.map(SQLText.qualified) ?? literal(value))
        }
        return (end - index, literal(value))
      }
    case .undefined, .null:
      return sql
    default:
      let values = bindings.array ?? [bindings]
      var next = 0
      return substituting(sql, marker: 0x3F) { text, index in
        if index > 0, text[index - 1] == 0x5C { return nil }  // `\?` is a question mark
        let value = next < values.count ? values[next] : .unknown("a binding")
        next += 1
        if identifiers, index + 1 < text.count, text[index + 1] == 0x3F {
          return (2, value.text.map(SQLText.qualified) ?? "\"?\"")
        }
        return (1, literal(value))
      }
    }
  }

  /// Replaces, in the pieces of `sql` written in the file or known, each span that `match`
  /// finds at a `marker` byte (its length, and what to put in its place).
  private static func substituting(
    _ sql: JSString, marker: UInt8, _ match: ([UInt8], Int) -> (length: Int, replacement: String)?
  ) -> JSString {
    var pieces: [JSString.Piece] = []
    for piece in sql.pieces {
      guard piece.placeholder == nil, piece.text.contains(marker) else {
        pieces.append(piece)
        continue
      }
      let text = piece.text
      func offset(_ position: Int) -> Int { piece.verbatim ? piece.source.start + position : piece.source.start }
      func keep(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        pieces.append(
          JSString.Piece(
            text: Array(text[range]),
            source: SourceRange(start: offset(range.lowerBound), end: offset(range.upperBound)),
            verbatim: piece.verbatim))
      }
      var runStart = 0
      var index = 0
      while index < text.count {
        guard text[index] == marker, let (length, replacement) = match(text, index) else {
          index += 1
          continue
        }
        keep(runStart..<index)
        pieces.append(
          JSString.Piece(
            text: Array(replacement.utf8), source: SourceRange(start: offset(index), end: offset(index + length)),
            verbatim: false))
        index += length
        runStart = index
      }
      keep(runStart..<text.count)
    }
    return JSString(pieces: pieces)
  }

  private static func isNameByte(_ byte: UInt8, first: Bool) -> Bool {
    (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == 0x5F || (!first && byte >= 0x30 && byte <= 0x39)
  }
}
