import MigLintJavaScript

/// SQL text the way the ORMs' PostgreSQL dialects write it.
enum SQLText {
  /// `"name"`, with `"` doubled.
  static func identifier(_ name: String) -> String { "\"" + name.replacing("\"", with: "\"\"") + "\"" }

  /// `"schema"."table"` from `schema.table` (Knex and TypeORM split a dotted name).
  static func qualified(_ name: String) -> String {
    name.split(separator: ".", omittingEmptySubsequences: false).map { identifier(String($0)) }.joined(separator: ".")
  }

  /// `'text'`, with `'` doubled.
  static func literal(_ text: String) -> String { "'" + text.replacing("'", with: "''") + "'" }

  /// A constant as a SQL literal; nil when it has none (an object, an unknown value).
  static func literal(_ value: Value) -> String? {
    switch value {
    case .string(let text): return literal(text.value)
    case .number(let number, _): return Value.format(number)
    case .bool(let flag): return flag ? "true" : "false"
    case .null: return "NULL"
    case .native(let native as RawSQL): return native.sql
    // An object or a list is sent as its JSON text (a `json`/`jsonb` default or value).
    case .object, .array: return value.json.map(literal)
    default: return nil
    }
  }

  /// `"a", "b"`.
  static func columns(_ names: [String]) -> String { names.map(identifier).joined(separator: ", ") }
}

/// SQL written as is: `knex.raw('now()')`, `Sequelize.literal('…')`, `Sequelize.fn('NOW')`.
class RawSQL: Native {
  let sql: String
  /// The string it came from, when it is one (run as a statement, it keeps its positions).
  let source: JSString?

  init(_ sql: String, source: JSString? = nil) {
    self.sql = sql
    self.source = source
  }

  override var label: String { "raw SQL" }
}

extension Value {
  /// A list of names: `'a'` or `['a', 'b']`; nil when any is not known.
  var names: [String]? {
    if let text { return [text] }
    guard let items = array else { return nil }
    let names = items.compactMap(\.text)
    return names.count == items.count ? names : nil
  }
}
