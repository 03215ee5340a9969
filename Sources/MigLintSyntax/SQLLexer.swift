/// PostgreSQL's lexical rules (PostgreSQL 15's `scan.l`), giving the tokens `pg_query_scan`
/// gives: the same positions, token numbers and keyword categories, and nil where it fails.
///
/// `pg_query_scan` lexes a file twice and packs every token as protobuf, which the caller then
/// unpacks: a fifth of the work of replaying a long history went there. This reads the bytes
/// once. `SQLLexerTests` holds it to `pg_query_scan` (``PgQuery/referenceScan(_:)``), token
/// for token, on every keyword, every fixture and generated input.
///
/// Standard-conforming strings are assumed (PostgreSQL's default): a backslash escapes only in
/// `E''` strings.
package enum SQLLexer {
  /// The tokens of `text`; nil where PostgreSQL's scanner stops with an error: an unterminated
  /// string, quoted identifier, dollar quote or comment, an empty quoted identifier, junk right
  /// after a number or parameter, an operator of 64 characters or more, a bad escape in an `E''`
  /// string, or one that makes it invalid UTF-8.
  package static func tokens(_ text: UnsafeBufferPointer<UInt8>) -> [Token]? {
    var scanner = Scanner(bytes: text)
    guard scanner.run() else { return nil }
    // A parsed file keeps its tokens until it is reported: no room to spare (migrations hold
    // a token every four to six bytes, and the guess at the start may have doubled).
    return scanner.tokens.capacity - scanner.tokens.count > scanner.tokens.count / 8
      ? Array(scanner.tokens[...]) : scanner.tokens
  }
}

/// One lexical token, as libpg_query's `pg_query_scan` reports it (``SQLLexer`` reads them).
package struct Token: Hashable, Sendable {
  /// Token numbers of libpg_query's `Token` enum (`pg_query.proto`). A character that is a token
  /// of its own is its code (`;` is 59); a keyword's number is its place in ``SQLLexer/keywords``
  /// after 276.
  package enum Kind {
    package static let semicolon: Int32 = 59
    package static let openParen: Int32 = 40
    static let closeParen: Int32 = 41
    package static let comma: Int32 = 44
    package static let dot: Int32 = 46
    package static let colon: Int32 = 58
    package static let identifier: Int32 = 258
    static let unicodeIdentifier: Int32 = 259
    static let float: Int32 = 260
    package static let stringConstant: Int32 = 261
    static let unicodeString: Int32 = 262
    static let bitString: Int32 = 263
    static let hexString: Int32 = 264
    static let `operator`: Int32 = 265
    static let integer: Int32 = 266
    static let parameter: Int32 = 267
    static let typeCast: Int32 = 268
    static let dotDot: Int32 = 269
    static let colonEquals: Int32 = 270
    static let equalsGreater: Int32 = 271
    static let lessEquals: Int32 = 272
    static let greaterEquals: Int32 = 273
    static let notEquals: Int32 = 274
    package static let sqlComment: Int32 = 275
    static let cComment: Int32 = 276
  }

  // 12 bytes a token: a big file has hundreds of thousands.
  private var start32: Int32
  private var end32: Int32
  package var kind: Int32
  /// 0 = not a keyword; otherwise libpg_query's `KeywordKind`.
  var keywordKind: UInt8

  package init(start: Int, end: Int, kind: Int32, keywordKind: UInt8) {
    start32 = Int32(truncatingIfNeeded: start)
    end32 = Int32(truncatingIfNeeded: end)
    self.kind = kind
    self.keywordKind = keywordKind
  }

  package var start: Int {
    get { Int(start32) }
    set { start32 = Int32(truncatingIfNeeded: newValue) }
  }
  package var end: Int {
    get { Int(end32) }
    set { end32 = Int32(truncatingIfNeeded: newValue) }
  }

  package var range: SourceRange { SourceRange(start: start, end: end) }
  package var isComment: Bool { kind == Kind.sqlComment || kind == Kind.cComment }
  package var isKeyword: Bool { keywordKind != 0 }

  /// The name an identifier or keyword token spells in `bytes`, as PostgreSQL reads it: a quoted
  /// one's text with `""` as `"`, an unquoted one in lower case.
  package func name(in bytes: [UInt8]) -> String {
    let text = String(decoding: bytes[max(0, start)..<min(end, bytes.count)], as: UTF8.self)
    if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 {
      return String(text.dropFirst().dropLast()).replacing("\"\"", with: "\"")
    }
    return text.lowercased()
  }
}

