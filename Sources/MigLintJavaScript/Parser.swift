import MigLintSyntax

/// Parses the JavaScript and TypeScript that migrations are written in: statements, functions,
/// classes, and expressions with their operators. TypeScript types, decorators and modifiers are
/// read and set aside. It never fails: text it cannot read becomes ``JSExpr/unknown(_:)`` or is
/// skipped to the end of its statement, with a note in ``JSProgram/errors``.
package struct JSParser {
  private let bytes: [UInt8]
  /// The tokens without comments.
  private let tokens: [JSToken]
  /// Each token's text (names and punctuators; empty for literals).
  private let texts: [String]
  /// True for a token on a later line than the one before it (automatic semicolons).
  private let lineBreakBefore: [Bool]
  private var position = 0
  private var errors: [JSLexError] = []
  /// Nesting of expressions and statements: a file nested deeper is not read further.
  private var depth = 0
  private static let maximumDepth = 400

  package static func parse(_ bytes: [UInt8]) -> JSProgram {
    let lexer = JSLexer.tokenize(bytes)
    var parser = JSParser(bytes: bytes, all: lexer.tokens)
    parser.errors = lexer.errors
    var statements: [JSStatement] = []
    while !parser.atEnd {
      let before = parser.position
      statements.append(parser.statement())
      if parser.position == before { parser.skipStatement("unexpected `\(parser.text)`") }
    }
    return JSProgram(statements: statements, tokens: lexer.tokens, errors: parser.errors)
  }

  private init(bytes: [UInt8], all: [JSToken]) {
    self.bytes = bytes
    tokens = all.filter { !$0.isComment }
    texts = tokens.map { token in
      token.kind == .identifier || token.kind == .punctuator
        ? String(decoding: bytes[token.start..<token.end], as: UTF8.self) : ""
    }
    var breaks: [Bool] = []
    breaks.reserveCapacity(tokens.count)
    var previousEnd = 0
    for token in tokens {
      breaks.append(bytes[previousEnd..<token.start].contains { $0 == 0x0A || $0 == 0x0D })
      previousEnd = token.end
    }
    lineBreakBefore = breaks
  }

  // MARK: - Tokens

  private var atEnd: Bool { position >= tokens.count }
  private var token: JSToken {
    atEnd ? JSToken(kind: .punctuator, start: bytes.count, end: bytes.count) : tokens[position]
  }
  private var text: String { atEnd ? "" : texts[position] }
  private func text(at offset: Int) -> String { position + offset < texts.count ? texts[position + offset] : "" }
  private func kind(at offset: Int) -> JSToken.Kind? {
    position + offset < tokens.count ? tokens[position + offset].kind : nil
  }
  private var previousEnd: Int {
    let previous = min(position, tokens.count) - 1
    return previous >= 0 ? tokens[previous].end : 0
  }

  private func `is`(_ word: String) -> Bool { !atEnd && texts[position] == word }

  @discardableResult private mutating func eat(_ word: String) -> Bool {
    guard `is`(word) else { return false }
    position += 1
    return true
  }

  private mutating func expect(_ word: String) {
    if !eat(word) { note("expected `\(word)`") }
  }

  private mutating func note(_ message: String) {
    errors.append(JSLexError(message: message, offset: token.start))
  }

  private func range(from start: Int) -> SourceRange { SourceRange(start: start, end: max(start, previousEnd)) }

  /// Skips to the end of the statement: a `;` or a line break at bracket depth 0, or the `}`
  /// that closes the enclosing block.
  private mutating func skipStatement(_ message: String) {
    note(message)
    var nesting = 0
    let start = position
    // A stray closing bracket is skipped itself: the caller is stuck on it.
    defer { if position == start, !atEnd { position += 1 } }
    while !atEnd {
      if position > start, nesting == 0, lineBreakBefore[position] { return }
      switch text {
      case "(", "[", "{": nesting += 1
      case ")", "]", "}":
        if nesting == 0 { return }
        nesting -= 1
      case ";" where nesting == 0:
        position += 1
        return
      default: break
      }
      position += 1
    }
  }

  /// Skips a balanced group starting at an opening bracket.
  private mutating func skipGroup() {
    var nesting = 0
    repeat {
      switch text {
      case "(", "[", "{": nesting += 1
      case ")", "]", "}": nesting -= 1
      default: break
      }
      position += 1
    } while nesting > 0 && !atEnd
  }

  private mutating func endStatement() {
    if eat(";") { return }
  }

  private var isDeep: Bool { depth > Self.maximumDepth }

  // MARK: - Statements

  private mutating func block() -> [JSStatement] {
    guard eat("{") else {
      note("expected `{`")
      return []
    }
    var statements: [JSStatement] = []
    while !atEnd, !`is`("}") {
      let before = position
      statements.append(statement())
      if position == before { skipStatement("unexpected `\(text)`") }
    }
    expect("}")
    return statements
  }

  /// A statement, or a block's statements, as the body of `if` or a loop.
  private mutating func body() -> [JSStatement] {
    if `is`("{") { return block() }
    return [statement()]
  }

  private mutating func statement() -> JSStatement {
    depth += 1
    defer { depth -= 1 }
    let start = token.start
    if isDeep {
      skipStatement("nested too deep")
      return .empty(range(from: start))
    }
    while `is`("@") { decorator() }
    switch text {
    case "{":
      return .block(block(), range(from: start))
    case ";":
      position += 1
      return .empty(range(from: start))
    case "import" where text(at: 1) != "(" && text(at: 1) != ".":
      return importDeclaration(start)
    case "export":
      return exportDeclaration(start)
    case "const", "let", "var":
      if text == "const", text(at: 1) == "enum" { return typeDeclaration(start) }
      return variables(start, exported: false)
    case "function":
      return .function(function(start, isAsync: false), exported: false)
    case "async" where text(at: 1) == "function" && !lineBreakBefore[position + 1]:
      position += 1
      return .function(function(start, isAsync: true), exported: false)
    case "class":
      return .class(classDeclaration(start), exported: false)
    case "abstract" where text(at: 1) == "class":
      position += 1
      return .class(classDeclaration(start), exported: false)
    case "interface", "type", "enum", "declare", "namespace",
      "module"
    where kind(at: 1) == .identifier && !lineBreakBefore[position + 1]:
      return typeDeclaration(start)
    case "if":
      position += 1
      expect("(")
      let condition = expression()
      expect(")")
      let then = body()
      let otherwise = eat("else") ? body() : nil
      return .if(condition, then, otherwise, range(from: start))
    case "for":
      return forStatement(start)
    case "while":
      position += 1
      expect("(")
      let condition = expression()
      expect(")")
      return .loop(binding: nil, over: nil, body: [.expression(condition)] + body(), range(from: start))
    case "do":
      position += 1
      let statements = body()
      if eat("while") {
        expect("(")
        _ = expression()
        expect(")")
      }
      endStatement()
      return .loop(binding: nil, over: nil, body: statements, range(from: start))
    case "try":
      position += 1
      let attempt = block()
      var binding: JSPattern?
      var handler: [JSStatement]?
      if eat("catch") {
        if eat("(") {
          binding = pattern()
          expect(")")
        }
        handler = block()
      }
      let finally = eat("finally") ? block() : nil
      return .try(attempt, catchBinding: binding, handler, finally: finally, range(from: start))
    case "switch":
      return switchStatement(start)
    case "return":
      position += 1
      var value: JSExpr?
      if !atEnd, !`is`(";"), !`is`("}"), !lineBreakBefore[position] { value = expression() }
      endStatement()
      return .return(value, range(from: start))
    case "throw":
      position += 1
      let value = expression()
      endStatement()
      return .throw(value, range(from: start))
    case "break", "continue", "debugger":
      position += 1
      if kind(at: 0) == .identifier, !lineBreakBefore[position] { position += 1 }
      endStatement()
      return .empty(range(from: start))
    default:
      // `label:` before a statement.
      if kind(at: 0) == .identifier, text(at: 1) == ":", text(at: 2) != ":" {
        position += 2
        return statement()
      }
      let value = expression()
      endStatement()
      return .expression(value)
    }
  }

  /// `import x, { a, b as c } from 'm'`, `import * as ns from 'm'`, `import 'm'`; type-only
  /// imports bind nothing.
  private mutating func importDeclaration(_ start: Int) -> JSStatement {
    position += 1
    var bindings: [JSImport] = []
    let typeOnly = `is`("type") && text(at: 1) != "from" && text(at: 1) != ","
    if typeOnly { position += 1 }
    var module = ""
    while !atEnd, !`is`(";"), !(lineBreakBefore[position] && module != "") {
      if token.kind == .string {
        module = cooked(token).value
        position += 1
        break
      }
      if eat("*") {
        if eat("as"), kind(at: 0) == .identifier {
          bindings.append(JSImport(imported: "*", local: text))
          position += 1
        }
        continue
      }
      if eat("{") {
        while !atEnd, !`is`("}") {
          let isType = `is`("type") && kind(at: 1) == .identifier && text(at: 1) != "as"
          if isType { position += 1 }
          let imported = token.kind == .string ? cooked(token).value : text
          position += 1
          var local = imported
          if eat("as") {
            local = text
            position += 1
          }
          if !isType { bindings.append(JSImport(imported: imported, local: local)) }
          if !eat(",") { break }
        }
        expect("}")
        continue
      }
      if kind(at: 0) == .identifier, !`is`("from") {
        bindings.append(JSImport(imported: "default", local: text))
      }
      position += 1
    }
    endStatement()
    return .import(module, typeOnly ? [] : bindings, range(from: start))
  }

  private mutating func exportDeclaration(_ start: Int) -> JSStatement {
    position += 1
    if eat("default") {
      switch text {
      case "class", "abstract":
        eat("abstract")
        return .class(classDeclaration(start), exported: true)
      case "function":
        return .function(function(start, isAsync: false), exported: true)
      case "async" where text(at: 1) == "function":
        position += 1
        return .function(function(start, isAsync: true), exported: true)
      default:
        let value = assignment()
        endStatement()
        return .exportDefault(value, range(from: start))
      }
    }
    if `is`("{") || `is`("*") {
      // `export { a, b }`, `export * from 'x'`.
      if `is`("{") { skipGroup() } else { position += 1 }
      if eat("as") { position += 1 }
      if eat("from"), token.kind == .string { position += 1 }
      endStatement()
      return .empty(range(from: start))
    }
    eat("declare")
    switch text {
    case "const", "let", "var":
      return variables(start, exported: true)
    case "function":
      return .function(function(start, isAsync: false), exported: true)
    case "async":
      position += 1
      return .function(function(start, isAsync: true), exported: true)
    case "class", "abstract":
      eat("abstract")
      return .class(classDeclaration(start), exported: true)
    default:
      return typeDeclaration(start)
    }
  }

  /// `interface`, `type`, `enum`, `namespace`: nothing migrations run.
  private mutating func typeDeclaration(_ start: Int) -> JSStatement {
    while !atEnd, !`is`("{"), !`is`(";"), !`is`("=") { position += 1 }
    if `is`("{") {
      skipGroup()
    } else if eat("=") {
      skipType()
      endStatement()
    } else {
      endStatement()
    }
    return .empty(range(from: start))
  }

  private mutating func variables(_ start: Int, exported: Bool) -> JSStatement {
    let keyword = text
    position += 1
    var bindings: [(pattern: JSPattern, value: JSExpr?)] = []
    repeat {
      let target = pattern(allowDefault: false)
      let value = eat("=") ? assignment() : nil
      bindings.append((target, value))
    } while eat(",")
    endStatement()
    return .variables(keyword, bindings, exported: exported, range(from: start))
  }

  private mutating func forStatement(_ start: Int) -> JSStatement {
    position += 1
    eat("await")
    expect("(")
    let open = position
    if ["const", "let", "var"].contains(text) {
      position += 1
      let binding = pattern(allowDefault: false)
      if eat("of") || eat("in") {
        let list = assignment()
        expect(")")
        return .loop(binding: binding, over: list, body: body(), range(from: start))
      }
    } else if kind(at: 0) == .identifier, text(at: 1) == "of" || text(at: 1) == "in" {
      let binding = JSPattern.name(text, SourceRange(start: token.start, end: token.end))
      position += 2
      let list = assignment()
      expect(")")
      return .loop(binding: binding, over: list, body: body(), range(from: start))
    }
    // A classic `for (init; test; update)`: its clauses hold no migration calls worth following.
    position = open - 1
    skipGroup()
    return .loop(binding: nil, over: nil, body: body(), range(from: start))
  }

  private mutating func switchStatement(_ start: Int) -> JSStatement {
    position += 1
    expect("(")
    let subject = expression()
    expect(")")
    expect("{")
    var cases: [(test: JSExpr?, body: [JSStatement])] = []
    while !atEnd, !`is`("}") {
      var test: JSExpr?
      if eat("case") {
        test = expression()
      } else if !eat("default") {
        skipStatement("expected `case`")
        continue
      }
      expect(":")
      var statements: [JSStatement] = []
      while !atEnd, !`is`("case"), !`is`("default"), !`is`("}") {
        let before = position
        statements.append(statement())
        if position == before { skipStatement("unexpected `\(text)`") }
      }
      cases.append((test, statements))
    }
    expect("}")
    return .switch(subject, cases, range(from: start))
  }

  private mutating func decorator() {
    position += 1  // @
    while kind(at: 0) == .identifier {
      position += 1
      if !eat(".") { break }
    }
    if `is`("(") { skipGroup() }
  }

  // MARK: - Functions and classes

  /// `function name(params) { … }` from the `function` keyword.
  private mutating func function(_ start: Int, isAsync: Bool) -> JSFunction {
    expect("function")
    eat("*")
    var name: String?
    if kind(at: 0) == .identifier, !`is`("(") {
      name = text
      position += 1
    }
    return functionRest(start, name: name, isAsync: isAsync)
  }

  /// From the type parameters or `(` of a function or method to the end of its body.
  private mutating func functionRest(_ start: Int, name: String?, isAsync: Bool) -> JSFunction {
    if `is`("<") { skipAngles() }
    let parameters = parameterList()
    if eat(":") { skipType() }
    let statements = `is`("{") ? block() : []
    if !`is`("{") { endStatement() }
    return JSFunction(
      name: name, parameters: parameters, body: statements, isAsync: isAsync, range: range(from: start))
  }

  private mutating func parameterList() -> [JSPattern] {
    guard eat("(") else {
      note("expected `(`")
      return []
    }
    var parameters: [JSPattern] = []
    while !atEnd, !`is`(")") {
      while `is`("@") { decorator() }
      while ["public", "private", "protected", "readonly", "override"].contains(text), kind(at: 1) == .identifier {
        position += 1
      }
      let before = position
      parameters.append(pattern())
      if position == before { position += 1 }
      if !eat(",") { break }
    }
    expect(")")
    return parameters
  }

  private mutating func classDeclaration(_ start: Int) -> JSClass {
    expect("class")
    var name: String?
    if kind(at: 0) == .identifier, !`is`("extends"), !`is`("implements"), !`is`("{") {
      name = text
      position += 1
    }
    if `is`("<") { skipAngles() }
    if eat("extends") {
      _ = callOrMember(allowCall: true)
      if `is`("<") { skipAngles() }
    }
    var implements: [String] = []
    if eat("implements") {
      repeat {
        var dotted = ""
        while kind(at: 0) == .identifier {
          dotted = text
          position += 1
          if !eat(".") { break }
        }
        implements.append(dotted)
        if `is`("<") { skipAngles() }
      } while eat(",")
    }
    var members: [JSClass.Member] = []
    guard eat("{") else {
      note("expected `{`")
      return JSClass(name: name, implements: implements, members: [], range: range(from: start))
    }
    while !atEnd, !`is`("}") {
      if eat(";") { continue }
      let before = position
      if let member = classMember() { members.append(member) }
      if position == before { skipStatement("unexpected `\(text)` in a class") }
    }
    expect("}")
    return JSClass(name: name, implements: implements, members: members, range: range(from: start))
  }

  private static let modifiers: Set<String> = [
    "public", "private", "protected", "readonly", "abstract", "override", "declare", "accessor",
  ]

  private mutating func classMember() -> JSClass.Member? {
    let start = token.start
    while `is`("@") { decorator() }
    var isStatic = false
    var isAsync = false
    // A modifier is a modifier only when a name follows it (`static = 1` is a field named static).
    func followedByName(_ parser: JSParser) -> Bool {
      let next = parser.text(at: 1)
      return !["(", "=", ";", ":", "?", "!", "}", "<"].contains(next) && !parser.lineBreakBefore[parser.position + 1]
    }
    while position + 1 < tokens.count {
      if Self.modifiers.contains(text), followedByName(self) {
        position += 1
      } else if `is`("static"), followedByName(self) {
        isStatic = true
        position += 1
      } else if `is`("async"), followedByName(self) {
        isAsync = true
        position += 1
      } else if `is`("get") || `is`("set"), followedByName(self) {
        position += 1
      } else {
        break
      }
    }
    eat("*")
    if `is`("static"), text(at: 1) == "{" {  // static block
      position += 1
      _ = block()
      return nil
    }
    if `is`("[") {
      // An index signature `[key: string]: T` or a computed name.
      skipGroup()
      if eat(":") { skipType() }
      if `is`("(") { _ = functionRest(start, name: nil, isAsync: isAsync) }
      endStatement()
      return nil
    }
    let name: String
    switch token.kind {
    case .identifier, .privateName: name = String(decoding: bytes[token.start..<token.end], as: UTF8.self)
    case .string: name = cooked(token).value
    case .number: name = String(decoding: bytes[token.start..<token.end], as: UTF8.self)
    default: return nil
    }
    position += 1
    eat("?")
    eat("!")
    if `is`("(") || `is`("<") {
      let function = functionRest(start, name: name, isAsync: isAsync)
      return JSClass.Member(name: name, isStatic: isStatic, function: function, value: nil, range: range(from: start))
    }
    if eat(":") { skipType() }
    let value = eat("=") ? assignment() : nil
    endStatement()
    return JSClass.Member(name: name, isStatic: isStatic, function: nil, value: value, range: range(from: start))
  }

  // MARK: - Patterns

  /// A binding pattern; `= value` after it is a default only where `allowDefault` (parameters,
  /// nested patterns), not in a declaration, where it is the initialiser.
  private mutating func pattern(allowDefault: Bool = true) -> JSPattern {
    let start = token.start
    var result: JSPattern
    if eat("...") { return .rest(pattern()) }
    if eat("{") {
      var entries: [(key: String?, value: JSPattern)] = []
      while !atEnd, !`is`("}") {
        if eat("...") {
          entries.append((nil, pattern()))
        } else {
          let keyStart = token.start
          var key = text
          if token.kind == .string { key = cooked(token).value }
          if `is`("[") {
            skipGroup()
            key = ""
          } else {
            position += 1
          }
          if eat(":") {
            entries.append((key, pattern()))
          } else {
            var value = JSPattern.name(key, SourceRange(start: keyStart, end: previousEnd))
            if eat("=") { value = .defaulted(value, assignment()) }
            entries.append((key, value))
          }
        }
        if !eat(",") { break }
      }
      expect("}")
      result = .object(entries, range(from: start))
    } else if eat("[") {
      var items: [JSPattern?] = []
      while !atEnd, !`is`("]") {
        if `is`(",") {
          items.append(nil)
        } else {
          items.append(pattern())
        }
        if !eat(",") { break }
      }
      expect("]")
      result = .array(items, range(from: start))
    } else {
      let name = text
      position += 1
      result = .name(name, range(from: start))
    }
    eat("?")
    eat("!")
    if eat(":") { skipType() }
    if allowDefault, eat("=") { result = .defaulted(result, assignment()) }
    return result
  }

  // MARK: - TypeScript types

  /// Skips a type: names with type arguments, literals, object and tuple types, function types,
  /// unions, intersections, arrays, conditional and indexed types.
  private mutating func skipType() {
    eat("|")
    eat("&")
    while !atEnd {
      var group = false
      switch text {
      case "(":
        skipGroup()
        group = true
      case "[", "{":
        skipGroup()
      case "typeof", "keyof", "unique", "infer", "readonly", "asserts", "new", "abstract":
        position += 1
        continue
      default:
        guard token.kind != .punctuator || text == "-" || text == "*" else { return }
        if eat("-") { continue }
        position += 1
        while eat(".") { position += 1 }
      }
      if `is`("<"), !lineBreakBefore[position] { skipAngles() }
      while `is`("["), !lineBreakBefore[position] { skipGroup() }
      if group, eat("=>") { continue }
      if eat("|") || eat("&") || eat("is") || eat("extends") || eat("?") || eat(":") { continue }
      return
    }
  }

  /// Skips `<…>` type parameters or arguments (a `>>` closes two).
  private mutating func skipAngles() {
    var nesting = 0
    repeat {
      let word = text
      if !word.isEmpty, word.allSatisfy({ $0 == "<" || $0 == ">" || $0 == "=" }), token.kind == .punctuator {
        nesting += word.filter { $0 == "<" }.count - word.filter { $0 == ">" }.count
      } else if ["(", "[", "{"].contains(word) {
        skipGroup()
        continue
      } else if [";", ")", "]", "}"].contains(word) {
        return
      }
      position += 1
    } while nesting > 0 && !atEnd
  }

  /// True when `<` at the current token opens type arguments of a call: `f<T>(x)`.
  private func typeArgumentsFollow() -> Bool {
    var probe = self
    probe.skipAngles()
    return probe.is("(") && probe.previousEnd > token.start
  }

  // MARK: - Expressions

  package mutating func expression() -> JSExpr {
    let start = token.start
    let first = assignment()
    guard `is`(",") else { return first }
    var items = [first]
    while eat(",") { items.append(assignment()) }
    return .sequence(items, range(from: start))
  }

  private static let assignmentOperators: Set<String> = [
    "=", "+=", "-=", "*=", "/=", "%=", "**=", "<<=", ">>=", ">>>=", "&=", "|=", "^=", "&&=", "||=", "??=",
  ]

  private mutating func assignment() -> JSExpr {
    depth += 1
    defer { depth -= 1 }
    let start = token.start
    if isDeep {
      note("nested too deep")
      skipStatement("nested too deep")
      return .unknown(range(from: start))
    }
    if let arrow = arrowFunction() { return arrow }
    let target = conditional()
    if Self.assignmentOperators.contains(text) {
      let op = text
      position += 1
      let value = assignment()
      return .assign(op, target, value, range(from: start))
    }
    return target
  }

  /// An arrow function at the current token, if one starts here.
  private mutating func arrowFunction() -> JSExpr? {
    let start = token.start
    let saved = position
    var isAsync = false
    if `is`("async"), text(at: 1) == "(" || (kind(at: 1) == .identifier && text(at: 2) == "=>") {
      isAsync = true
      position += 1
    }
    var parameters: [JSPattern]
    if kind(at: 0) == .identifier, text(at: 1) == "=>" {
      parameters = [.name(text, SourceRange(start: token.start, end: token.end))]
      position += 1
    } else if `is`("(") || `is`("<") {
      // Look ahead: `(…)` followed by `=>` or by a return type and `=>`.
      var probe = self
      if probe.is("<") { probe.skipAngles() }
      guard probe.is("(") else {
        position = saved
        return nil
      }
      probe.skipGroup()
      if probe.eat(":") { probe.skipType() }
      guard probe.is("=>") else {
        position = saved
        return nil
      }
      if `is`("<") { skipAngles() }
      parameters = parameterList()
      if eat(":") { skipType() }
    } else {
      position = saved
      return nil
    }
    guard eat("=>") else {
      position = saved
      return nil
    }
    let statements: [JSStatement]
    if `is`("{") {
      statements = block()
    } else {
      let bodyStart = token.start
      let value = assignment()
      statements = [.return(value, range(from: bodyStart))]
    }
    return .function(
      JSFunction(name: nil, parameters: parameters, body: statements, isAsync: isAsync, range: range(from: start)))
  }

  private mutating func conditional() -> JSExpr {
    let start = token.start
    let test = binary(0)
    guard eat("?") else { return test }
    let then = assignment()
    expect(":")
    let otherwise = assignment()
    return .conditional(test, then, otherwise, range(from: start))
  }

  private static let precedence: [String: Int] = [
    "??": 1, "||": 2, "&&": 3, "|": 4, "^": 5, "&": 6, "==": 7, "!=": 7, "===": 7, "!==": 7,
    "<": 8, ">": 8, "<=": 8, ">=": 8, "instanceof": 8, "in": 8, "as": 8, "satisfies": 8,
    "<<": 9, ">>": 9, ">>>": 9, "+": 10, "-": 10, "*": 11, "/": 11, "%": 11, "**": 12,
  ]

  /// Operators chained in one expression (`a + b + …`, `a.b.c…`) beyond which the expression is
  /// read but not kept: a tree that deep would take a deep recursion to follow and to free.
  private static let maximumChain = 500

  private mutating func binary(_ minimum: Int) -> JSExpr {
    depth += 1
    defer { depth -= 1 }
    let start = token.start
    var left = unary()
    var chained = 0
    while !isDeep, let level = Self.precedence[text], level > minimum,
      token.kind == .punctuator || kind(at: 0) == .identifier
    {
      let op = text
      if op == "as" || op == "satisfies" {
        if lineBreakBefore[position] { break }
        position += 1
        skipType()
        continue
      }
      position += 1
      // `**` is right-associative.
      let right = binary(op == "**" ? level - 1 : level)
      chained += 1
      left = chained < Self.maximumChain ? .binary(op, left, right, range(from: start)) : .unknown(range(from: start))
    }
    return left
  }

  private static let prefixOperators: Set<String> = [
    "!", "-", "+", "~", "typeof", "void", "delete", "await", "++", "--",
  ]

  private mutating func unary() -> JSExpr {
    let start = token.start
    if Self.prefixOperators.contains(text), !(text == "await" && [")", ",", ";", "=", "."].contains(text(at: 1))) {
      let op = text
      position += 1
      let operand = unary()
      return .unary(op, operand, range(from: start))
    }
    if `is`("<"), kind(at: 1) == .identifier {  // `<T>value` cast
      skipAngles()
      return unary()
    }
    var value = callOrMember(allowCall: true)
    if (`is`("++") || `is`("--")), !lineBreakBefore[position] {
      position += 1
      value = .unary("postfix", value, range(from: start))
    }
    return value
  }

  /// A primary expression with its member accesses, calls and non-null assertions.
  private mutating func callOrMember(allowCall: Bool) -> JSExpr {
    let start = token.start
    var value: JSExpr
    if eat("new") {
      if eat(".") {  // new.target
        position += 1
        value = .unknown(range(from: start))
      } else {
        let callee = callOrMember(allowCall: false)
        var arguments: [JSExpr] = []
        if `is`("<"), typeArgumentsFollow() { skipAngles() }
        if `is`("(") { arguments = argumentList() }
        value = .new(callee, arguments, range(from: start))
      }
    } else {
      value = primary()
    }
    var chained = 0
    while !atEnd {
      chained += 1
      if chained > Self.maximumChain { value = .unknown(range(from: start)) }
      switch text {
      case ".", "?.":
        position += 1
        if `is`("(") && allowCall {
          value = .call(value, argumentList(), range(from: start))
        } else if `is`("[") {
          position += 1
          let key = expression()
          expect("]")
          value = .index(value, key, range(from: start))
        } else {
          let nameToken = token
          let name = String(decoding: bytes[nameToken.start..<nameToken.end], as: UTF8.self)
          position += 1
          value = .member(
            value, name, nameRange: SourceRange(start: nameToken.start, end: nameToken.end), range(from: start))
        }
      case "[" where !lineBreakBefore[position] || true:
        position += 1
        let key = expression()
        expect("]")
        value = .index(value, key, range(from: start))
      case "(" where allowCall:
        value = .call(value, argumentList(), range(from: start))
      case "!" where !lineBreakBefore[position]:
        position += 1  // TypeScript non-null assertion
      case "<" where allowCall && typeArgumentsFollow():
        skipAngles()
      default:
        if token.kind == .template || token.kind == .templateHead {  // a tagged template
          _ = primary()
          value = .call(value, [], range(from: start))
          continue
        }
        return value
      }
    }
    return value
  }

  private mutating func argumentList() -> [JSExpr] {
    expect("(")
    var arguments: [JSExpr] = []
    while !atEnd, !`is`(")") {
      let start = token.start
      if eat("...") {
        let value = assignment()
        arguments.append(.spread(value, range(from: start)))
      } else {
        arguments.append(assignment())
      }
      if !eat(",") { break }
    }
    if !eat(")") {
      note("expected `)`")
      // Recover at the `)` that closes this list, if any on the way.
      var nesting = 0
      while !atEnd {
        if ["(", "[", "{"].contains(text) { nesting += 1 }
        if [")", "]", "}"].contains(text) {
          if nesting == 0 {
            eat(")")
            break
          }
          nesting -= 1
        }
        if nesting == 0, `is`(";") { break }
        position += 1
      }
    }
    return arguments
  }

  private mutating func primary() -> JSExpr {
    let start = token.start
    guard !atEnd else { return .unknown(SourceRange(start: start, end: start)) }
    let current = token
    let here = SourceRange(start: current.start, end: current.end)
    switch current.kind {
    case .number:
      position += 1
      let digits = String(decoding: bytes[current.start..<current.end], as: UTF8.self).replacing("_", with: "")
      let value: Double
      if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
        value = Double(UInt64(digits.dropFirst(2), radix: 16) ?? 0)
      } else {
        value = Double(digits.hasSuffix("n") ? String(digits.dropLast()) : digits) ?? 0
      }
      return .number(value, here)
    case .string:
      position += 1
      return .string(cooked(current), here)
    case .template:
      position += 1
      return .template(quasis: [cooked(current)], expressions: [], here)
    case .templateHead:
      var quasis = [cooked(current)]
      var expressions: [JSExpr] = []
      position += 1
      while !atEnd {
        expressions.append(expression())
        guard !atEnd, token.kind == .templateMiddle || token.kind == .templateTail else {
          note("expected the end of a template substitution")
          break
        }
        quasis.append(cooked(token))
        position += 1
        if tokens[position - 1].kind == .templateTail { break }
      }
      while quasis.count < expressions.count + 1 { quasis.append(JSString(pieces: [])) }
      return .template(quasis: quasis, expressions: expressions, range(from: start))
    case .regex:
      position += 1
      return .regex(here)
    case .privateName:
      position += 1
      return .identifier(String(decoding: bytes[current.start..<current.end], as: UTF8.self), here)
    case .templateMiddle, .templateTail, .lineComment, .blockComment:
      position += 1
      return .unknown(here)
    case .identifier:
      switch text {
      case "true", "false", "null", "undefined", "this", "super":
        position += 1
        return .keyword(text(at: -1), here)
      case "function":
        return .function(function(start, isAsync: false))
      case "async" where text(at: 1) == "function":
        position += 1
        return .function(function(start, isAsync: true))
      case "class":
        return .class(classDeclaration(start))
      default:
        position += 1
        return .identifier(texts[position - 1], here)
      }
    case .punctuator:
      switch text {
      case "(":
        position += 1
        let inner = expression()
        expect(")")
        return inner
      case "[":
        position += 1
        var items: [JSExpr?] = []
        while !atEnd, !`is`("]") {
          let itemStart = token.start
          if `is`(",") {
            items.append(nil)
          } else if eat("...") {
            let value = assignment()
            items.append(.spread(value, range(from: itemStart)))
          } else {
            items.append(assignment())
          }
          if !eat(",") { break }
        }
        expect("]")
        return .array(items, range(from: start))
      case "{":
        return object(start)
      default:
        return .unknown(here)
      }
    }
  }

  private mutating func object(_ start: Int) -> JSExpr {
    position += 1
    var properties: [JSProperty] = []
    while !atEnd, !`is`("}") {
      let propertyStart = token.start
      if eat("...") {
        let value = assignment()
        properties.append(.spread(value, range: range(from: propertyStart)))
        if !eat(",") { break }
        continue
      }
      var isAsync = false
      if ["async", "get", "set"].contains(text), ![",", ":", "(", "}", "="].contains(text(at: 1)) {
        isAsync = text == "async"
        position += 1
      }
      eat("*")
      let key: JSPropertyKey
      let keyToken = token
      switch keyToken.kind {
      case .string:
        key = .name(cooked(keyToken).value)
        position += 1
      case .punctuator where `is`("["):
        position += 1
        key = .computed(assignment())
        expect("]")
      default:
        key = .name(String(decoding: bytes[keyToken.start..<keyToken.end], as: UTF8.self))
        position += 1
      }
      if `is`("(") || `is`("<") {
        var name: String?
        if case .name(let text) = key { name = text }
        let method = functionRest(propertyStart, name: name, isAsync: isAsync)
        properties.append(.pair(key: key, value: .function(method), range: range(from: propertyStart)))
      } else if eat(":") {
        let value = assignment()
        properties.append(.pair(key: key, value: value, range: range(from: propertyStart)))
      } else if case .name(let name) = key {
        // Shorthand `{ name }` (and `{ name = 1 }` in a pattern read as an expression).
        let keyRange = SourceRange(start: keyToken.start, end: keyToken.end)
        if eat("=") { _ = assignment() }
        properties.append(.pair(key: key, value: .identifier(name, keyRange), range: range(from: propertyStart)))
      }
      if !eat(",") { break }
    }
    expect("}")
    return .object(properties, range(from: start))
  }

  // MARK: - Literal text

  /// The value of a string literal or a template's literal part, with where each piece is written.
  private func cooked(_ token: JSToken) -> JSString {
    var start = token.start
    var end = token.end
    switch token.kind {
    case .string, .template:
      start += 1
      if end - start >= 1, bytes[end - 1] == bytes[token.start] { end -= 1 }
    case .templateHead:
      start += 1
      end -= 2
    case .templateMiddle:
      start += 1
      end -= 2
    case .templateTail:
      start += 1
      if end > start, bytes[end - 1] == 0x60 { end -= 1 }
    default:
      break
    }
    return Self.cook(bytes, from: start, to: max(start, end))
  }

  /// Splits literal text into runs written as they are and escape sequences with their values.
  package static func cook(_ bytes: [UInt8], from start: Int, to end: Int) -> JSString {
    var pieces: [JSString.Piece] = []
    var runStart = start
    var index = start
    func flush(_ upTo: Int) {
      if upTo > runStart {
        pieces.append(
          JSString.Piece(
            text: Array(bytes[runStart..<upTo]), source: SourceRange(start: runStart, end: upTo), verbatim: true))
      }
    }
    while index < end {
      guard bytes[index] == 0x5C, index + 1 < end else {
        index += 1
        continue
      }
      flush(index)
      let escapeStart = index
      let next = bytes[index + 1]
      index += 2
      var value: [UInt8]
      switch next {
      case 0x6E: value = [0x0A]
      case 0x74: value = [0x09]
      case 0x72: value = [0x0D]
      case 0x62: value = [0x08]
      case 0x66: value = [0x0C]
      case 0x76: value = [0x0B]
      case 0x30 where !(index < end && bytes[index] >= 0x30 && bytes[index] <= 0x39): value = [0x00]
      case 0x0A: value = []
      case 0x0D:
        if index < end, bytes[index] == 0x0A { index += 1 }
        value = []
      case 0x78:  // \xHH
        let digits = bytes[index..<min(end, index + 2)]
        index += digits.count
        value = scalar(UInt32(String(decoding: digits, as: UTF8.self), radix: 16))
      case 0x75:  // \uHHHH or \u{…}
        if index < end, bytes[index] == 0x7B, let close = bytes[index..<end].firstIndex(of: 0x7D) {
          value = scalar(UInt32(String(decoding: bytes[(index + 1)..<close], as: UTF8.self), radix: 16))
          index = close + 1
        } else {
          let digits = bytes[index..<min(end, index + 4)]
          index += digits.count
          value = scalar(UInt32(String(decoding: digits, as: UTF8.self), radix: 16))
        }
      default:
        // Any other escaped character stands for itself (a multi-byte one whole).
        var characterEnd = index
        while characterEnd < end, bytes[characterEnd] & 0xC0 == 0x80 { characterEnd += 1 }
        value = Array(bytes[(index - 1)..<characterEnd])
        index = characterEnd
      }
      pieces.append(JSString.Piece(text: value, source: SourceRange(start: escapeStart, end: index), verbatim: false))
      runStart = index
    }
    flush(end)
    if pieces.isEmpty {
      pieces.append(JSString.Piece(text: [], source: SourceRange(start: start, end: start), verbatim: true))
    }
    return JSString(pieces: pieces)
  }

  private static func scalar(_ code: UInt32?) -> [UInt8] {
    guard let code, let scalar = Unicode.Scalar(code) else { return [] }
    return Array(String(Character(scalar)).utf8)
  }
}
