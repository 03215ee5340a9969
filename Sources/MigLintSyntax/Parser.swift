/// A statement the PostgreSQL grammar rejected.
package struct SyntaxError: Error, Hashable, Sendable {
  /// PostgreSQL's message (`syntax error at or near "SELEC"`).
  package var message: String
  /// Byte offset PostgreSQL pointed at.
  package var location: Int
  /// The rejected statement, from its first token to its end (without the `;`).
  package var range: SourceRange
  /// PostgreSQL's grammar accepted it, but miglint could not analyse it (a parse tree nested
  /// too deep): a warning, not an error.
  package var notAnalysed = false
}

/// What libpg_query's JSON for a text turned into.
enum Decoded {
  case statements([Statement])
  /// Malformed JSON, or a tree nested too deep to read (`tooDeep`).
  case unreadable(tooDeep: Bool)
}

/// A file split into typed statements, syntax errors and comments.
package struct ParsedFile: Sendable {
  package let source: SourceFile
  /// Every token of the file, comments included; empty when the scanner itself failed.
  package let tokens: [Token]
  package let statements: [Statement]
  package let syntaxErrors: [SyntaxError]
  /// psql-only text and template placeholders set aside before parsing.
  package var skipped: [SkippedRegion] = []
  /// Statements with template placeholders that still did not parse (not syntax errors).
  package var templatedErrors: [SyntaxError] = []
  /// Identifier substituted for each placeholder → the placeholder as written.
  package var substitutions: [String: String] = [:]
  /// The SQL inside DO blocks and PL/pgSQL bodies, by statement index, when parsed ahead
  /// (``Parser/parsingEmbedded(_:)``); nil when it is parsed on demand.
  package var embedded: [Int: EmbeddedSQL]?
  /// Statement indexes by libpg_query node type ("InsertStmt"), in order: a rule looking back or
  /// ahead for one kind of statement reads these instead of scanning every statement (one scan
  /// per statement would make a file of thousands quadratic).
  package let indexesByNode: [NodeType: [Int]]
  /// Statement indexes by the words they contain, built when a rule first asks.
  let names = NameIndex()

  package init(source: SourceFile, tokens: [Token], statements: [Statement], syntaxErrors: [SyntaxError]) {
    self.source = source
    self.tokens = tokens
    self.statements = statements
    self.syntaxErrors = syntaxErrors
    var byNode: [NodeType: [Int]] = [:]
    for (index, statement) in statements.enumerated() { byNode[statement.nodeType, default: []].append(index) }
    indexesByNode = byNode
  }

  /// The SQL inside the DO block or PL/pgSQL body of statement `index`: parsed ahead when
  /// ``embedded`` is set (an absent entry means none, or not wanted), else parsed now.
  package func embeddedSQL(at index: Int) -> EmbeddedSQL? {
    if let embedded { return embedded[index] }
    return Parser.embedded(in: statements[index], of: self)
  }

  /// The indexes, in order, of the statements of node type `node` that hold `word` (lower-case)
  /// as an identifier or keyword: a superset of those that name the object `word`.
  package func statementIndexes(naming word: String, ofNode node: NodeType) -> [Int] {
    names.statements(naming: word, ofNode: node, in: self)
  }

  /// The comment tokens, in order.
  package var comments: [Token] { tokens.filter(\.isComment) }

  /// Text of a token or range.
  package func text(_ range: SourceRange) -> String { source.text(of: range) }

  /// The first token of `statement` that is keyword `word` (upper case), if any.
  package func keyword(_ word: String, in statement: Statement) -> Token? {
    statement.tokens.lazy.map { self.tokens[$0] }.first { token in
      token.isKeyword && source.text(of: token.range).uppercased() == word
    }
  }
}

