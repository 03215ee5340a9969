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
    // Written as UTF-8 bytes: appending to a String piece by piece cost more than linting the
    // files a large report is about.
    var out: [UInt8] = []
    out.reserveCapacity(4096)
    write(into: &out, indent: indent, level: 0)
    return String(decoding: out, as: UTF8.self)
  }

  private func write(into out: inout [UInt8], indent: Int, level: Int) {
    func newline(_ level: Int) {
      guard indent > 0 else { return }
      out.append(0x0A)
      out.append(contentsOf: repeatElement(0x20, count: indent * level))
    }
    switch self {
    case .object(let members):
      if members.isEmpty { return out.append(contentsOf: [0x7B, 0x7D]) }
      out.append(0x7B)  // {
      for (index, (key, value)) in members.enumerated() {
        if index > 0 { out.append(0x2C) }
        newline(level + 1)
        Self.writeString(key, into: &out)
        out.append(0x3A)  // :
        if indent > 0 { out.append(0x20) }
        value.write(into: &out, indent: indent, level: level + 1)
      }
      newline(level)
      out.append(0x7D)
    case .array(let elements):
      if elements.isEmpty { return out.append(contentsOf: [0x5B, 0x5D]) }
      out.append(0x5B)  // [
      for (index, value) in elements.enumerated() {
        if index > 0 { out.append(0x2C) }
        newline(level + 1)
        value.write(into: &out, indent: indent, level: level + 1)
      }
      newline(level)
      out.append(0x5D)
    case .string(let text): Self.writeString(text, into: &out)
    case .int(let value): out.append(contentsOf: String(value).utf8)
    case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
    case .null: out.append(contentsOf: "null".utf8)
    }
  }

  /// A JSON string: quotes, backslashes and control characters escaped, and U+2028 and U+2029
  /// too (JavaScript reads them as line breaks); everything else as its UTF-8 bytes.
  private static func writeString(_ text: String, into out: inout [UInt8]) {
    out.append(0x22)
    var text = text
    text.withUTF8 { bytes in
      var index = 0
      while index < bytes.count {
        let byte = bytes[index]
        switch byte {
        case 0x22: out.append(contentsOf: [0x5C, 0x22])
        case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
        case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
        case 0x0D: out.append(contentsOf: [0x5C, 0x72])
        case 0x09: out.append(contentsOf: [0x5C, 0x74])
        case 0..<0x20, 0x7F: escape(UInt32(byte), into: &out)
        case 0xE2
        where index + 2 < bytes.count && bytes[index + 1] == 0x80
          && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
          escape(bytes[index + 2] == 0xA8 ? 0x2028 : 0x2029, into: &out)
          index += 2
        default: out.append(byte)
        }
        index += 1
      }
    }
    out.append(0x22)
  }

  /// `\u` and four lower-case hex digits.
  private static func escape(_ value: UInt32, into out: inout [UInt8]) {
    let digits = Array("0123456789abcdef".utf8)
    out.append(contentsOf: [0x5C, 0x75])
    for shift in stride(from: 12, through: 0, by: -4) { out.append(digits[Int((value >> UInt32(shift)) & 0xF)]) }
  }
}