extension Array where Element == Token {
  /// Index of the first token that starts at or after `offset` (binary search; tokens are sorted).
  package func firstIndex(startingAtOrAfter offset: Int) -> Int {
    partitioningIndex { $0.start >= offset }
  }
}

// MARK: - Character classes

/// NAMEDATALEN - 1: an operator longer than a name is an error.
private let maximumOperatorBytes = 63

/// `[ \t\n\r\f]`: a vertical tab is not space to PostgreSQL.
@inline(__always) private func isSpace(_ byte: UInt8) -> Bool {
  byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C
}

@inline(__always) private func isNewline(_ byte: UInt8) -> Bool { byte == 0x0A || byte == 0x0D }

@inline(__always) private func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

@inline(__always) private func isHexDigit(_ byte: UInt8) -> Bool {
  isDigit(byte) || (byte | 0x20) &- 0x61 < 6
}

/// `[A-Za-z\200-\377_]`: every byte of a multibyte character may start or continue a name.
@inline(__always) private func isIdentifierStart(_ byte: UInt8) -> Bool {
  (byte | 0x20) &- 0x61 < 26 || byte == 0x5F || byte >= 0x80
}

/// A name continues with digits and `$` too.
@inline(__always) private func isIdentifierPart(_ byte: UInt8) -> Bool {
  isIdentifierStart(byte) || isDigit(byte) || byte == 0x24
}

/// A dollar quote's tag: a name without `$`.
@inline(__always) private func isTagPart(_ byte: UInt8) -> Bool { isIdentifierStart(byte) || isDigit(byte) }

/// `[~!@#^&|`?+\-*/%<>=]`: characters operators are made of.
@inline(__always) private func isOperatorCharacter(_ byte: UInt8) -> Bool {
  switch byte {
  case 0x7E, 0x21, 0x40, 0x23, 0x5E, 0x26, 0x7C, 0x60, 0x3F, 0x2B, 0x2D, 0x2A, 0x2F, 0x25, 0x3C, 0x3E, 0x3D: true
  default: false
  }
}

/// `,()[].;:+-*/%^<>=`: characters that are tokens of their own.
@inline(__always) private func isSelf(_ byte: UInt8) -> Bool {
  switch byte {
  case 0x2C, 0x28, 0x29, 0x5B, 0x5D, 0x2E, 0x3B, 0x3A, 0x2B, 0x2D, 0x2A, 0x2F, 0x25, 0x5E, 0x3C, 0x3E, 0x3D: true
  default: false
  }
}

// MARK: - Scanner

private struct Scanner {
  let bytes: UnsafeBufferPointer<UInt8>
  var tokens: [Token] = []

  init(bytes: UnsafeBufferPointer<UInt8>) {
    self.bytes = bytes
    tokens.reserveCapacity(bytes.count / 4)
  }

  /// The byte at `index`, 0 past the end (a C string's terminator, which no rule accepts).
  @inline(__always) func byte(_ index: Int) -> UInt8 { index < bytes.count ? bytes[index] : 0 }

  mutating func add(_ start: Int, _ end: Int, _ kind: Int32, keyword: UInt8 = 0) {
    tokens.append(Token(start: start, end: end, kind: kind, keywordKind: keyword))
  }

