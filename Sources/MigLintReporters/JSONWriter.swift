/// A JSON value built by reporters; keys keep their insertion order so output is stable.
package indirect enum JSONValue: Sendable, Equatable {
  case object([(String, JSONValue)])
  case array([JSONValue])
  case string(String)
  case int(Int)
  case bool(Bool)
  case null

  package static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.rendered() == rhs.rendered() }

  /// Serialises the value; `indent` > 0 pretty-prints.
  package func rendered(indent: Int = 2) -> String {
    var out = JSONStream(indent: indent)
    out.value(self)
    return String(decoding: out.bytes, as: UTF8.self)
  }

  /// A JSON string: quotes, backslashes and control characters escaped, and U+2028 and U+2029
  /// too (JavaScript reads them as line breaks); everything else as its UTF-8 bytes.
  static func writeString(_ text: String, into out: inout [UInt8]) {
    out.append(0x22)
    var text = text
    text.withUTF8 { bytes in
      // Runs of bytes that need no escape are copied at once.
      var run = 0
      var index = 0
      while index < bytes.count {
        let byte = bytes[index]
        let escaped: Bool
        switch byte {
        case 0x22, 0x5C, 0..<0x20, 0x7F: escaped = true
        case 0xE2:
          escaped =
            index + 2 < bytes.count && bytes[index + 1] == 0x80
            && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9)
        default: escaped = false
        }
        guard escaped else {
          index += 1
          continue
        }
        if run < index { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<index])) }
        switch byte {
        case 0x22: out.append(contentsOf: [0x5C, 0x22])
        case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
        case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
        case 0x0D: out.append(contentsOf: [0x5C, 0x72])
        case 0x09: out.append(contentsOf: [0x5C, 0x74])
        case 0xE2:
          escape(bytes[index + 2] == 0xA8 ? 0x2028 : 0x2029, into: &out)
          index += 2
        default: escape(UInt32(byte), into: &out)
        }
        index += 1
        run = index
      }
      if run < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...])) }
    }
    out.append(0x22)
  }

  /// The decimal digits of `value`, without making a String.
  static func writeInt(_ value: Int, into out: inout [UInt8]) {
    if value < 0 { out.append(0x2D) }
    var magnitude = value.magnitude
    var divisor: UInt = 1
    while magnitude / divisor >= 10 { divisor *= 10 }
    while divisor > 0 {
      out.append(UInt8(magnitude / divisor) + 0x30)
      magnitude %= divisor
      divisor /= 10
    }
  }

  /// `\u` and four lower-case hex digits.
  private static func escape(_ value: UInt32, into out: inout [UInt8]) {
    let digits = Array("0123456789abcdef".utf8)
    out.append(contentsOf: [0x5C, 0x75])
    for shift in stride(from: 12, through: 0, by: -4) { out.append(digits[Int((value >> UInt32(shift)) & 0xF)]) }
  }
}

/// JSON written as UTF-8 bytes as it goes: the one place that lays JSON out (``JSONValue``
/// renders through it). For a report of thousands of findings, building a tree first, or
/// appending to a String, cost more than linting the files.
struct JSONStream {
  var bytes: [UInt8] = []
  /// Spaces per level; 0 writes everything on one line.
  private let indent: Int
  /// For each open container: whether nothing was written in it yet.
  private var empty: [Bool] = []
  /// Where full chunks go; nil keeps everything in ``bytes``.
  private let output: ReportOutput?

  init(indent: Int = 2, capacity: Int = 4096, output: ReportOutput? = nil) {
    self.indent = indent
    self.output = output
    bytes.reserveCapacity(output == nil ? capacity : ReportOutput.chunkSize + 4096)
  }

  /// Hands everything written so far to the output.
  mutating func finish() { output?.take(&bytes) }

  private mutating func newline(_ level: Int) {
    guard indent > 0 else { return }
    bytes.append(0x0A)
    bytes.append(contentsOf: repeatElement(0x20, count: indent * level))
  }

  /// Starts the next member or element of the innermost container.
  private mutating func next() {
    if let output, bytes.count >= ReportOutput.chunkSize { output.take(&bytes) }
    guard let isEmpty = empty.last else { return }
    if !isEmpty { bytes.append(0x2C) }
    empty[empty.count - 1] = false
    newline(empty.count)
  }

  mutating func key(_ name: String) {
    next()
    JSONValue.writeString(name, into: &bytes)
    bytes.append(0x3A)  // :
    if indent > 0 { bytes.append(0x20) }
  }

  /// Starts an array element.
  mutating func element() { next() }

  mutating func open(_ bracket: UInt8) {
    bytes.append(bracket)
    empty.append(true)
  }

  mutating func close(_ bracket: UInt8) {
    if empty.removeLast() == false { newline(empty.count) }
    bytes.append(bracket)
  }

  mutating func openObject() { open(0x7B) }
  mutating func closeObject() { close(0x7D) }
  mutating func openArray() { open(0x5B) }
  mutating func closeArray() { close(0x5D) }

  mutating func string(_ text: String) { JSONValue.writeString(text, into: &bytes) }
  /// A value built as a tree, written at the current depth.
  mutating func value(_ value: JSONValue) {
    switch value {
    case .object(let members):
      openObject()
      for (name, member) in members {
        key(name)
        self.value(member)
      }
      closeObject()
    case .array(let elements):
      openArray()
      for element in elements {
        self.element()
        self.value(element)
      }
      closeArray()
    case .string(let text): string(text)
    case .int(let number): int(number)
    case .bool(let flag): bytes.append(contentsOf: (flag ? "true" : "false").utf8)
    case .null: null()
    }
  }
  mutating func string(_ text: String?) { if let text { string(text) } else { null() } }
  mutating func int(_ value: Int) { JSONValue.writeInt(value, into: &bytes) }
  mutating func null() { bytes.append(contentsOf: "null".utf8) }

  /// `"key": value` for a string or number member.
  mutating func member(_ name: String, _ value: String?) {
    key(name)
    string(value)
  }

  mutating func member(_ name: String, _ value: Int) {
    key(name)
    int(value)
  }
}
