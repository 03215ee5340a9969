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
    var out = ""
    write(into: &out, indent: indent, level: 0)
    return out
  }

  private func write(into out: inout String, indent: Int, level: Int) {
    let newline = indent > 0 ? "\n" : ""
    let pad = String(repeating: " ", count: indent * (level + 1))
    let closePad = String(repeating: " ", count: indent * level)
    switch self {
    case .object(let members):
      if members.isEmpty { out += "{}"; return }
      out += "{" + newline
      for (index, (key, value)) in members.enumerated() {
        out += pad
        Self.writeString(key, into: &out)
        out += indent > 0 ? ": " : ":"
        value.write(into: &out, indent: indent, level: level + 1)
        out += (index + 1 < members.count ? "," : "") + newline
      }
      out += closePad + "}"
    case .array(let elements):
      if elements.isEmpty { out += "[]"; return }
      out += "[" + newline
      for (index, value) in elements.enumerated() {
        out += pad
        value.write(into: &out, indent: indent, level: level + 1)
        out += (index + 1 < elements.count ? "," : "") + newline
      }
      out += closePad + "]"
    case .string(let text): Self.writeString(text, into: &out)
    case .int(let value): out += String(value)
    case .bool(let value): out += value ? "true" : "false"
    case .null: out += "null"
    }
  }

  private static func writeString(_ text: String, into out: inout String) {
    out += "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7F || (0x2028...0x2029).contains(scalar.value) {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    out += "\""
  }
}
