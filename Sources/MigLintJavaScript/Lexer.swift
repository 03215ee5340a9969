/// A JavaScript or TypeScript token: a kind and a half-open range of UTF-8 byte offsets.
package struct JSToken: Hashable, Sendable {
  package enum Kind: Hashable, Sendable {
    /// Names and keywords alike (`await`, `up`, `true`): the parser tells them apart by text.
    case identifier
    /// `#name` in a class.
    case privateName
    case punctuator
    case number
    /// `'…'` or `"…"`.
    case string
    /// A template without substitutions: `` `…` ``.
    case template
    /// `` `…${ ``, `}…${`, `` }…` ``: the literal parts of a template around its substitutions.
    case templateHead, templateMiddle, templateTail
    case regex
    case lineComment, blockComment
  }

  package var kind: Kind
  package var start: Int
  package var end: Int

  package var isComment: Bool { kind == .lineComment || kind == .blockComment }
}

/// Text the lexer could not finish, with where it starts.
package struct JSLexError: Hashable, Sendable {
  package var message: String
  package var offset: Int
}

/// Splits JavaScript or TypeScript text into tokens. It never fails: an unterminated string,
/// template, comment or regular expression ends at the end of its line (or of the text) and is
/// noted in ``errors``.
package struct JSLexer {
  package private(set) var tokens: [JSToken] = []
  package private(set) var errors: [JSLexError] = []
  private let bytes: [UInt8]
  private var index = 0
  /// Open `{` of code (false) and of a template substitution (true): a `}` closing a
  /// substitution resumes the template.
  private var braces: [Bool] = []

  package static func tokenize(_ bytes: [UInt8]) -> JSLexer {
    var lexer = JSLexer(bytes: bytes)
    lexer.run()
    return lexer
  }

  private init(bytes: [UInt8]) { self.bytes = bytes }

  private func peek(_ offset: Int = 0) -> UInt8 {
    index + offset < bytes.count ? bytes[index + offset] : 0
  }

  private mutating func run() {
    if bytes.starts(with: [0x23, 0x21]) {  // #! line
      while index < bytes.count, !isLineBreak(bytes[index]) { index += 1 }
      tokens.append(JSToken(kind: .lineComment, start: 0, end: index))
    }
    while index < bytes.count {
      let byte = bytes[index]
      let start = index
      switch byte {
      case 0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C:
        index += 1
      case 0x2F where peek(1) == 0x2F:  // //
        while index < bytes.count, !isLineBreak(bytes[index]) { index += 1 }
        tokens.append(JSToken(kind: .lineComment, start: start, end: index))
      case 0x2F where peek(1) == 0x2A:  // /*
        index += 2
        while index < bytes.count, !(bytes[index] == 0x2A && peek(1) == 0x2F) { index += 1 }
        if index < bytes.count {
          index += 2
        } else {
          errors.append(JSLexError(message: "unterminated comment", offset: start))
        }
        tokens.append(JSToken(kind: .blockComment, start: start, end: index))
      case 0x27, 0x22:
        string(quote: byte)
      case 0x60:
        index += 1
        template(start: start, first: true)
      case 0x2F where regexAllowed:
        regex()
      case 0x30...0x39:
        number()
      case 0x2E where (0x30...0x39).contains(peek(1)):
        number()
      case 0x23:
        index += 1
        while index < bytes.count, isIdentifierPart(bytes[index]) { index += 1 }
        tokens.append(JSToken(kind: .privateName, start: start, end: index))
      case 0x7B:
        braces.append(false)
        index += 1
        tokens.append(JSToken(kind: .punctuator, start: start, end: index))
      case 0x7D:
        if braces.popLast() == true {
          index += 1
          template(start: start, first: false)
        } else {
          index += 1
          tokens.append(JSToken(kind: .punctuator, start: start, end: index))
        }
      case _ where isIdentifierStart(byte):
        while index < bytes.count, isIdentifierPart(bytes[index]) { index += 1 }
        tokens.append(JSToken(kind: .identifier, start: start, end: index))
      default:
        punctuator()
      }
    }
  }

  // MARK: - Literals

  private mutating func string(quote: UInt8) {
    let start = index
    index += 1
    while index < bytes.count, bytes[index] != quote, !isLineBreak(bytes[index]) {
      // A backslash escapes the next byte, a line break included (a line continuation).
      index += bytes[index] == 0x5C ? 2 : 1
    }
    if index < bytes.count, bytes[index] == quote {
      index += 1
    } else {
      index = min(index, bytes.count)
      errors.append(JSLexError(message: "unterminated string", offset: start))
    }
    tokens.append(JSToken(kind: .string, start: start, end: index))
  }

  /// Scans a template's literal part after its `` ` `` or `}` up to `` ` `` or `${`.
  private mutating func template(start: Int, first: Bool) {
    while index < bytes.count {
      switch bytes[index] {
      case 0x5C:
        index += 2
      case 0x60:
        index += 1
        tokens.append(JSToken(kind: first ? .template : .templateTail, start: start, end: index))
        return
      case 0x24 where peek(1) == 0x7B:
        index += 2
        braces.append(true)
        tokens.append(JSToken(kind: first ? .templateHead : .templateMiddle, start: start, end: index))
        return
      default:
        index += 1
      }
    }
    index = bytes.count
    errors.append(JSLexError(message: "unterminated template literal", offset: start))
    tokens.append(JSToken(kind: first ? .template : .templateTail, start: start, end: index))
  }

  private mutating func regex() {
    let start = index
    index += 1
    var inClass = false
    while index < bytes.count, !isLineBreak(bytes[index]) {
      let byte = bytes[index]
      if byte == 0x5C {
        index += 2
        continue
      }
      if byte == 0x5B { inClass = true }
      if byte == 0x5D { inClass = false }
      if byte == 0x2F, !inClass { break }
      index += 1
    }
    if index < bytes.count, bytes[index] == 0x2F {
      index += 1
      while index < bytes.count, isIdentifierPart(bytes[index]) { index += 1 }  // flags
    } else {
      index = min(index, bytes.count)
      errors.append(JSLexError(message: "unterminated regular expression", offset: start))
    }
    tokens.append(JSToken(kind: .regex, start: start, end: index))
  }

  private mutating func number() {
    let start = index
    if bytes[index] == 0x30, [0x78, 0x58, 0x6F, 0x4F, 0x62, 0x42].contains(peek(1)) {  // 0x 0o 0b
      index += 2
      while index < bytes.count, isHexDigit(bytes[index]) || bytes[index] == 0x5F { index += 1 }
    } else {
      while index < bytes.count, isDigit(bytes[index]) || bytes[index] == 0x5F { index += 1 }
      if index < bytes.count, bytes[index] == 0x2E {
        index += 1
        while index < bytes.count, isDigit(bytes[index]) || bytes[index] == 0x5F { index += 1 }
      }
      if index < bytes.count, bytes[index] == 0x65 || bytes[index] == 0x45 {  // exponent
        let mark = index
        index += 1
        if index < bytes.count, bytes[index] == 0x2B || bytes[index] == 0x2D { index += 1 }
        if index < bytes.count, isDigit(bytes[index]) {
          while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        } else {
          index = mark
        }
      }
    }
    if index < bytes.count, bytes[index] == 0x6E { index += 1 }  // BigInt
    tokens.append(JSToken(kind: .number, start: start, end: index))
  }

  /// Punctuators of more than one byte by their first byte, longest first.
  private static let punctuators: [[[UInt8]]] = {
    let all = [
      ">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=",
      "=>", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=",
      "^=", "**", "<<", ">>",
    ].map { Array($0.utf8) }
    var table = [[[UInt8]]](repeating: [], count: 128)
    for candidate in all.sorted(by: { $0.count > $1.count }) { table[Int(candidate[0])].append(candidate) }
    return table
  }()

  private mutating func punctuator() {
    let start = index
    let candidates = bytes[index] < 128 ? Self.punctuators[Int(bytes[index])] : []
    for candidate in candidates
    where index + candidate.count <= bytes.count && bytes[index..<index + candidate.count].elementsEqual(candidate) {
      // `?.5` is a conditional and a number, not optional chaining.
      if candidate == [0x3F, 0x2E], isDigit(peek(2)) { continue }
      index += candidate.count
      tokens.append(JSToken(kind: .punctuator, start: start, end: index))
      return
    }
    // A byte outside the language (`@` is a decorator) is a one-byte punctuator.
    index += 1
    if bytes[start] >= 0x80 {
      while index < bytes.count, bytes[index] & 0xC0 == 0x80 { index += 1 }
    }
    tokens.append(JSToken(kind: .punctuator, start: start, end: index))
  }

  // MARK: - Classes of bytes

  /// A `/` starts a regular expression where an expression may start: after an operator, an
  /// opening bracket or a keyword that takes an operand; after a name, a literal or a closing
  /// bracket it divides.
  private var regexAllowed: Bool {
    guard let last = tokens.last(where: { !$0.isComment }) else { return true }
    switch last.kind {
    case .number, .string, .template, .templateTail, .regex, .privateName:
      return false
    case .identifier:
      let word = String(decoding: bytes[last.start..<last.end], as: UTF8.self)
      return Self.operandKeywords.contains(word)
    case .punctuator:
      let byte = bytes[last.start]
      return !(last.end - last.start == 1 && (byte == 0x29 || byte == 0x5D || byte == 0x7D))
    default:
      return true
    }
  }

  private static let operandKeywords: Set<String> = [
    "return", "typeof", "case", "do", "else", "in", "instanceof", "new", "delete", "void", "throw", "yield",
    "await", "of",
  ]

  private func isLineBreak(_ byte: UInt8) -> Bool { byte == 0x0A || byte == 0x0D }
  private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
  private func isHexDigit(_ byte: UInt8) -> Bool {
    isDigit(byte) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x66)
  }
  private func isIdentifierStart(_ byte: UInt8) -> Bool {
    (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == 0x24 || byte == 0x5F || byte >= 0x80 || byte == 0x5C
  }
  private func isIdentifierPart(_ byte: UInt8) -> Bool { isIdentifierStart(byte) || isDigit(byte) }
}