  /// False where PostgreSQL's scanner reports an error.
  mutating func run() -> Bool {
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      if isSpace(byte) {
        index += 1
        continue
      }
      let next = self.byte(index + 1)
      switch byte {
      case 0x2D where next == 0x2D:  // -- comment, to the end of the line
        var end = index + 2
        while end < bytes.count, !isNewline(bytes[end]) { end += 1 }
        add(index, end, Token.Kind.sqlComment)
        index = end
      case 0x2F where next == 0x2A:  // /* comment */, nested
        guard let end = commentEnd(index) else { return false }
        add(index, end, Token.Kind.cComment)
        index = end
      case 0x27:  // 'string'
        guard let end = string(from: index + 1, escapes: false, doubledQuotes: true) else { return false }
        add(index, end, Token.Kind.stringConstant)
        index = end
      case 0x22:  // "identifier"
        guard let end = quotedIdentifier(from: index + 1) else { return false }
        add(index, end, Token.Kind.identifier)
        index = end
      case 0x24:  // $1, $tag$ … $tag$, or a lone $
        guard let end = dollar(index) else { return false }
        index = end
      case 0x2E where isDigit(next):
        guard let end = number(index) else { return false }
        index = end
      case 0x2E where next == 0x2E:
        add(index, index + 2, Token.Kind.dotDot)
        index += 2
      case 0x3A where next == 0x3A:
        add(index, index + 2, Token.Kind.typeCast)
        index += 2
      case 0x3A where next == 0x3D:
        add(index, index + 2, Token.Kind.colonEquals)
        index += 2
      case _ where isDigit(byte):
        guard let end = number(index) else { return false }
        index = end
      case _ where isOperatorCharacter(byte):
        guard let end = operatorEnd(index) else { return false }
        index = end
      case _ where isIdentifierStart(byte):
        guard let end = word(index) else { return false }
        index = end
      default:  // a character of its own (self, or any other)
        add(index, index + 1, Int32(byte))
        index += 1
      }
    }
    return true
  }

  // MARK: Comments and operators

  /// Past the `*/` that closes the comment opened at `start`; comments nest.
  func commentEnd(_ start: Int) -> Int? {
    var depth = 1
    var index = start + 2
    while index + 1 < bytes.count {
      if bytes[index] == 0x2F, bytes[index + 1] == 0x2A {
        depth += 1
        index += 2
      } else if bytes[index] == 0x2A, bytes[index + 1] == 0x2F {
        depth -= 1
        index += 2
        if depth == 0 { return index }
      } else {
        index += 1
      }
    }
    return nil
  }

  /// An operator: the longest run of operator characters, cut before a comment's start, and
  /// without trailing `+` and `-` unless it holds a character no SQL operator has (`=-` is two
  /// operators, `?-` one).
  mutating func operatorEnd(_ start: Int) -> Int? {
    var end = start + 1
    while end < bytes.count, isOperatorCharacter(bytes[end]) {
      if bytes[end - 1] == 0x2D && bytes[end] == 0x2D || bytes[end - 1] == 0x2F && bytes[end] == 0x2A {
        end -= 1
        break
      }
      end += 1
    }
    if end - start > 1, bytes[end - 1] == 0x2B || bytes[end - 1] == 0x2D {
      let nonSQL = bytes[start..<end - 1].contains { byte in
        switch byte {
        case 0x7E, 0x21, 0x40, 0x23, 0x5E, 0x26, 0x7C, 0x60, 0x3F, 0x25: true
        default: false
        }
      }
      if !nonSQL {
        repeat { end -= 1 } while end - start > 1 && (bytes[end - 1] == 0x2B || bytes[end - 1] == 0x2D)
      }
    }
    let length = end - start
    if length == 1, isSelf(bytes[start]) {
      add(start, end, Int32(bytes[start]))
      return end
    }
    if length == 2 {
      let kind: Int32? =
        switch (bytes[start], bytes[start + 1]) {
        case (0x3D, 0x3E): Token.Kind.equalsGreater  // =>
        case (0x3E, 0x3D): Token.Kind.greaterEquals  // >=
        case (0x3C, 0x3D): Token.Kind.lessEquals  // <=
        case (0x3C, 0x3E), (0x21, 0x3D): Token.Kind.notEquals  // <> !=
        default: nil
        }
      if let kind {
        add(start, end, kind)
        return end
      }
    }
    guard length <= maximumOperatorBytes else { return nil }
    add(start, end, Token.Kind.operator)
    return end
  }

  // MARK: Numbers and parameters

  /// An integer (a float when it does not fit 32 bits), a decimal or a real; a name character
  /// right after one is an error.
  mutating func number(_ start: Int) -> Int? {
    var end = start
    var value: Int64 = 0
    while end < bytes.count, isDigit(bytes[end]) {
      value = min(value * 10 + Int64(bytes[end] - 0x30), Int64(Int32.max) + 1)
      end += 1
    }
    var isInteger = true
    if byte(end) == 0x2E {
      // `1..` is the integer 1 and `..`.
      if byte(end + 1) == 0x2E, end > start {
        add(start, end, value > Int64(Int32.max) ? Token.Kind.float : Token.Kind.integer)
        return end
      }
      isInteger = false
      end += 1
      while end < bytes.count, isDigit(bytes[end]) { end += 1 }
    }
    if byte(end) | 0x20 == 0x65 {  // e, E: an exponent, or junk
      let sign = byte(end + 1) == 0x2B || byte(end + 1) == 0x2D ? 1 : 0
      guard isDigit(byte(end + 1 + sign)) else { return nil }
      isInteger = false
      end += 1 + sign
      while end < bytes.count, isDigit(bytes[end]) { end += 1 }
    }
    guard !isIdentifierStart(byte(end)) else { return nil }
    add(
      start, end, isInteger && value <= Int64(Int32.max) ? Token.Kind.integer : Token.Kind.float)
    return end
  }

  /// `$1`, a dollar-quoted string, or `$` alone.
  mutating func dollar(_ start: Int) -> Int? {
    if isDigit(byte(start + 1)) {
      var end = start + 1
      while end < bytes.count, isDigit(bytes[end]) { end += 1 }
      guard !isIdentifierStart(byte(end)) else { return nil }
      add(start, end, Token.Kind.parameter)
      return end
    }
    var tagEnd = start + 1
    if isIdentifierStart(byte(tagEnd)) {
      while tagEnd < bytes.count, isTagPart(bytes[tagEnd]) { tagEnd += 1 }
    }
    guard byte(tagEnd) == 0x24 else {
      // Not a delimiter: `$` is a character of its own, and a name follows.
      add(start, start + 1, 0x24)
      return start + 1
    }
    let delimiter = bytes[start...tagEnd]
    var index = tagEnd + 1
    while index + delimiter.count <= bytes.count {
      if bytes[index] == 0x24, bytes[index..<index + delimiter.count].elementsEqual(delimiter) {
        add(start, index + delimiter.count, Token.Kind.stringConstant)
        return index + delimiter.count
      }
      index += 1
    }
    return nil
  }

  // MARK: Names

  /// A name or keyword, or a string with a prefix: `B''`, `X''`, `E''`, `N''` (the keyword
  /// `NCHAR`, then the string), `U&''` and `U&""`.
  mutating func word(_ start: Int) -> Int? {
    let first = bytes[start] | 0x20
    let next = byte(start + 1)
    if next == 0x27 {
      switch first {
      case 0x62, 0x78:  // b'', x''
        guard let end = string(from: start + 2, escapes: false, doubledQuotes: false) else { return nil }
        add(start, end, first == 0x62 ? Token.Kind.bitString : Token.Kind.hexString)
        return end
      case 0x65:  // e''
        guard let end = string(from: start + 2, escapes: true, doubledQuotes: true) else { return nil }
        add(start, end, Token.Kind.stringConstant)
        return end
      case 0x6E:  // n'': the keyword NCHAR for the letter; the string is read next
        let (token, category) = SQLLexer.nationalCharacter
        add(start, start + 1, token, keyword: category)
        return start + 1
      default: break
      }
    }
    if first == 0x75, next == 0x26 {  // u&
      switch byte(start + 2) {
      case 0x27:
        guard let end = string(from: start + 3, escapes: false, doubledQuotes: true) else { return nil }
        // libpg_query gives this token no length (its end is the scanner's last match, empty).
        add(start, start, Token.Kind.unicodeString)
        return end
      case 0x22:
        guard let end = quotedIdentifier(from: start + 3) else { return nil }
        // Its end, likewise, is that of the closing quote's match: one byte from the start.
        add(start, start + 1, Token.Kind.unicodeIdentifier)
        return end
      default:  // `u` alone, then `&`
        add(start, start + 1, Token.Kind.identifier)
        return start + 1
      }
    }
    var end = start + 1
    while end < bytes.count, isIdentifierPart(bytes[end]) { end += 1 }
    if let (token, category) = SQLLexer.keyword(bytes[start..<end]) {
      add(start, end, token, keyword: category)
    } else {
      add(start, end, Token.Kind.identifier)
    }
    return end
  }

  /// Past the closing quote of the quoted identifier whose text starts at `start`.
  func quotedIdentifier(from start: Int) -> Int? {
    var index = start
    while index < bytes.count {
      if bytes[index] == 0x22 {
        if byte(index + 1) == 0x22 {
          index += 2
          continue
        }
        return index == start ? nil : index + 1  // `""` names nothing
      }
      index += 1
    }
    return nil
  }

  // MARK: Strings

  /// Past the last closing quote of the string whose text starts at `start`. A string goes on
  /// in the next one when only white space with a line break separates them (`'a'` newline
  /// `'b'` is `'ab'`; a comment in between ends it).
  func string(from start: Int, escapes: Bool, doubledQuotes: Bool) -> Int? {
    var escaped = EscapedString()
    var index = start
    while true {
      guard index < bytes.count else { return nil }
      let byte = bytes[index]
      if byte == 0x27 {
        if doubledQuotes, self.byte(index + 1) == 0x27 {
          if escapes { escaped.literal.append(0x27) }
          index += 2
          continue
        }
        let closed = index + 1
        if let next = continuation(after: closed) {
          index = next
          continue
        }
        guard !escapes || escaped.isValid else { return nil }
        return closed
      }
      if escapes, byte == 0x5C {
        guard let next = escaped.unescape(bytes, at: index) else { return nil }
        index = next
        continue
      }
      if escapes { escaped.literal.append(byte) }
      index += 1
    }
  }

  /// Where a string's next part starts (past its opening quote), when white space holding a
  /// line break and then a quote follow `index`.
  func continuation(after index: Int) -> Int? {
    var next = index
    while byte(next) == 0x20 || byte(next) == 0x09 || byte(next) == 0x0C { next += 1 }
    guard isNewline(byte(next)) else { return nil }
    while next < bytes.count, isSpace(bytes[next]) { next += 1 }
    return byte(next) == 0x27 ? next + 1 : nil
  }
}

