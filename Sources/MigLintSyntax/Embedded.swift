import CPgQuery

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// SQL inside a `DO` block or a `LANGUAGE plpgsql` function body, located in the file.
package struct EmbeddedSQL: Sendable {
  /// Each embedded statement parsed in place: offsets are the file's.
  package var fragments: [ParsedFile]
  /// `EXECUTE` of a string built at run time that contains DDL keywords: not analysed.
  package var dynamicDDL: [SourceRange]
  /// Why the body could not be read at all (PL/pgSQL rejected it, or it nests too deep): a
  /// finding on the body, never silence.
  package var unreadable: SyntaxError?
}

extension Parser {
  /// The SQL statements inside `statement` when it is a DO block or a PL/pgSQL function with a
  /// dollar-quoted body; nil otherwise (or when PL/pgSQL cannot parse the body).
  package static func embedded(in statement: Statement, of file: ParsedFile) -> EmbeddedSQL? {
    let body: FunctionBody
    switch statement.kind {
    case .doBlock(let block): body = block
    case .function(let function): body = function
    default: return nil
    }
    guard body.language == "plpgsql", let literal = body.bodyLocation, literal < file.source.bytes.count,
      file.source.bytes[literal] == 0x24,  // only dollar-quoted bodies keep the text as written
      let tagEnd = file.source.bytes[(literal + 1)...].firstIndex(of: 0x24)
    else { return nil }
    let bodyStart = tagEnd + 1
    let tag = Array(file.source.bytes[literal...tagEnd])
    let bodyEnd = file.source.bytes.firstIndex(of: tag, from: bodyStart) ?? statement.range.end
    // PL/pgSQL parses the whole statement.
    let text = Array(file.source.bytes[statement.range.start..<statement.range.end])
    let bodyRange = SourceRange(start: bodyStart, end: max(bodyStart, bodyEnd))
    var (queries, unreadable) = plpgsqlQueries(text, bodyRange: bodyRange)
    // libpg_query compiles the body without the function's output parameters, where a bare
    // `RETURN NEXT;` or `RETURN;` is valid: read such a body again with `NULL` returned there.
    if let error = unreadable, error.message.contains("missing expression"),
      hasOutputParameters(statement, file, before: literal),
      let patched = returningNull(text, body: (bodyStart - statement.range.start)..<(bodyEnd - statement.range.start))
    {
      (queries, unreadable) = plpgsqlQueries(patched, bodyRange: bodyRange)
    }
    if let unreadable { return EmbeddedSQL(fragments: [], dynamicDDL: [], unreadable: unreadable) }
    guard !queries.isEmpty else { return nil }
    var embedded = EmbeddedSQL(fragments: [], dynamicDDL: [])
    let bytes = file.source.bytes
    var searchFrom = bodyStart
    // `lineno` counts lines of the body from the line of its opening quote. Queries come in
    // order, so the line cursor moves forward only (restarting for one that goes back).
    var lineStart = bodyStart
    var line = 1
    for query in queries {
      if query.line < line {
        lineStart = bodyStart
        line = 1
      }
      while line < query.line, let newline = bytes[lineStart..<bodyEnd].firstIndex(of: 0x0A) {
        lineStart = newline + 1
        line += 1
      }
      let needle = Array(query.text.utf8)
      guard !needle.isEmpty,
        let start = bytes.firstIndex(of: needle, from: max(lineStart, searchFrom), before: bodyEnd)
          ?? bytes.firstIndex(of: needle, from: bodyStart, before: bodyEnd)
      else { continue }
      let range = SourceRange(start: start, end: start + needle.count)
      searchFrom = range.end
      if query.dynamic {
        let upper = query.text.uppercased()
        let ddl = [
          "ALTER ", "CREATE ", "DROP ", "TRUNCATE", "REINDEX", "VACUUM", "CLUSTER", "LOCK ", "GRANT ", "REVOKE ",
        ]
        if ddl.contains(where: upper.contains) { embedded.dynamicDDL.append(range) }
      } else {
        embedded.fragments.append(parseFragment(file.source, range))
      }
    }
    return embedded
  }

  /// Parses the text of `range` in place: statements and tokens carry the file's offsets.
  static func parseFragment(_ source: SourceFile, _ range: SourceRange) -> ParsedFile {
    var text = Array(source.bytes[range.start..<range.end])
    text.append(0)
    return text.withUnsafeBytes { raw in
      guard let base = raw.baseAddress else {
        return ParsedFile(source: source, tokens: [], statements: [], syntaxErrors: [])
      }
      let input = base.assumingMemoryBound(to: CChar.self)
      let tokens = (PgQuery.scan(input) ?? []).map { token in
        var shifted = token
        shifted.start += range.start
        shifted.end += range.start
        return shifted
      }
      let parsed = PgQuery.parse(input) { json in
        decodeFragment(json, bytes: source.bytes, tokens: tokens, base: range.start, length: range.length)
      }
      switch parsed {
      case .success(.statements(let statements)):
        return ParsedFile(source: source, tokens: tokens, statements: statements, syntaxErrors: [])
      case .success(.unreadable(let tooDeep)):
        return ParsedFile(
          source: source, tokens: tokens, statements: [], syntaxErrors: [Parser.unreadable(tooDeep, at: range)])
      case .failure(let failure):
        return ParsedFile(
          source: source, tokens: tokens, statements: [],
          syntaxErrors: [SyntaxError(message: failure.message, location: range.start, range: range)])
      }
    }
  }

