import CPgQuery

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension Array where Element == UInt8 {
  /// Offset of the first occurrence of `needle` that starts in `from..<` and ends by `end`.
  package func firstIndex(of needle: [UInt8], from start: Int, before end: Int? = nil) -> Int? {
    let limit = Swift.min(end ?? count, count)
    guard let first = needle.first, start >= 0 else { return nil }
    var index = start
    while index + needle.count <= limit {
      if self[index] == first, self[index..<index + needle.count].elementsEqual(needle) { return index }
      index += 1
    }
    return nil
  }
}

/// What `pg_query_parse` said about an input that the grammar rejects.
package struct PgQueryFailure: Error, Sendable {
  package var message: String
  /// 1-based character (not byte) position, 0 when PostgreSQL gave none.
  var cursorPosition: Int
}

/// The thin, only layer over libpg_query's C API. Every result is freed before returning.
package enum PgQuery {
  /// Grammar version of the linked library, for messages.
  package static let grammarVersion = "PostgreSQL \(PG_MAJORVERSION)"
  /// Major version of the linked grammar: a target version above it may accept statements the
  /// parser rejects.
  package static let grammarMajor = Int(PG_MAJORVERSION) ?? 15

  /// Parses NUL-terminated UTF-8 `input` and hands the JSON parse tree to `body`.
  ///
  /// - Returns: what `body` returns, or the parser's failure.
  package static func parse<T>(
    _ input: UnsafePointer<CChar>, _ body: (UnsafeBufferPointer<UInt8>) -> T
  ) -> Result<T, PgQueryFailure> {
    let result = pg_query_parse(input)
    defer { pg_query_free_parse_result(result) }
    if let error = result.error {
      let message = error.pointee.message.map { String(cString: $0) } ?? "syntax error"
      return .failure(PgQueryFailure(message: message, cursorPosition: Int(error.pointee.cursorpos)))
    }
    guard let tree = result.parse_tree else {
      return .failure(PgQueryFailure(message: "libpg_query returned no parse tree", cursorPosition: 0))
    }
    let length = strlen(tree)
    return tree.withMemoryRebound(to: UInt8.self, capacity: length) { pointer in
      .success(body(UnsafeBufferPointer(start: pointer, count: length)))
    }
  }

  /// Lexes NUL-terminated `input`; nil when the scanner fails (e.g. an unterminated string).
  /// ``SQLLexer`` reads it; what libpg_query's scanner gives is ``referenceScan(_:)``.
  package static func scan(_ input: UnsafePointer<CChar>) -> [Token]? {
    input.withMemoryRebound(to: UInt8.self, capacity: 1) { bytes in
      SQLLexer.tokens(UnsafeBufferPointer(start: bytes, count: strlen(input)))
    }
  }

  /// `pg_query_scan`'s tokens for NUL-terminated `input`: what ``SQLLexer`` is tested against.
  package static func referenceScan(_ input: UnsafePointer<CChar>) -> [Token]? {
    let result = pg_query_scan(input)
    defer { pg_query_free_scan_result(result) }
    if result.error != nil { return nil }
    guard let data = result.pbuf.data else { return [] }
    return data.withMemoryRebound(to: UInt8.self, capacity: Int(result.pbuf.len)) { pointer in
      decodeScanResult(UnsafeBufferPointer(start: pointer, count: Int(result.pbuf.len)))
    }
  }

  // MARK: - Protobuf (ScanResult { int32 version = 1; repeated ScanToken tokens = 2; })

  private static func decodeScanResult(_ buffer: UnsafeBufferPointer<UInt8>) -> [Token] {
    var tokens: [Token] = []
    tokens.reserveCapacity(buffer.count / 8)
    var reader = ProtobufReader(buffer: buffer, position: 0, end: buffer.count)
    while let (field, wireType) = reader.nextKey() {
      if field == 2, wireType == 2, let length = reader.varint() {
        var inner = ProtobufReader(buffer: buffer, position: reader.position, end: reader.position + Int(length))
        var token = Token(start: 0, end: 0, kind: 0, keywordKind: 0)
        // ScanToken { int32 start = 1; int32 end = 2; Token token = 4; KeywordKind keyword_kind = 5; }
        while let (tokenField, tokenWire) = inner.nextKey() {
          guard tokenWire == 0, let value = inner.varint() else {
            inner.skip(wireType: tokenWire)
            continue
          }
          switch tokenField {
          case 1: token.start = Int(value)
          case 2: token.end = Int(value)
          case 4: token.kind = Int32(truncatingIfNeeded: value)
          case 5: token.keywordKind = UInt8(truncatingIfNeeded: value)
          default: break
          }
        }
        tokens.append(token)
        reader.position += Int(length)
      } else {
        reader.skip(wireType: wireType)
      }
    }
    return tokens
  }
}

/// Just enough of the protobuf wire format for `ScanResult`.
private struct ProtobufReader {
  let buffer: UnsafeBufferPointer<UInt8>
  var position: Int
  let end: Int

  mutating func varint() -> UInt64? {
    var value: UInt64 = 0
    var shift: UInt64 = 0
    while position < end, shift < 64 {
      let byte = buffer[position]
      position += 1
      value |= UInt64(byte & 0x7F) << shift
      if byte & 0x80 == 0 { return value }
      shift += 7
    }
    return nil
  }

  mutating func nextKey() -> (field: UInt64, wireType: UInt64)? {
    guard position < end, let key = varint() else { return nil }
    return (key >> 3, key & 7)
  }

  mutating func skip(wireType: UInt64) {
    switch wireType {
    case 0: _ = varint()
    case 1: position += 8
    case 2: position += Int(varint() ?? 0)
    case 5: position += 4
    default: position = end
    }
  }
}
