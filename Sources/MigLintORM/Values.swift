import MigLintJavaScript
import MigLintSyntax

/// What an expression of a migration evaluates to, as far as miglint can tell without running it.
indirect enum Value {
  case string(JSString)
  case number(Double, SourceRange)
  case bool(Bool)
  case null
  case undefined
  /// Objects are shared, as in JavaScript (`module.exports.up = …` changes the object).
  case object(ObjectValue)
  case array([Value])
  case function(Closure)
  /// An object of the ORM: a query interface, a schema builder, a column type, a transaction.
  case native(Native)
  /// Not known statically: what it is, for messages (`a value from another module`).
  case unknown(String)

  var string: JSString? {
    switch self {
    case .string(let text): text
    case .number(let number, let range): .opaque(Value.format(number), at: range)
    default: nil
    }
  }

  /// The value as text, when it is fully known (a `${…}` that is not makes it unknown).
  var text: String? {
    guard let string, string.placeholders.isEmpty else { return nil }
    return string.value
  }

  var bool: Bool? {
    switch self {
    case .bool(let value): value
    case .null, .undefined: false
    case .number(let number, _): number != 0
    case .string(let text): !text.bytes.isEmpty
    case .object, .array, .function, .native: true
    case .unknown: nil
    }
  }

  var object: ObjectValue? {
    if case .object(let object) = self { return object }
    return nil
  }

  var array: [Value]? {
    if case .array(let items) = self { return items }
    return nil
  }

  var native: Native? {
    if case .native(let native) = self { return native }
    return nil
  }

  var isUnknown: Bool {
    if case .unknown = self { return true }
    return false
  }

  var isNullish: Bool {
    switch self {
    case .null, .undefined: true
    default: false
    }
  }

  /// `JSON.stringify` of a constant; nil when any part of it is not known.
  var json: String? {
    switch self {
    case .string(let text):
      guard text.placeholders.isEmpty else { return nil }
      var out = "\""
      for scalar in text.value.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20:
          out +=
            "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
            + String(scalar.value, radix: 16)
        default: out.unicodeScalars.append(scalar)
        }
      }
      return out + "\""
    case .number(let number, _): return Value.format(number)
    case .bool(let flag): return flag ? "true" : "false"
    case .null: return "null"
    case .array(let items):
      let parts = items.compactMap(\.json)
      return parts.count == items.count ? "[" + parts.joined(separator: ",") + "]" : nil
    case .object(let object):
      var parts: [String] = []
      for (key, value) in object.pairs {
        if case .undefined = value { continue }
        guard let json = value.json, let name = Value.string(.opaque(key, at: SourceRange(start: 0, end: 0))).json
        else { return nil }
        parts.append(name + ":" + json)
      }
      return "{" + parts.joined(separator: ",") + "}"
    default: return nil
    }
  }

  /// `1` for 1.0, `1.5` otherwise.
  static func format(_ number: Double) -> String {
    number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
  }
}

/// A JavaScript object: ordered keys, shared by reference.
final class ObjectValue {
  private(set) var keys: [String] = []
  private var values: [String: Value] = [:]
  /// Where each key's value is written, for findings about it.
  private(set) var ranges: [String: SourceRange] = [:]
  /// The object literal that made it, when one did.
  var range: SourceRange?

  init(_ pairs: [(String, Value)] = []) {
    for (key, value) in pairs { self[key] = value }
  }

  subscript(key: String) -> Value? {
    get { values[key] }
    set {
      if values[key] == nil, newValue != nil { keys.append(key) }
      if newValue == nil { keys.removeAll { $0 == key } }
      values[key] = newValue
    }
  }

  func set(_ key: String, _ value: Value, at range: SourceRange?) {
    self[key] = value
    if let range { ranges[key] = range }
  }

  var pairs: [(key: String, value: Value)] { keys.compactMap { key in values[key].map { (key, $0) } } }
}

/// A function value with the scope it was written in.
struct Closure {
  var function: JSFunction
  var scope: Scope
  /// `this` inside a class method.
  var this: Value = .undefined
  /// The module it is written in (0: the migration; others: modules it imports).
  var module = 0
}

/// Names bound in a function or block.
final class Scope {
  private var names: [String: Value] = [:]
  let parent: Scope?

  init(parent: Scope?) { self.parent = parent }

  func lookup(_ name: String) -> Value? { names[name] ?? parent?.lookup(name) }

  func define(_ name: String, _ value: Value) { names[name] = value }

  /// Assigns to the scope that binds `name`, else defines it here.
  func assign(_ name: String, _ value: Value) {
    var scope: Scope? = self
    while let current = scope {
      if current.names[name] != nil {
        current.names[name] = value
        return
      }
      scope = current.parent
    }
    names[name] = value
  }
}

/// An ORM object. Subclasses answer member reads, method calls and `new`.
class Native {
  /// The name a message uses for it (`queryInterface`, `table`).
  var label: String { "object" }
  /// True for the ORM objects migration code is handed (a query interface, `knex`, a query
  /// runner): a function miglint cannot see into that gets one may change the schema.
  var isHandle: Bool { false }

  /// True for a lazy query (Knex) that nothing has sent yet.
  var unsent: Bool { false }
  /// Sends a lazy query: it is awaited, returned or chained with `then`.
  func settle(_ evaluator: Evaluator) {}

  func member(_ name: String, _ evaluator: Evaluator) -> Value { .unknown("`\(label).\(name)`") }

  /// Calls method `name` (nil: the object itself is called, as `knex('users')`).
  func call(_ name: String?, _ arguments: [Value], _ site: CallSite, _ evaluator: Evaluator) -> Value {
    if let name {
      evaluator.unanalysable(site, "miglint does not know what `\(label).\(name)()` sends to the database")
    }
    return .unknown("the result of `\(label)`")
  }

  func construct(_ arguments: [Value], _ site: CallSite, _ evaluator: Evaluator) -> Value {
    .unknown("`new \(label)`")
  }
}

/// A call being evaluated: where it is, and where each argument is written.
struct CallSite {
  /// The whole call, `queryInterface.addColumn(…)`.
  var range: SourceRange
  var arguments: [SourceRange]

}