/// Parses SQL files with libpg_query, recovering from syntax errors statement by statement.
package enum Parser {
  /// Parses a whole file.
  ///
  /// The fast path parses the file in one call. When the grammar rejects it, the file is split at
  /// `;` tokens at parenthesis depth 0 (the scanner knows strings, dollar quotes and comments) and
  /// each piece is parsed alone: the pieces that fail become ``SyntaxError``s, the rest are linted.
  ///
  /// A file longer than twice `chunkBytes` is parsed a run of statements at a time (split after a
  /// `;` at parenthesis depth 0 once a run is that long): one call's parse tree, as JSON, is many
  /// times its text, and read back while it is still in the caches a 10 MB file takes a twentieth
  /// less time. When a run does not parse alone (a `;` inside `BEGIN ATOMIC … END`), the file is
  /// parsed whole.
  package static func parse(_ source: SourceFile, chunkBytes: Int = 1 << 18) -> ParsedFile {
    guard let preprocessed = Preprocessor.run(source) else {
      let bytes = Preprocessor.flatteningDeepComments(source.bytes) ?? source.bytes
      return withCString(bytes[...]) { parse(source, bytes, $0, chunkBytes: chunkBytes) }
    }
    let bytes = Preprocessor.flatteningDeepComments(preprocessed.bytes) ?? preprocessed.bytes
    var file = withCString(bytes[...]) { parse(source, bytes, $0, chunkBytes: chunkBytes) }
    file.skipped = preprocessed.skipped
    file.substitutions = preprocessed.substitutions
    // A statement with a placeholder that does not parse is the template's, not a syntax error.
    // Placeholders are in file order: a binary search finds the first that could overlap.
    let placeholders = preprocessed.skipped.filter { $0.kind == .templatePlaceholder }.map(\.range)
    let templated = file.syntaxErrors.filter { error in
      let first = placeholders.partitioningIndex { $0.end > error.range.start }
      return first < placeholders.count && placeholders[first].start < error.range.end
    }
    if !templated.isEmpty {
      let templatedSet = Set(templated)
      var kept = ParsedFile(
        source: file.source, tokens: file.tokens, statements: file.statements,
        syntaxErrors: file.syntaxErrors.filter { !templatedSet.contains($0) })
      kept.skipped = file.skipped
      kept.templatedErrors = templated
      kept.substitutions = file.substitutions
      kept.embedded = file.embedded
      file = kept
    }
    return file
  }

  /// Parses a whole file and the SQL inside its DO blocks and function bodies, so that a thread
  /// that lints files in order does not have to. Without `functionBodies` only DO blocks are
  /// parsed (they change the schema; a function body matters only to rules).
  package static func parsingEmbedded(_ source: SourceFile, functionBodies: Bool = true) -> ParsedFile {
    var file = parse(source)
    var embedded: [Int: EmbeddedSQL] = [:]
    for index in file.statements.indices {
      if !functionBodies, case .function = file.statements[index].kind { continue }
      if let sql = Parser.embedded(in: file.statements[index], of: file) { embedded[index] = sql }
    }
    file.embedded = embedded
    return file
  }

  /// Calls `body` with `bytes` as a NUL-terminated C string (the bytes hold no NUL: SourceFile checks).
  private static func withCString<T>(_ bytes: ArraySlice<UInt8>, _ body: (UnsafePointer<CChar>) -> T) -> T {
    var cString = Array(bytes)
    cString.append(0)
    return cString.withUnsafeBytes { raw in
      body((raw.baseAddress ?? UnsafeRawPointer(("" as StaticString).utf8Start)).assumingMemoryBound(to: CChar.self))
    }
  }

  /// Parses `bytes` (the file's text, or its preprocessed copy of the same length).
  private static func parse(
    _ source: SourceFile, _ bytes: [UInt8], _ input: UnsafePointer<CChar>, chunkBytes: Int
  ) -> ParsedFile {
    let tokens = PgQuery.scan(input) ?? []
    let whole =
      inChunks(bytes, tokens: tokens, chunkBytes: chunkBytes).map { .success(.statements($0)) }
      ?? PgQuery.parse(input) { json in
        decodeStatements(json, bytes: bytes, tokens: tokens, base: 0, length: bytes.count)
      }
    let markers = sectionMarkers(tokens, bytes)
    switch whole {
    case .success(.statements(let statements)) where !markers.contains(where: { inside(statements, $0) }):
      return ParsedFile(source: source, tokens: tokens, statements: statements, syntaxErrors: [])
    default:
      return recover(source, bytes, tokens: tokens, markers: markers)
    }
  }

  /// The statements of `bytes` parsed a run of about `chunkBytes` at a time; nil for a file too
  /// short to split, or when a run does not parse alone. A run starts right after a `;`, where
  /// the whole file's parse starts the next statement too: locations are the same.
  private static func inChunks(_ bytes: [UInt8], tokens: [Token], chunkBytes: Int) -> [Statement]? {
    guard bytes.count > 2 * chunkBytes, !tokens.isEmpty else { return nil }
    var bounds: [Int] = [0]
    var depth = 0
    for token in tokens {
      switch token.kind {
      case Token.Kind.openParen: depth += 1
      case Token.Kind.closeParen: depth = max(0, depth - 1)
      case Token.Kind.semicolon where depth == 0 && token.end - bounds[bounds.count - 1] >= chunkBytes:
        bounds.append(token.end)
      default: break
      }
    }
    guard bounds.count > 1 else { return nil }
    bounds.append(bytes.count)
    var statements: [Statement] = []
    for (start, end) in zip(bounds, bounds.dropFirst()) where start < end {
      let result = withCString(bytes[start..<end]) { input in
        PgQuery.parse(input) { json in
          decodeStatements(json, bytes: bytes, tokens: tokens, base: start, length: end - start)
        }
      }
      guard case .success(.statements(let parsed)) = result else { return nil }
      statements += parsed
    }
    return statements
  }

  /// Offsets of the comments that mark a migration tool's sections or statements
  /// (`-- migrate:up`, `-- +goose Down`, `-- +goose StatementEnd`, `-- +migrate Up`): the tool
  /// sends the text on each side separately, so a statement ends there even without a `;`.
  static func sectionMarkers(_ tokens: [Token], _ bytes: [UInt8]) -> [Int] {
    var markers: [Int] = []
    for token in tokens where token.kind == Token.Kind.sqlComment {
      var index = token.start + 2
      while index < token.end, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
      var word: [UInt8] = []
      while index < token.end, bytes[index] != 0x20, bytes[index] != 0x09, bytes[index] != 0x0D {
        word.append(bytes[index] | (bytes[index] >= 0x41 && bytes[index] <= 0x5A ? 0x20 : 0))
        index += 1
      }
      switch String(decoding: word, as: UTF8.self) {
      case "migrate:up", "migrate:down":
        markers.append(token.start)
      case "+goose", "+migrate":
        while index < token.end, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
        let rest = String(decoding: bytes[index..<token.end], as: UTF8.self).lowercased()
        if ["up", "down", "statementbegin", "statementend"].contains(where: { rest.hasPrefix($0) }) {
          markers.append(token.start)
        }
      default:
        break
      }
    }
    return markers
  }

  /// True when `offset` falls inside one of `statements` (sorted by position).
  private static func inside(_ statements: [Statement], _ offset: Int) -> Bool {
    let first = statements.partitioningIndex { $0.range.end > offset }
    return first < statements.count && statements[first].range.start < offset
  }

  /// Parses each piece between top-level `;` tokens and section markers alone.
  private static func recover(_ source: SourceFile, _ bytes: [UInt8], tokens: [Token], markers: [Int]) -> ParsedFile {
    var statements: [Statement] = []
    var errors: [SyntaxError] = []
    for piece in pieces(tokens: tokens, length: bytes.count, markers: markers) {
      switch parsePiece(piece, bytes, tokens) {
      case .success(let parsed):
        statements += parsed
      case .failure(let error):
        if let created = createdTable(in: piece, bytes, tokens) { statements.append(created) }
        // An unbalanced `(` hides the `;` after it: split at every `;` and try each part, so that
        // the statements after the broken one are still linted.
        let parts = pieces(tokens: tokens, length: bytes.count, within: piece, ignoringDepth: true, markers: markers)
        guard parts.count > 1 else {
          errors.append(error)
          continue
        }
        for part in parts {
          switch parsePiece(part, bytes, tokens) {
          case .success(let parsed): statements += parsed
          case .failure(let error): errors.append(error)
          }
        }
      }
    }
    return ParsedFile(source: source, tokens: tokens, statements: statements, syntaxErrors: errors)
  }

  private static func parsePiece(_ piece: SourceRange, _ bytes: [UInt8], _ tokens: [Token])
    -> Result<[Statement], SyntaxError>
  {
    let result = withCString(bytes[piece.start..<piece.end]) { input in
      PgQuery.parse(input) { json in
        decodeStatements(json, bytes: bytes, tokens: tokens, base: piece.start, length: piece.length)
      }
    }
    switch result {
    case .success(.statements(let parsed)):
      return .success(parsed)
    case .success(.unreadable(let tooDeep)):
      return .failure(unreadable(tooDeep, at: piece))
    case .failure(let failure):
      let offset = byteOffset(ofCharacter: failure.cursorPosition - 1, in: bytes, from: piece.start)
      return .failure(
        SyntaxError(message: failure.message, location: min(offset, max(piece.start, piece.end - 1)), range: piece))
    }
  }

  /// A `CREATE TABLE name …` that the grammar rejected (syntax of a newer server, a template in
  /// its body), as a table without known columns: what follows in the migration is about a new
  /// table, not an old busy one.
  private static func createdTable(in piece: SourceRange, _ bytes: [UInt8], _ tokens: [Token]) -> Statement? {
    var index = tokens.firstIndex(startingAtOrAfter: piece.start)
    var end = index
    while end < tokens.count, tokens[end].start < piece.end { end += 1 }
    func word() -> String? {
      guard index < end, tokens[index].isKeyword else { return nil }
      return String(decoding: bytes[tokens[index].start..<tokens[index].end], as: UTF8.self).uppercased()
    }
    func skip(_ words: Set<String>) -> Bool {
      guard let word = word(), words.contains(word) else { return false }
      index += 1
      return true
    }
    guard skip(["CREATE"]) else { return nil }
    _ = skip(["GLOBAL", "LOCAL"])
    let temporary = skip(["TEMP", "TEMPORARY"])
    _ = skip(["UNLOGGED"])
    guard skip(["TABLE"]) else { return nil }
    let ifNotExists = skip(["IF"]) && skip(["NOT"]) && skip(["EXISTS"])
    func name() -> String? {
      guard index < end, tokens[index].kind == Token.Kind.identifier || tokens[index].isKeyword else { return nil }
      index += 1
      return tokens[index - 1].name(in: bytes)
    }
    guard var table = name() else { return nil }
    var schema: String?
    if index < end, tokens[index].kind == Token.Kind.dot {
      index += 1
      schema = table
      guard let qualified = name() else { return nil }
      table = qualified
    }
    let start = tokens.firstIndex(startingAtOrAfter: piece.start)
    var statement = Statement(
      kind: .createTable(
        CreateTable(
          name: QualifiedName(schema: schema, name: table), columns: [], constraints: [], ifNotExists: ifNotExists,
          isTemporary: temporary)), nodeType: .createStmt, range: piece, tokens: start..<end)
    statement.isRecovered = true
    return statement
  }

  /// Byte ranges of the statements between top-level `;` tokens, each from its first non-comment
  /// token to its `;` (or its last token). Without tokens (the scanner failed), the whole file is one piece.
  package static func pieces(
    tokens: [Token], length: Int, within bounds: SourceRange? = nil, ignoringDepth: Bool = false, markers: [Int] = []
  ) -> [SourceRange] {
    guard !tokens.isEmpty else {
      return length > 0 ? [bounds ?? SourceRange(start: 0, end: length)] : []
    }
    var result: [SourceRange] = []
    var depth = 0
    var start: Int?
    var end = 0
    var nextMarker = 0
    for token in tokens {
      if let bounds, token.start < bounds.start || token.end > bounds.end { continue }
      if token.isComment {
        // A section marker ends the piece before it, whatever the parentheses say.
        while nextMarker < markers.count, markers[nextMarker] < token.start { nextMarker += 1 }
        if nextMarker < markers.count, markers[nextMarker] == token.start, let open = start {
          result.append(SourceRange(start: open, end: end))
          start = nil
          depth = 0
        }
        continue
      }
      if token.kind == Token.Kind.semicolon, depth == 0 || ignoringDepth {
        // The `;` belongs to the piece: an error "at or near ;" then points at it.
        if let start { result.append(SourceRange(start: start, end: token.end)) }
        start = nil
        continue
      }
      if token.kind == Token.Kind.openParen { depth += 1 }
      if token.kind == Token.Kind.closeParen { depth = max(0, depth - 1) }
      if start == nil { start = token.start }
      end = token.end
    }
    if let start { result.append(SourceRange(start: start, end: end)) }
    return result
  }

  /// `decodeStatements` for `Embedded.swift`.
  static func decodeFragment(
    _ json: UnsafeBufferPointer<UInt8>, bytes: [UInt8], tokens: [Token], base: Int, length: Int
  ) -> Decoded {
    decodeStatements(json, bytes: bytes, tokens: tokens, base: base, length: length)
  }

  /// The syntax error for a text whose parse tree could not be read.
  static func unreadable(_ tooDeep: Bool, at range: SourceRange) -> SyntaxError {
    tooDeep
      ? SyntaxError(
        message: "the statement nests deeper than \(JSONTape.maximumDepth) levels: miglint could not analyse it",
        location: range.start, range: range, notAnalysed: true)
      : SyntaxError(message: "libpg_query returned malformed JSON", location: range.start, range: range)
  }

  /// Turns libpg_query's JSON for a text at `base` into statements.
  private static func decodeStatements(
    _ json: UnsafeBufferPointer<UInt8>, bytes: [UInt8], tokens: [Token], base: Int, length: Int
  ) -> Decoded {
    let tape: JSONTape
    do throws(JSONTapeError) {
      tape = try JSONTape(bytes: json)
    } catch {
      return .unreadable(tooDeep: error == .tooDeep)
    }
    let decoder = StatementDecoder(tape: tape, base: base, tokens: tokens)
    var statements: [Statement] = []
    for element in tape.eachElement(tape.member(0, "stmts")) {
      let location = base + (tape.int(tape.member(element, "stmt_location")) ?? 0)
      let declaredLength = tape.int(tape.member(element, "stmt_len")) ?? 0
      let end = declaredLength == 0 ? base + length : location + declaredLength
      let tokenRange = tokenIndexes(tokens, from: location, to: end)
      let range: SourceRange
      if tokenRange.isEmpty {
        range = SourceRange(start: skipTrivia(bytes, from: location, to: end), end: end)
      } else {
        range = SourceRange(start: tokens[tokenRange.lowerBound].start, end: tokens[tokenRange.upperBound - 1].end)
      }
      guard let stmt = tape.member(element, "stmt") else { continue }
      statements.append(decoder.decode(stmt, range: range, tokenRange: tokenRange))
    }
    return .statements(statements)
  }

  /// Indexes of the non-comment-bounded tokens that start in `[from, to)`: the range starts at the
  /// first non-comment token and ends after the last one.
  private static func tokenIndexes(_ tokens: [Token], from: Int, to: Int) -> Range<Int> {
    var first = tokens.firstIndex(startingAtOrAfter: from)
    while first < tokens.count, tokens[first].start < to, tokens[first].isComment { first += 1 }
    var last = first
    var index = first
    while index < tokens.count, tokens[index].start < to {
      if !tokens[index].isComment, tokens[index].kind != Token.Kind.semicolon { last = index + 1 }
      index += 1
    }
    return first < last ? first..<last : first..<first
  }

  /// Skips whitespace and comments (nested block comments too); used only when the scanner failed.
  private static func skipTrivia(_ bytes: [UInt8], from: Int, to: Int) -> Int {
    var index = from
    while index < to {
      let byte = bytes[index]
      if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C {
        index += 1
      } else if byte == 0x2D, index + 1 < to, bytes[index + 1] == 0x2D {
        while index < to, bytes[index] != 0x0A { index += 1 }
      } else if byte == 0x2F, index + 1 < to, bytes[index + 1] == 0x2A {
        var depth = 0
        repeat {
          if bytes[index] == 0x2F, index + 1 < to, bytes[index + 1] == 0x2A {
            depth += 1
            index += 2
          } else if bytes[index] == 0x2A, index + 1 < to, bytes[index + 1] == 0x2F {
            depth -= 1
            index += 2
          } else {
            index += 1
          }
        } while depth > 0 && index < to
      } else {
        break
      }
    }
    return min(index, to)
  }

  /// PostgreSQL's error cursor counts characters; this converts it to a byte offset.
  private static func byteOffset(ofCharacter character: Int, in bytes: [UInt8], from start: Int) -> Int {
    var remaining = max(0, character)
    var index = start
    while index < bytes.count, remaining > 0 {
      index += 1
      while index < bytes.count, bytes[index] & 0xC0 == 0x80 { index += 1 }
      remaining -= 1
    }
    return index
  }
}
