/// A one-pass index over the JSON that `pg_query_parse` returns.
///
/// Decoding libpg_query's JSON through Foundation costs about ten times the parse itself, so the
/// typed statement model reads from this tape instead: one array of entries (no allocation per
/// node), values decoded only when a decoder asks for them. Each container entry knows the index
/// just past its last descendant, so skipping a subtree is O(1).
package struct JSONTape {
  package enum Kind: UInt8 {
    case object, array, string, number, trueValue, falseValue, null
  }

  /// 8 bytes: the tape has about one entry per five bytes of JSON, so its size is the memory cost.
  package struct Entry {
    /// Kind in the top 3 bits, start offset in the rest (JSON up to 512 MiB).
    private var packed: UInt32
    /// Strings and numbers: end offset of the raw text (strings without quotes).
    /// Containers: index of the first entry after the container's subtree.
    var endOrNext: UInt32

    init(kind: Kind, start: Int, endOrNext: Int) {
      packed = UInt32(kind.rawValue) << 29 | UInt32(truncatingIfNeeded: start)
      self.endOrNext = UInt32(truncatingIfNeeded: endOrNext)
    }

    package var kind: Kind { Kind(rawValue: UInt8(packed >> 29)) ?? .null }
    package var start: Int { Int(packed & 0x1FFF_FFFF) }
    package var end: Int { Int(endOrNext) }
    package var next: Int { Int(endOrNext) }
  }

  /// Largest JSON the packed entries can address.
  package static let maximumSize = 1 << 29

  package let bytes: UnsafeBufferPointer<UInt8>
  package let entries: [Entry]

  /// Indexes `bytes`, which must stay alive while the tape is used.
  ///
  /// - Throws: ``JSONTapeError`` when the text is not well-formed JSON.
  package init(bytes: UnsafeBufferPointer<UInt8>) throws(JSONTapeError) {
    self.bytes = bytes
    guard bytes.count < Self.maximumSize else { throw .tooLarge }
    // libpg_query's JSON has an entry per five or six bytes, so a quarter of the bytes is room
    // enough; other JSON (`[1,1,1]`) is read again with room for an entry per byte, the most
    // there can be (every entry starts at a byte of its own).
    var capacity = bytes.count / 4 + 16
    while true {
      var stop: Builder.Stop?
      let entries = [Entry](unsafeUninitializedCapacity: capacity) { buffer, count in
        var builder = Builder(bytes: bytes, out: buffer)
        do throws(Builder.Stop) {
          var position = 0
          try builder.parseValue(&position, depth: 0)
        } catch {
          stop = error
        }
        count = builder.count
      }
      switch stop {
      case nil:
        self.entries = entries
        return
      case .malformed(let error):
        throw error
      case .full:
        capacity = bytes.count + 1
      }
    }
  }

  /// Objects and arrays nested deeper than this are refused (``JSONTapeError/tooDeep``).
  package static let maximumDepth = 1_000

  // MARK: - Reading

  package func kind(_ node: Int) -> Kind { entries[node].kind }

  /// Index after `node` and all its descendants.
  package func after(_ node: Int) -> Int {
    let entry = entries[node]
    return entry.kind == .object || entry.kind == .array ? entry.next : node + 1
  }

  /// The value of member `key` of object `node`, if present.
  package func member(_ node: Int?, _ key: StaticString) -> Int? {
    guard let node, entries[node].kind == .object else { return nil }
    var index = node + 1
    let end = entries[node].next
    while index < end {
      if keyEquals(index, key) { return index + 1 }
      index = after(index + 1)
    }
    return nil
  }

  /// The members of object `node` as (key entry, value entry) pairs, in an array (for callers
  /// that keep, count or index them); empty when absent or not an object.
  package func members(_ node: Int?) -> [(key: Int, value: Int)] {
    // Appended one by one: `Array(_:)` of the walk cost more (the decoder asks for thousands).
    var result: [(key: Int, value: Int)] = []
    for member in eachMember(node) { result.append(member) }
    return result
  }

  /// Elements of array `node`, in an array; empty when absent or not an array.
  package func elements(_ node: Int?) -> [Int] {
    var result: [Int] = []
    for element in eachElement(node) { result.append(element) }
    return result
  }

  /// The members of object `node`, walked in place: walkers that visit every node of a query
  /// made an array at each (140,000 a harsh run).
  package func eachMember(_ node: Int?) -> Children {
    guard let node, entries[node].kind == .object else { return Children(tape: self, index: 0, end: 0, step: 2) }
    return Children(tape: self, index: node + 1, end: entries[node].next, step: 2)
  }

  /// The elements of array `node`, walked in place.
  package func eachElement(_ node: Int?) -> LazyMapSequence<Children, Int> {
    guard let node, entries[node].kind == .array else {
      return Children(tape: self, index: 0, end: 0, step: 1).lazy.map(\.key)
    }
    return Children(tape: self, index: node + 1, end: entries[node].next, step: 1).lazy.map(\.key)
  }

  /// A container's children in order: for an object, each member's key entry and value entry;
  /// for an array, each element entry (as `key` and `value` both).
  package struct Children: Sequence, IteratorProtocol {
    fileprivate let tape: JSONTape
    fileprivate var index: Int
    fileprivate let end: Int
    /// Entries a child starts with: a key and its value, or an element.
    fileprivate let step: Int

    package mutating func next() -> (key: Int, value: Int)? {
      guard index < end else { return nil }
      let child = (key: index, value: index + step - 1)
      index = tape.after(index + step - 1)
      return child
    }
  }

  /// For a libpg_query node `{"TypeName": {...}}`: the single key and its value.
  package func wrapped(_ node: Int?) -> (type: String, value: Int)? {
    guard let node, entries[node].kind == .object, entries[node].next > node + 2 else {
      return nil
    }
    return (string(node + 1) ?? "", node + 2)
  }

  func keyEquals(_ index: Int, _ key: StaticString) -> Bool {
    let entry = entries[index]
    let length = entry.end - entry.start
    guard length == key.utf8CodeUnitCount else { return false }
    let keyBytes = key.utf8Start
    let base = entry.start
    for offset in 0..<length where bytes[base + offset] != keyBytes[offset] { return false }
    return true
  }

  package func string(_ node: Int?) -> String? {
    guard let node, entries[node].kind == .string else { return nil }
    let entry = entries[node]
    let raw = UnsafeBufferPointer(rebasing: bytes[entry.start..<entry.end])
    if !raw.contains(0x5C) { return String(decoding: raw, as: UTF8.self) }
    return Self.unescape(raw)
  }

  package func int(_ node: Int?) -> Int? {
    guard let node, entries[node].kind == .number else { return nil }
    let entry = entries[node]
    var value = 0
    var negative = false
    for index in entry.start..<entry.end {
      let byte = bytes[index]
      if byte == 0x2D {
        negative = true
      } else if byte >= 0x30, byte <= 0x39 {
        value = value &* 10 &+ Int(byte - 0x30)
      } else {
        return nil
      }
    }
    return negative ? -value : value
  }

  package func bool(_ node: Int?) -> Bool { node.map { entries[$0].kind == .trueValue } ?? false }

  // MARK: - Parsing

  /// Writes the entries straight into the tape's storage: an append to an array checked its
  /// uniqueness and capacity and wrote its count back each time, a fifth of the parse.
  private struct Builder {
    enum Stop: Error {
      case malformed(JSONTapeError)
      /// More entries than the storage holds.
      case full
    }

    let bytes: UnsafeBufferPointer<UInt8>
    let out: UnsafeMutableBufferPointer<Entry>
    var count = 0

    init(bytes: UnsafeBufferPointer<UInt8>, out: UnsafeMutableBufferPointer<Entry>) {
      self.bytes = bytes
      self.out = out
    }

    private mutating func append(_ kind: Kind, start: Int, endOrNext: Int) throws(Stop) {
      guard count < out.count else { throw .full }
      out.initializeElement(at: count, to: Entry(kind: kind, start: start, endOrNext: endOrNext))
      count += 1
    }

    mutating func parseValue(_ position: inout Int, depth: Int) throws(Stop) {
      guard depth <= JSONTape.maximumDepth else { throw .malformed(.tooDeep) }
      skipWhitespace(&position)
      guard position < bytes.count else { throw .malformed(.unexpectedEnd) }
      switch bytes[position] {
      case 0x7B:  // {
        let index = count
        try append(.object, start: position, endOrNext: 0)
        position += 1
        skipWhitespace(&position)
        if position < bytes.count, bytes[position] == 0x7D {
          position += 1
        } else {
          while true {
            skipWhitespace(&position)
            try parseString(&position)
            skipWhitespace(&position)
            try expect(0x3A, &position)
            try parseValue(&position, depth: depth + 1)
            skipWhitespace(&position)
            guard position < bytes.count else { throw .malformed(.unexpectedEnd) }
            if bytes[position] == 0x2C { position += 1; continue }
            try expect(0x7D, &position)
            break
          }
        }
        out[index].endOrNext = UInt32(count)
      case 0x5B:  // [
        let index = count
        try append(.array, start: position, endOrNext: 0)
        position += 1
        skipWhitespace(&position)
        if position < bytes.count, bytes[position] == 0x5D {
          position += 1
        } else {
          while true {
            try parseValue(&position, depth: depth + 1)
            skipWhitespace(&position)
            guard position < bytes.count else { throw .malformed(.unexpectedEnd) }
            if bytes[position] == 0x2C { position += 1; continue }
            try expect(0x5D, &position)
            break
          }
        }
        out[index].endOrNext = UInt32(count)
      case 0x22:
        try parseString(&position)
      case 0x74:
        try literal("true", .trueValue, &position)
      case 0x66:
        try literal("false", .falseValue, &position)
      case 0x6E:
        try literal("null", .null, &position)
      default:
        let start = position
        while position < bytes.count {
          let byte = bytes[position]
          guard
            (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x2B || byte == 0x2E
              || byte == 0x65 || byte == 0x45
          else { break }
          position += 1
        }
        guard position > start else { throw .malformed(.unexpectedByte(offset: start)) }
        try append(.number, start: start, endOrNext: position)
      }
    }

    private mutating func parseString(_ position: inout Int) throws(Stop) {
      try expect(0x22, &position)
      let start = position
      while position < bytes.count {
        let byte = bytes[position]
        if byte == 0x5C {
          position += 2
        } else if byte == 0x22 {
          try append(.string, start: start, endOrNext: position)
          position += 1
          return
        } else {
          position += 1
        }
      }
      throw .malformed(.unexpectedEnd)
    }

    private mutating func literal(_ word: StaticString, _ kind: Kind, _ position: inout Int) throws(Stop) {
      let length = word.utf8CodeUnitCount
      guard position + length <= bytes.count else { throw .malformed(.unexpectedEnd) }
      for offset in 0..<length where bytes[position + offset] != word.utf8Start[offset] {
        throw .malformed(.unexpectedByte(offset: position + offset))
      }
      try append(kind, start: position, endOrNext: position + length)
      position += length
    }

    private func skipWhitespace(_ position: inout Int) {
      while position < bytes.count {
        let byte = bytes[position]
        guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
        position += 1
      }
    }

    private func expect(_ byte: UInt8, _ position: inout Int) throws(Stop) {
      guard position < bytes.count else { throw .malformed(.unexpectedEnd) }
      guard bytes[position] == byte else { throw .malformed(.unexpectedByte(offset: position)) }
      position += 1
    }
  }

  private static func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(raw.count)
    var index = 0
    var pendingHigh: UInt32?
    while index < raw.count {
      let byte = raw[index]
      guard byte == 0x5C, index + 1 < raw.count else {
        out.append(byte)
        index += 1
        continue
      }
      let escape = raw[index + 1]
      index += 2
      switch escape {
      case 0x6E: out.append(0x0A)
      case 0x74: out.append(0x09)
      case 0x72: out.append(0x0D)
      case 0x62: out.append(0x08)
      case 0x66: out.append(0x0C)
      case 0x75:
        var code: UInt32 = 0
        var digits = 0
        while digits < 4, index < raw.count, let value = hexValue(raw[index]) {
          code = code << 4 | value
          index += 1
          digits += 1
        }
        if (0xD800...0xDBFF).contains(code) {
          pendingHigh = code
          continue
        }
        if let high = pendingHigh, (0xDC00...0xDFFF).contains(code) {
          code = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)
        }
        pendingHigh = nil
        let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
        out.append(contentsOf: Array(String(Character(scalar)).utf8))
      default: out.append(escape)
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  private static func hexValue(_ byte: UInt8) -> UInt32? {
    switch byte {
    case 0x30...0x39: return UInt32(byte - 0x30)
    case 0x41...0x46: return UInt32(byte - 0x41 + 10)
    case 0x61...0x66: return UInt32(byte - 0x61 + 10)
    default: return nil
    }
  }
}

/// The JSON from libpg_query was not well formed (never expected; reported, not trapped).
package enum JSONTapeError: Error, Equatable {
  case tooLarge
  /// Nested deeper than ``JSONTape/maximumDepth``: a parse tree this deep (a chain of thousands
  /// of `+` or `||`) would overflow the stack of every recursive reader.
  case tooDeep
  case unexpectedEnd
  case unexpectedByte(offset: Int)
}