/// An `E''` string's value as it is unescaped: PostgreSQL rejects one whose escapes leave it
/// invalid UTF-8 or holding a NUL.
private struct EscapedString {
  var literal: [UInt8] = []
  /// An escape gave a NUL or a byte above 127: the value must be checked.
  var mustCheck = false

  var isValid: Bool {
    !mustCheck || (!literal.contains(0) && String(validating: literal, as: UTF8.self) != nil)
  }

  /// Reads the escape at `index` (a backslash); past it, or nil where it is invalid.
  mutating func unescape(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
    guard index + 1 < bytes.count else { return nil }
    let letter = bytes[index + 1]
    switch letter {
    case 0x75, 0x55:  // \uXXXX, \UXXXXXXXX
      guard var (value, next) = unicode(bytes, at: index) else { return nil }
      if (0xD800...0xDBFF).contains(value) {
        // A UTF-16 pair: the low half must follow at once.
        guard next < bytes.count, bytes[next] == 0x5C, let (low, end) = unicode(bytes, at: next),
          (0xDC00...0xDFFF).contains(low)
        else { return nil }
        value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
        next = end
      } else if (0xDC00...0xDFFF).contains(value) {
        return nil
      }
      guard value > 0, value <= 0x10FFFF, let scalar = Unicode.Scalar(value) else { return nil }
      UTF8.encode(scalar) { literal.append($0) }
      return next
    case 0x30...0x37:  // \ooo
      var end = index + 1
      var value: UInt32 = 0
      while end < bytes.count, end < index + 4, (0x30...0x37).contains(bytes[end]) {
        value = value * 8 + UInt32(bytes[end] - 0x30)
        end += 1
      }
      append(UInt8(truncatingIfNeeded: value))
      return end
    case 0x78 where index + 2 < bytes.count && isHexDigit(bytes[index + 2]):  // \xhh
      var end = index + 2
      var value: UInt8 = 0
      while end < bytes.count, end < index + 4, isHexDigit(bytes[end]) {
        value = value * 16 + hexValue(bytes[end])
        end += 1
      }
      append(value)
      return end
    default:
      let value: UInt8 =
        switch letter {
        case 0x62: 0x08  // \b
        case 0x66: 0x0C  // \f
        case 0x6E: 0x0A  // \n
        case 0x72: 0x0D  // \r
        case 0x74: 0x09  // \t
        default: letter
        }
      append(value)
      return index + 2
    }
  }

