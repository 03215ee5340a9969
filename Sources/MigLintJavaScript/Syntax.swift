import MigLintSyntax

/// A string as the program sees it, with where each part of it is written: a finding inside SQL
/// held in a string points inside the string.
package struct JSString: Hashable, Sendable {
  /// A run of the value. `source` is where it is written: for text copied as written, the byte
  /// range of the same length; for an escape sequence or a value that came from elsewhere
  /// (a constant, a number), the range of what stands for it.
  package struct Piece: Hashable, Sendable {
    package var text: [UInt8]
    package var source: SourceRange
    /// True when `text` is written exactly so at `source` (an offset inside maps one to one).
    package var verbatim: Bool
    /// Set for a `${…}` whose value is not known: the expression as written.
    package var placeholder: String?

    package init(text: [UInt8], source: SourceRange, verbatim: Bool, placeholder: String? = nil) {
      self.text = text
      self.source = source
      self.verbatim = verbatim
      self.placeholder = placeholder
    }
  }

  package var pieces: [Piece]

  package init(pieces: [Piece]) { self.pieces = pieces }

  package var bytes: [UInt8] { pieces.flatMap(\.text) }
  package var value: String { String(decoding: bytes, as: UTF8.self) }
  /// From the first piece's start to the last piece's end.
  package var range: SourceRange {
    SourceRange(start: pieces.first?.source.start ?? 0, end: pieces.last?.source.end ?? 0)
  }

  /// The string `text` standing for `range` as a whole (a number, a constant's value).
  package static func opaque(_ text: String, at range: SourceRange) -> JSString {
    JSString(pieces: [Piece(text: Array(text.utf8), source: range, verbatim: false)])
  }

  /// The `${…}` substitutions whose values are not known.
  package var placeholders: [Piece] { pieces.filter { $0.placeholder != nil } }

  package static func + (lhs: JSString, rhs: JSString) -> JSString { JSString(pieces: lhs.pieces + rhs.pieces) }
}

/// A binding pattern: a name, or object and array destructuring.
package indirect enum JSPattern: Sendable {
  case name(String, SourceRange)
  /// `{ a, b: c, ...rest }`: (property key, its pattern); a nil key for the rest element.
  case object([(key: String?, value: JSPattern)], SourceRange)
  case array([JSPattern?], SourceRange)
  /// `a = 1` in a pattern or a parameter list.
  case defaulted(JSPattern, JSExpr)
  case rest(JSPattern)
}

/// A function, arrow function or method.
package struct JSFunction: Sendable {
  package var name: String?
  package var parameters: [JSPattern]
  /// The statements of the body; an arrow function with an expression body has one `return`.
  package var body: [JSStatement]
  package var isAsync: Bool
  package var range: SourceRange
}

/// A class: what migration tools read of it.
package struct JSClass: Sendable {
  package struct Member: Sendable {
    package var name: String
    package var isStatic: Bool
    /// A method.
    package var function: JSFunction?
    /// A field's initialiser (`transaction = false`, `name = '…'`).
    package var value: JSExpr?
    package var range: SourceRange
  }

  package var name: String?
  package var implements: [String]
  package var members: [Member]
  package var range: SourceRange
}

/// A property of an object literal.
package enum JSProperty: Sendable {
  /// `key: value`, `key` (shorthand, with the name as value), `key() {}`; a computed key is an
  /// expression.
  case pair(key: JSPropertyKey, value: JSExpr, range: SourceRange)
  case spread(JSExpr, range: SourceRange)
}

package enum JSPropertyKey: Sendable {
  case name(String)
  case computed(JSExpr)
}

/// An expression.
package indirect enum JSExpr: Sendable {
  case identifier(String, SourceRange)
  case string(JSString, SourceRange)
  /// Literal parts around substitutions: `quasis.count == expressions.count + 1`.
  case template(quasis: [JSString], expressions: [JSExpr], SourceRange)
  case number(Double, SourceRange)
  /// `true`, `false`, `null`, `undefined`, `this`.
  case keyword(String, SourceRange)
  case regex(SourceRange)
  case object([JSProperty], SourceRange)
  case array([JSExpr?], SourceRange)
  case spread(JSExpr, SourceRange)
  case member(JSExpr, String, nameRange: SourceRange, SourceRange)
  case index(JSExpr, JSExpr, SourceRange)
  case call(JSExpr, [JSExpr], SourceRange)
  case new(JSExpr, [JSExpr], SourceRange)
  case function(JSFunction)
  case `class`(JSClass)
  /// `await`, `!`, `-`, `typeof`, `void`, `delete`, `++`, …
  case unary(String, JSExpr, SourceRange)
  case binary(String, JSExpr, JSExpr, SourceRange)
  case conditional(JSExpr, JSExpr, JSExpr, SourceRange)
  case assign(String, JSExpr, JSExpr, SourceRange)
  /// A comma-separated sequence.
  case sequence([JSExpr], SourceRange)
  /// Text the parser could not read as an expression.
  case unknown(SourceRange)

  package var range: SourceRange {
    switch self {
    case .identifier(_, let range), .string(_, let range), .template(_, _, let range), .number(_, let range),
      .keyword(_, let range), .regex(let range), .object(_, let range), .array(_, let range), .spread(_, let range),
      .member(_, _, _, let range), .index(_, _, let range), .call(_, _, let range), .new(_, _, let range),
      .unary(_, _, let range), .binary(_, _, _, let range), .conditional(_, _, _, let range),
      .assign(_, _, _, let range), .sequence(_, let range), .unknown(let range):
      range
    case .function(let function): function.range
    case .class(let declaration): declaration.range
    }
  }
}

/// A statement.
package indirect enum JSStatement: Sendable {
  case expression(JSExpr)
  /// `const`/`let`/`var` (the keyword), each binding with its initialiser; `exported` for
  /// `export const`.
  case variables(String, [(pattern: JSPattern, value: JSExpr?)], exported: Bool, SourceRange)
  case function(JSFunction, exported: Bool)
  case `class`(JSClass, exported: Bool)
  case `if`(JSExpr, [JSStatement], [JSStatement]?, SourceRange)
  /// `for (…;…;…)`, `for (x of xs)`, `for (x in o)`, `while`, `do … while`: the binding and
  /// the list it walks when there is one.
  case loop(binding: JSPattern?, over: JSExpr?, body: [JSStatement], SourceRange)
  case `try`([JSStatement], catchBinding: JSPattern?, [JSStatement]?, finally: [JSStatement]?, SourceRange)
  case `switch`(JSExpr, [(test: JSExpr?, body: [JSStatement])], SourceRange)
  case block([JSStatement], SourceRange)
  case `return`(JSExpr?, SourceRange)
  case `throw`(JSExpr, SourceRange)
  /// `export default <expression>`.
  case exportDefault(JSExpr, SourceRange)
  /// `import … from 'module'`: the module named and the names it binds.
  case `import`(String, [JSImport], SourceRange)
  /// Declarations without effect here (`interface`, `type`, `break`, `;`).
  case empty(SourceRange)
}

/// One name an `import` binds: `imported` is `default`, `*` (the whole module) or an export's name.
package struct JSImport: Hashable, Sendable {
  package var imported: String
  package var local: String

  package init(imported: String, local: String) {
    self.imported = imported
    self.local = local
  }
}

/// A parsed JavaScript or TypeScript file.
package struct JSProgram: Sendable {
  package var statements: [JSStatement]
  package var tokens: [JSToken]
  /// Lexer errors and statements the parser had to skip, with their positions.
  package var errors: [JSLexError]
}