  /// The queries PL/pgSQL finds in a CREATE FUNCTION or DO statement's text, or why it could not
  /// read the body.
  private static func plpgsqlQueries(_ statementText: [UInt8], bodyRange: SourceRange) -> (
    [(text: String, line: Int, dynamic: Bool)], SyntaxError?
  ) {
    var text = statementText
    text.append(0)
    var unreadable: SyntaxError?
    let queries: [(text: String, line: Int, dynamic: Bool)] = text.withUnsafeBytes { raw in
      guard let base = raw.baseAddress else { return [] }
      let result = pg_query_parse_plpgsql(base.assumingMemoryBound(to: CChar.self))
      defer { pg_query_free_plpgsql_parse_result(result) }
      if let error = result.error {
        let message = error.pointee.message.map { String(cString: $0) } ?? "PL/pgSQL rejected the body"
        unreadable = SyntaxError(message: "PL/pgSQL: \(message)", location: bodyRange.start, range: bodyRange)
        return []
      }
      guard let json = result.plpgsql_funcs else { return [] }
      let length = strlen(json)
      return json.withMemoryRebound(to: UInt8.self, capacity: length) { pointer in
        do throws(JSONTapeError) {
          let tape = try JSONTape(bytes: UnsafeBufferPointer(start: pointer, count: length))
          var found: [(String, Int, Bool)] = []
          collectQueries(tape, 0, into: &found)
          return found
        } catch {
          unreadable = Parser.unreadable(error == .tooDeep, at: bodyRange)
          return []
        }
      }
    }
    return (queries, unreadable)
  }

  /// True when the function declares OUT, INOUT or TABLE parameters (tokens before its body).
  private static func hasOutputParameters(_ statement: Statement, _ file: ParsedFile, before body: Int) -> Bool {
    var previous = ""
    for index in statement.tokens {
      let token = file.tokens[index]
      guard token.start < body else { break }
      let word = token.isKeyword || token.kind == Token.Kind.identifier ? file.text(token.range).uppercased() : ""
      if word == "OUT" || word == "INOUT" || (previous == "RETURNS" && word == "TABLE") { return true }
      previous = word
    }
    return false
  }

  /// `text` with `NULL` added to each bare `RETURN;` and `RETURN NEXT;` of the body at `body`
  /// (found by the scanner, so never inside a string or comment); nil when there is none.
  private static func returningNull(_ text: [UInt8], body: Range<Int>) -> [UInt8]? {
    guard body.lowerBound >= 0, body.upperBound <= text.count, body.lowerBound <= body.upperBound else { return nil }
    let bodyText = Array(text[body]) + [0]
    guard
      let tokens = bodyText.withUnsafeBytes({ raw in
        raw.baseAddress.flatMap { PgQuery.scan($0.assumingMemoryBound(to: CChar.self)) }
      })
    else { return nil }
    func word(_ token: Token) -> String {
      String(decoding: bodyText[token.start..<token.end], as: UTF8.self).uppercased()
    }
    var insertions: [Int] = []
    for (position, token) in tokens.enumerated() where token.kind == Token.Kind.semicolon && position > 0 {
      let before = word(tokens[position - 1])
      if before == "RETURN" || (before == "NEXT" && position > 1 && word(tokens[position - 2]) == "RETURN") {
        insertions.append(body.lowerBound + token.start)
      }
    }
    guard !insertions.isEmpty else { return nil }
    var patched = text
    for offset in insertions.reversed() { patched.insert(contentsOf: Array(" NULL".utf8), at: offset) }
    return patched
  }

  /// Every `PLpgSQL_stmt_execsql` query and `PLpgSQL_stmt_dynexecute` expression, in order.
  private static func collectQueries(_ tape: JSONTape, _ node: Int, into found: inout [(String, Int, Bool)]) {
    switch tape.kind(node) {
    case .object:
      for (key, value) in tape.eachMember(node) {
        // `CALL` and `DO` inside a body are `PLpgSQL_stmt_call`, with their SQL in `expr`.
        let isCall = tape.keyEquals(key, "PLpgSQL_stmt_call")
        if tape.keyEquals(key, "PLpgSQL_stmt_execsql") || tape.keyEquals(key, "PLpgSQL_stmt_dynexecute") || isCall {
          let dynamic = tape.keyEquals(key, "PLpgSQL_stmt_dynexecute")
          let member: StaticString = isCall ? "expr" : (dynamic ? "query" : "sqlstmt")
          let expression = tape.member(tape.member(value, member), "PLpgSQL_expr")
          if let query = tape.string(tape.member(expression, "query")) {
            found.append((query, tape.int(tape.member(value, "lineno")) ?? 1, dynamic))
          }
          continue
        }
        collectQueries(tape, value, into: &found)
      }
    case .array:
      for element in tape.eachElement(node) { collectQueries(tape, element, into: &found) }
    default:
      break
    }
  }

}