  private mutating func append(_ byte: UInt8) {
    if byte == 0 || byte >= 0x80 { mustCheck = true }
    literal.append(byte)
  }

  /// The value of `\u` and four hex digits or `\U` and eight at `index`, and where it ends.
  private func unicode(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (UInt32, Int)? {
    guard index + 1 < bytes.count else { return nil }
    let digits: Int
    switch bytes[index + 1] {
    case 0x75: digits = 4
    case 0x55: digits = 8
    default: return nil
    }
    var value: UInt32 = 0
    for offset in 0..<digits {
      let position = index + 2 + offset
      guard position < bytes.count, isHexDigit(bytes[position]) else { return nil }
      value = value << 4 | UInt32(hexValue(bytes[position]))
    }
    return (value, index + 2 + digits)
  }

  private func hexValue(_ byte: UInt8) -> UInt8 { isDigit(byte) ? byte - 0x30 : (byte | 0x20) - 0x61 + 10 }
}

// MARK: - Keywords

extension SQLLexer {
  /// The token number and category of the keyword `bytes` spells (letters in any case).
  static func keyword(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> (Int32, UInt8)? {
    guard let key = KeywordKey(bytes) else { return nil }
    return keywordTable.find(key)
  }

  /// `NCHAR`, which `N''` starts with.
  static let nationalCharacter: (Int32, UInt8) =
    ("nchar" as StaticString).withUTF8Buffer { keyword($0[...]) } ?? (Token.Kind.identifier, 0)

  private static let keywordTable = KeywordTable()
}

/// A name of at most 24 bytes, ASCII letters lower-cased, as three words: the longest keyword
/// has 17 bytes.
private struct KeywordKey: Equatable {
  var words: (UInt64, UInt64, UInt64) = (0, 0, 0)

