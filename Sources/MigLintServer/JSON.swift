import MigLintReporters
import MigLintSyntax

/// A JSON value read from the client: what a message's `params` and `id` hold.
enum JSON: Sendable, Equatable {
  case object([String: JSON])
  case array([JSON])
  case string(String)
  case number(Double)
  case bool(Bool)
  case null

  /// Parses one message body; nil when it is not well-formed JSON.
  static func parse(_ bytes: [UInt8]) -> JSON? {
    bytes.withUnsafeBufferPointer { buffer -> JSON? in
      guard let tape = try? JSONTape(bytes: buffer), !tape.entries.isEmpty else { return nil }
      return value(tape, 0)
    }
  }

  private static func value(_ tape: JSONTape, _ node: Int) -> JSON {
    switch tape.kind(node) {
    case .object:
      var members: [String: JSON] = [:]
      for (key, value) in tape.members(node) { members[tape.string(key) ?? ""] = self.value(tape, value) }
      return .object(members)
    case .array: return .array(tape.elements(node).map { value(tape, $0) })
    case .string: return .string(tape.string(node) ?? "")
    case .number:
      let entry = tape.entries[node]
      let text = String(decoding: UnsafeBufferPointer(rebasing: tape.bytes[entry.start..<entry.end]), as: UTF8.self)
      return .number(Double(text) ?? 0)
    case .trueValue: return .bool(true)
    case .falseValue: return .bool(false)
    case .null: return .null
    }
  }

  subscript(_ key: String) -> JSON? {
    guard case .object(let members) = self else { return nil }
    return members[key]
  }

  var string: String? {
    guard case .string(let text) = self else { return nil }
    return text
  }

  var int: Int? {
    guard case .number(let value) = self, value.rounded() == value, abs(value) < 1e15 else { return nil }
    return Int(value)
  }

  var array: [JSON]? {
    guard case .array(let elements) = self else { return nil }
    return elements
  }

  var bool: Bool? {
    guard case .bool(let value) = self else { return nil }
    return value
  }

  /// The value to write back (a request's `id`).
  var written: JSONValue {
    switch self {
    case .object(let members): .object(members.sorted { $0.key < $1.key }.map { ($0.key, $0.value.written) })
    case .array(let elements): .array(elements.map(\.written))
    case .string(let text): .string(text)
    case .number(let value): int.map(JSONValue.int) ?? .string(String(value))
    case .bool(let value): .bool(value)
    case .null: .null
    }
  }
}