  /// Nil for a name no keyword can be: longer, or with other than letters and `_`.
  init?(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) {
    guard bytes.count <= 24 else { return nil }
    var offset = 0
    for byte in bytes {
      let lowered = byte | 0x20
      guard lowered &- 0x61 < 26 || byte == 0x5F else { return nil }
      let shifted = UInt64(byte == 0x5F ? byte : lowered) << UInt64((offset & 7) * 8)
      switch offset >> 3 {
      case 0: words.0 |= shifted
      case 1: words.1 |= shifted
      default: words.2 |= shifted
      }
      offset += 1
    }
  }

  static func == (lhs: KeywordKey, rhs: KeywordKey) -> Bool { lhs.words == rhs.words }

  var slot: Int {
    let mixed =
      (words.0 &* 0x9E37_79B9_7F4A_7C15) ^ (words.1 &* 0xC2B2_AE3D_27D4_EB4F) ^ (words.2 &* 0x1656_67B1_9E37_79F9)
    return Int(truncatingIfNeeded: mixed >> 54)  // 1,024 slots for 460 keywords
  }
}

/// Keywords by ``KeywordKey``, open addressing: a name is looked up in a few instructions.
private struct KeywordTable: Sendable {
  private var keys: [KeywordKey?] = Array(repeating: nil, count: 1024)
  private var values: [(Int32, UInt8)] = Array(repeating: (0, 0), count: 1024)

  init() {
    for (index, entry) in SQLLexer.keywords.enumerated() {
      guard let key = entry.word.withUTF8Buffer({ KeywordKey($0[...]) }) else { continue }
      var slot = key.slot
      while keys[slot] != nil { slot = (slot + 1) & 1023 }
      keys[slot] = key
      values[slot] = (SQLLexer.firstKeywordToken + Int32(index), entry.category.rawValue)
    }
  }

  func find(_ key: KeywordKey) -> (Int32, UInt8)? {
    var slot = key.slot
    while let candidate = keys[slot] {
      if candidate == key { return values[slot] }
      slot = (slot + 1) & 1023
    }
    return nil
  }
}
