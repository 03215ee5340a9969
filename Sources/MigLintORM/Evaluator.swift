import MigLintJavaScript
import MigLintSyntax

/// Which function of a migration runs.
package enum Direction: String, Sendable {
  case up, down
}

/// What an ORM contributes to evaluation: the values of names the file does not bind (imports
/// of the ORM's classes), modules, and the arguments its runner passes to `up` and `down`.
protocol Dialect: AnyObject {
  func global(_ name: String) -> Value?
  func module(_ name: String) -> Value?
  func arguments(_ evaluator: Evaluator) -> [Value]
}

/// A call miglint could not follow, and why.
package struct Unanalysable: Hashable, Sendable {
  package var range: SourceRange
  package var reason: String
}

/// Evaluates a migration's code without running it: constants are followed, functions written
/// in the file are entered, calls on the ORM's objects write the SQL they send. Nothing runs and
/// nothing outside the file is read; what cannot be known is reported, never dropped.
final class Evaluator {
  /// The migration's text.
  let bytes: [UInt8]
  let dialect: any Dialect
  /// Reads a module the migration imports by a relative path: (specifier, importing module's
  /// path) → its path and text; nil when it cannot or may not be read.
  var loader: ((String, String) -> (path: String, bytes: [UInt8])?)?
  /// The migration (0) and the modules read for it: path and text.
  private var modules: [(path: String, bytes: [UInt8])]
  private var moduleExports: [String: Value] = [:]
  /// The module whose code runs now.
  private(set) var module = 0
  /// While code of an imported module runs: the call in the migration that entered it, where
  /// everything that code sends is reported.
  private var foreignSite: SourceRange?
  private static let moduleLimit = 32
  var writer = SQLWriter()
  private(set) var unanalysable: [Unanalysable] = []
  private var unanalysableSites = Set<SourceRange>()
  private var analysedSites = Set<SourceRange>()
  /// `// miglint-ignore` comments, in file order, not yet written.
  private var comments: [JSToken]
  private var nextComment = 0
  /// Inside a `catch`: the code runs only when the migration fails.
  private var failurePath = 0
  /// The transaction (Sequelize's managed `transaction(async (t) => …)`) calls are in.
  var transaction: Int?
  private var transactions = 0
  private var calls = 0
  private var steps = 0
  private var evaluationDepth = 0
  private static let stepLimit = 5_000_000
  private static let callLimit = 32
  private static let evaluationLimit = 1_000

  /// Where each line of the file starts.
  private let lineStarts: [Int]

  init(bytes: [UInt8], tokens: [JSToken], dialect: any Dialect, path: String = "") {
    self.bytes = bytes
    modules = [(path, bytes)]
    lineStarts = TextBytes.lineStarts(bytes)
    self.dialect = dialect
    comments = tokens.filter { token in
      guard token.kind == .lineComment else { return false }
      let text = bytes[(token.start + 2)..<token.end].drop { $0 == 0x20 || $0 == 0x09 }
      return text.starts(with: Array("miglint-ignore".utf8))
    }
  }

  var analysedCalls: Int { analysedSites.subtracting(unanalysableSites).count }
  var unanalysableCalls: Int { unanalysableSites.count }

  // MARK: - What natives report

  /// A new transaction id, for the transaction that the call at `site` opens.
  func newTransaction(_ site: CallSite) -> Int {
    transactions += 1
    writer.openings[transactions] = (site.range, line(of: site.range.start))
    return transactions
  }

  func analysed(_ site: CallSite) { analysedSites.insert(foreignSite ?? site.range) }

  func unanalysable(_ site: CallSite, _ reason: String) { unanalysable(site.range, reason) }

  /// Notes an ORM call whose arguments (a table, a column) are not constants.
  func notConstant(_ method: String, _ site: CallSite) -> Value {
    unanalysable(site, "the arguments of `\(method)` are not constants miglint can read")
    return .undefined
  }

  func unanalysable(_ range: SourceRange, _ reason: String) {
    let range = foreignSite ?? range
    let reason = module == 0 ? reason : "in `\(modules[module].path)`: \(reason)"
    unanalysableSites.insert(range)
    let entry = Unanalysable(range: range, reason: reason)
    if !unanalysable.contains(entry) { unanalysable.append(entry) }
  }

  /// Writes generated SQL for the call at `site`.
  func emit(_ sql: String, _ site: CallSite, range: SourceRange? = nil, transaction: Int? = nil) {
    analysed(site)
    guard failurePath == 0 else { return failing(site) }
    let at = foreignSite ?? range ?? site.range
    flushComments(before: at.start)
    writer.statement(sql, for: at, line: line(of: at.start), transaction: transaction ?? self.transaction)
  }

  /// Writes a generated statement whose parts stand for different calls.
  func emit(parts: [(text: String, range: SourceRange)], _ site: CallSite, transaction: Int? = nil) {
    analysed(site)
    guard failurePath == 0 else { return failing(site) }
    let parts = foreignSite.map { at in parts.map { ($0.text, at) } } ?? parts
    flushComments(before: parts.map(\.range.start).min() ?? site.range.start)
    let start = parts.map(\.range.start).min() ?? site.range.start
    writer.statement(parts: parts, line: line(of: start), transaction: transaction ?? self.transaction)
  }

  /// Writes SQL held in a string argument, in place.
  func emit(sql: JSString, _ site: CallSite, transaction: Int? = nil) {
    analysed(site)
    guard failurePath == 0 else { return failing(site) }
    // SQL written in an imported module is reported at the call that runs it.
    let sql =
      foreignSite.map { at in
        JSString(
          pieces: sql.pieces.map {
            JSString.Piece(text: $0.text, source: at, verbatim: false, placeholder: $0.placeholder)
          })
      } ?? sql
    let site = foreignSite.map { CallSite(range: $0, arguments: []) } ?? site
    for placeholder in sql.placeholders {
      unanalysable(
        site,
        "the SQL holds `${\(placeholder.placeholder ?? "")}`, whose value miglint cannot know: checked with a placeholder in its place"
      )
    }
    flushComments(before: site.range.start)
    writer.embedded(
      sql, for: site.range, line: line(of: sql.pieces.first?.source.start ?? site.range.start),
      transaction: transaction ?? self.transaction)
  }

  /// Ends the open transaction (`t.commit()`).
  func commit(_ site: CallSite) {
    analysed(site)
    guard failurePath == 0 else { return }
    writer.commit(at: site.range)
  }

  private func failing(_ site: CallSite) {
    unanalysable(site, "runs only when the migration fails (in a `catch`): not checked")
  }

  private func flushComments(before offset: Int) {
    while nextComment < comments.count, comments[nextComment].start < offset {
      let token = comments[nextComment]
      writer.comment(
        Array(bytes[token.start..<token.end]),
        at: SourceRange(start: token.start, end: min(bytes.count, token.end + 1)))
      nextComment += 1
    }
  }

  /// Writes the comments left (after the last call of a section).
  func flushComments() { flushComments(before: Int.max) }

  /// The 1-based line of `offset` in the file.
  func line(of offset: Int) -> Int { lineStarts.partitioningIndex { $0 > offset } }

  /// Text of the module whose code runs now.
  func text(_ range: SourceRange) -> String {
    let bytes = modules[module].bytes
    return String(
      decoding: bytes[max(0, min(bytes.count, range.start))..<min(bytes.count, max(0, range.end))], as: UTF8.self)
  }

  // MARK: - Modules

  /// The exports of a module the running code imports by a relative path, read and evaluated
  /// once; nil when it is not relative or cannot be read.
  func load(_ specifier: String, at range: SourceRange) -> Value? {
    guard specifier.hasPrefix("./") || specifier.hasPrefix("../"), let loader,
      modules.count < Self.moduleLimit, let (path, text) = loader(specifier, modules[module].path)
    else { return nil }
    if let cached = moduleExports[path] { return cached }
    let program = JSParser.parse(text)
    let saved = (module, foreignSite)
    modules.append((path, text))
    module = modules.count - 1
    foreignSite = foreignSite ?? range
    let scope = Scope(parent: nil)
    let exports = ObjectValue()
    scope.define("module", .object(ObjectValue([("exports", .object(exports))])))
    scope.define("exports", .object(exports))
    moduleExports[path] = .object(exports)  // a cycle sees what is exported so far
    _ = execute(program.statements, in: scope)
    (module, foreignSite) = saved
    let result = scope.lookup("module")?.object?["exports"] ?? .object(exports)
    moduleExports[path] = result
    return result
  }

  /// Binds the names an `import` declares.
  private func bindImport(_ specifier: String, _ bindings: [JSImport], at range: SourceRange, _ scope: Scope) {
    guard !bindings.isEmpty, let value = dialect.module(specifier) ?? load(specifier, at: range) else { return }
    for binding in bindings {
      switch binding.imported {
      case "*": scope.define(binding.local, value)
      case "default": scope.define(binding.local, value.object?["default"] ?? value)
      default: scope.define(binding.local, member(value, binding.imported))
      }
    }
  }

  // MARK: - Statements

  enum Completion {
    case normal
    case returned(Value)
    case threw
  }

  func execute(_ statements: [JSStatement], in scope: Scope) -> Completion {
    for statement in statements {
      if case .function(let function, _) = statement, let name = function.name {
        scope.define(name, .function(Closure(function: function, scope: scope, module: module)))
      }
    }
    for statement in statements {
      let completion = execute(statement, in: scope)
      if case .normal = completion { continue }
      return completion
    }
    return .normal
  }

  private func execute(_ statement: JSStatement, in scope: Scope) -> Completion {
    steps += 1
    guard steps < Self.stepLimit else { return .threw }
    switch statement {
    case .expression(let expression):
      if case .native(let native) = evaluate(expression, scope), native.unsent {
        unanalysable(
          expression.range,
          "neither awaited nor returned: \(native.label) builds this query but never sends it (add `await` or `return`)"
        )
        native.settle(self)
      }
    case .variables(_, let bindings, let exported, _):
      for (pattern, value) in bindings {
        let result = value.map { evaluate($0, scope) } ?? .undefined
        bind(pattern, result, scope)
        if exported, case .name(let name, _) = pattern { exports(scope)?[name] = result }
      }
    case .function(let function, let exported):
      if exported, let name = function.name { exports(scope)?[name] = scope.lookup(name) }
    case .class(let declaration, let exported):
      let value = Value.native(ClassNative(declaration, scope: scope, module: module))
      if let name = declaration.name { scope.define(name, value) }
      if exported, let name = declaration.name { exports(scope)?[name] = value }
    case .exportDefault(let expression, _):
      exports(scope)?["default"] = evaluate(expression, scope)
    case .if(let test, let then, let otherwise, _):
      switch evaluate(test, scope).bool {
      case true?: return execute(then, in: Scope(parent: scope))
      case false?: return execute(otherwise ?? [], in: Scope(parent: scope))
      case nil:
        // Either branch may run: both are checked.
        let first = execute(then, in: Scope(parent: scope))
        let second = execute(otherwise ?? [], in: Scope(parent: scope))
        if case .returned = first, case .returned = second { return first }
      }
    case .loop(let binding, let list, let body, _):
      let items = list.map { evaluate($0, scope) }
      if let binding, let elements = items.flatMap(iterated) {
        for element in elements {
          let inner = Scope(parent: scope)
          bind(binding, element, inner)
          let completion = execute(body, in: inner)
          if case .normal = completion { continue }
          return completion
        }
      } else {
        // A loop over what cannot be known: its body is checked once, with unknown values.
        let inner = Scope(parent: scope)
        if let binding {
          bind(binding, .unknown("an element of a list miglint cannot compute"), inner)
        }
        if case .returned(let value) = execute(body, in: inner) { return .returned(value) }
      }
    case .try(let attempt, let binding, let handler, let finally, _):
      let completion = execute(attempt, in: Scope(parent: scope))
      if let handler {
        failurePath += 1
        let inner = Scope(parent: scope)
        if let binding { bind(binding, .unknown("the error"), inner) }
        _ = execute(handler, in: inner)
        failurePath -= 1
      }
      if let finally { _ = execute(finally, in: Scope(parent: scope)) }
      if case .threw = completion { return .normal }
      return completion
    case .switch(let subject, let cases, _):
      let value = evaluate(subject, scope)
      let tests = cases.map { $0.test.map { evaluate($0, scope) } }
      let match = tests.firstIndex { test in test.flatMap { equal(value, $0) } == true }
      let known = !value.isUnknown && tests.allSatisfy { test in test.map { equal(value, $0) != nil } ?? true }
      if known {
        guard let start = match ?? cases.firstIndex(where: { $0.test == nil }) else { break }
        // Falls through to the next case until a `break` (read as the end of the case's body).
        return execute(cases[start].body, in: Scope(parent: scope))
      }
      for entry in cases { _ = execute(entry.body, in: Scope(parent: scope)) }
    case .block(let statements, _):
      return execute(statements, in: Scope(parent: scope))
    case .return(let value, _):
      let result = value.map { evaluate($0, scope) } ?? .undefined
      settle(result)
      return .returned(result)
    case .throw(let value, _):
      _ = evaluate(value, scope)
      return .threw
    case .import(let specifier, let bindings, let range):
      bindImport(specifier, bindings, at: range, scope)
    case .empty:
      break
    }
    return .normal
  }

  private func exports(_ scope: Scope) -> ObjectValue? {
    scope.lookup("module")?.object?["exports"]?.object
  }

  private func iterated(_ value: Value) -> [Value]? {
    switch value {
    case .array(let items): return items
    case .object(let object): return object.keys.map { .string(.opaque($0, at: SourceRange(start: 0, end: 0))) }
    default: return nil
    }
  }

  func bind(_ pattern: JSPattern, _ value: Value, _ scope: Scope) {
    switch pattern {
    case .name(let name, _):
      scope.define(name, value)
    case .object(let entries, _):
      for (key, inner) in entries {
        guard let key else {
          bind(inner, .unknown("the rest of an object"), scope)
          continue
        }
        bind(inner, member(value, key), scope)
      }
    case .array(let items, _):
      let elements = value.array
      for (index, item) in items.enumerated() {
        guard let item else { continue }
        if case .rest(let rest) = item {
          bind(rest, elements.map { .array(Array($0.dropFirst(index))) } ?? .unknown("the rest of a list"), scope)
        } else {
          bind(
            item, elements.map { index < $0.count ? $0[index] : .undefined } ?? .unknown("an element of a list"), scope)
        }
      }
    case .defaulted(let inner, let fallback):
      if case .undefined = value {
        bind(inner, evaluate(fallback, scope), scope)
      } else {
        bind(inner, value, scope)
      }
    case .rest(let inner):
      bind(inner, value, scope)
    }
  }

  // MARK: - Functions

  func invoke(_ closure: Closure, _ arguments: [Value], this: Value? = nil, site: SourceRange? = nil) -> Value {
    guard calls < Self.callLimit else { return .unknown("a call nested too deep") }
    calls += 1
    let saved = (module, foreignSite)
    if closure.module != module {
      // Entering a function of an imported module: what it sends is reported at this call.
      if closure.module != 0, foreignSite == nil { foreignSite = site }
      if closure.module == 0 { foreignSite = nil }
      module = closure.module
    }
    defer {
      calls -= 1
      (module, foreignSite) = saved
    }
    let scope = Scope(parent: closure.scope)
    scope.define("this", this ?? closure.this)
    scope.define("arguments", .array(arguments))
    for (index, parameter) in closure.function.parameters.enumerated() {
      if case .rest(let rest) = parameter {
        bind(rest, .array(Array(arguments.dropFirst(index))), scope)
      } else {
        bind(parameter, index < arguments.count ? arguments[index] : .undefined, scope)
      }
    }
    switch execute(closure.function.body, in: scope) {
    case .returned(let value): return value
    case .normal: return .undefined
    case .threw: return .unknown("a function that throws")
    }
  }

  /// Sends what a lazy query builder holds (Knex sends a query when it is awaited or returned);
  /// lists (`Promise.all`) are settled element by element.
  func settle(_ value: Value) {
    switch value {
    case .native(let native): native.settle(self)
    case .array(let items): items.forEach(settle)
    default: break
    }
  }

  /// Calls a value as a function (a callback an ORM method takes).
  func call(_ value: Value, _ arguments: [Value], _ site: CallSite) -> Value {
    switch value {
    case .function(let closure): return invoke(closure, arguments, site: site.range)
    case .native(let native): return native.call(nil, arguments, site, self)
    default: return .unknown("a value called as a function")
    }
  }

  // MARK: - Expressions

  func evaluate(_ expression: JSExpr, _ scope: Scope) -> Value {
    steps += 1
    guard steps < Self.stepLimit else { return .unknown("code too long to follow") }
    // Expressions nest as deep as the parser lets them (its limits), calls as `callLimit`:
    // together bounded, but guarded here too, for a stack that a worker thread can hold.
    evaluationDepth += 1
    defer { evaluationDepth -= 1 }
    guard evaluationDepth < Self.evaluationLimit else { return .unknown("code nested too deep to follow") }
    switch expression {
    case .identifier(let name, _):
      return scope.lookup(name) ?? dialect.global(name) ?? Builtins.global(name)
        ?? .unknown("`\(name)`, which is not defined in this file")
    case .string(let text, _):
      return .string(text)
    case .template(let quasis, let expressions, _):
      var result = quasis.first ?? JSString(pieces: [])
      for (index, expression) in expressions.enumerated() {
        let range = expression.range
        // The substitution as written, `${…}`, stands for its value.
        let written = SourceRange(start: max(0, range.start - 2), end: min(modules[module].bytes.count, range.end + 1))
        if let text = evaluate(expression, scope).text {
          result = result + .opaque(text, at: written)
        } else {
          let source = text(range)
          result.pieces.append(
            JSString.Piece(text: Array("${p}".utf8), source: written, verbatim: false, placeholder: source))
        }
        if index + 1 < quasis.count { result = result + quasis[index + 1] }
      }
      return .string(result)
    case .number(let value, let range):
      return .number(value, range)
    case .keyword(let word, _):
      switch word {
      case "true": return .bool(true)
      case "false": return .bool(false)
      case "null": return .null
      case "undefined": return .undefined
      default: return scope.lookup("this") ?? .undefined
      }
    case .regex:
      return .unknown("a regular expression")
    case .object(let properties, let range):
      let object = ObjectValue()
      object.range = range
      for property in properties {
        switch property {
        case .pair(let key, let value, _):
          let name: String?
          switch key {
          case .name(let text): name = text
          case .computed(let expression): name = evaluate(expression, scope).text
          }
          let result = evaluate(value, scope)
          if let name { object.set(name, result, at: value.range) }
        case .spread(let value, _):
          if let source = evaluate(value, scope).object {
            for (key, item) in source.pairs { object.set(key, item, at: source.ranges[key]) }
          }
        }
      }
      return .object(object)
    case .array(let items, _):
      var values: [Value] = []
      for item in items {
        guard let item else {
          values.append(.undefined)
          continue
        }
        if case .spread(let inner, _) = item, let elements = evaluate(inner, scope).array {
          values += elements
        } else {
          values.append(evaluate(item, scope))
        }
      }
      return .array(values)
    case .spread(let inner, _):
      return evaluate(inner, scope)
    case .member(let object, let name, _, _):
      return member(evaluate(object, scope), name)
    case .index(let object, let key, _):
      let container = evaluate(object, scope)
      let index = evaluate(key, scope)
      if case .number(let number, _) = index, let items = container.array {
        let position = Int(number)
        return position >= 0 && position < items.count ? items[position] : .undefined
      }
      if let name = index.text { return member(container, name) }
      return .unknown("an element picked at run time")
    case .call(let callee, let arguments, let range):
      return evaluateCall(callee, arguments, range, scope)
    case .new(let callee, let arguments, let range):
      let constructor = evaluate(callee, scope)
      let values = evaluateArguments(arguments, scope)
      let site = CallSite(range: range, arguments: arguments.map(\.range))
      if let native = constructor.native { return native.construct(values, site, self) }
      return .unknown("`new \(text(callee.range))`")
    case .function(let function):
      return .function(
        Closure(function: function, scope: scope, this: scope.lookup("this") ?? .undefined, module: module))
    case .class(let declaration):
      return .native(ClassNative(declaration, scope: scope, module: module))
    case .unary(let op, let operand, _):
      let value = evaluate(operand, scope)
      switch op {
      case "await":
        settle(value)
        return value
      case "!": return value.bool.map { .bool(!$0) } ?? .unknown("a condition")
      case "-":
        if case .number(let number, let range) = value { return .number(-number, range) }
        return .unknown("a number")
      case "void": return .undefined
      case "typeof":
        switch value {
        case .string: return .string(.opaque("string", at: operand.range))
        case .number: return .string(.opaque("number", at: operand.range))
        case .function: return .string(.opaque("function", at: operand.range))
        default: return .unknown("a type")
        }
      default: return .unknown("`\(op)`")
      }
    case .binary(let op, let left, let right, _):
      return binary(op, left, right, scope)
    case .conditional(let test, let then, let otherwise, _):
      switch evaluate(test, scope).bool {
      case true?: return evaluate(then, scope)
      case false?: return evaluate(otherwise, scope)
      case nil:
        _ = evaluate(then, scope)
        _ = evaluate(otherwise, scope)
        return .unknown("a value chosen at run time")
      }
    case .assign(let op, let target, let valueExpression, _):
      var value = evaluate(valueExpression, scope)
      if op == "+=" {
        value = add(evaluate(target, scope), value)
      } else if op != "=" {
        value = .unknown("a value computed at run time")
      }
      assign(target, value, scope)
      return value
    case .sequence(let items, _):
      var last = Value.undefined
      for item in items { last = evaluate(item, scope) }
      return last
    case .unknown(let range):
      return .unknown("`\(text(range))`, which miglint cannot read")
    }
  }

  private func assign(_ target: JSExpr, _ value: Value, _ scope: Scope) {
    switch target {
    case .identifier(let name, _):
      scope.assign(name, value)
    case .member(let object, let name, _, _):
      evaluate(object, scope).object?.set(name, value, at: nil)
    case .index(let object, let key, _):
      if let name = evaluate(key, scope).text { evaluate(object, scope).object?.set(name, value, at: nil) }
    default:
      break
    }
  }

  func member(_ value: Value, _ name: String) -> Value {
    switch value {
    case .object(let object):
      return object[name] ?? .undefined
    case .array(let items):
      return name == "length" ? .number(Double(items.count), SourceRange(start: 0, end: 0)) : .unknown("`.\(name)`")
    case .string(let text):
      return name == "length"
        ? .number(Double(text.value.count), SourceRange(start: 0, end: 0)) : .unknown("`.\(name)`")
    case .native(let native):
      return native.member(name, self)
    case .unknown(let what):
      return .unknown("`.\(name)` of \(what)")
    default:
      return .undefined
    }
  }

  private func evaluateArguments(_ arguments: [JSExpr], _ scope: Scope) -> [Value] {
    var values: [Value] = []
    for argument in arguments {
      if case .spread(let inner, _) = argument, let items = evaluate(inner, scope).array {
        values += items
      } else {
        values.append(evaluate(argument, scope))
      }
    }
    return values
  }

  private func evaluateCall(_ callee: JSExpr, _ arguments: [JSExpr], _ range: SourceRange, _ scope: Scope) -> Value {
    let site = CallSite(range: range, arguments: arguments.map(\.range))
    if case .member(let objectExpression, let name, _, _) = callee {
      let receiver = evaluate(objectExpression, scope)
      let values = evaluateArguments(arguments, scope)
      switch receiver {
      case .native(let native):
        // A promise chain on an ORM call (`knex.schema.createTable(…).then(…)`).
        if ["then", "catch", "finally"].contains(name), let result = Builtins.method(receiver, name, values, site, self)
        {
          return result
        }
        return native.call(name, values, site, self)
      case .object(let object):
        if case .function(let closure)? = object[name] { return invoke(closure, values, this: receiver, site: range) }
        if let native = object[name]?.native { return native.call(nil, values, site, self) }
      case .function(let closure) where name == "call" || name == "apply":
        let rest = name == "call" ? Array(values.dropFirst()) : (values.dropFirst().first?.array ?? [])
        return invoke(closure, rest, this: values.first, site: range)
      default:
        break
      }
      if let result = Builtins.method(receiver, name, values, site, self) { return result }
      return unfollowed(text(callee.range), values, site)
    }
    let function = evaluate(callee, scope)
    let values = evaluateArguments(arguments, scope)
    switch function {
    case .function(let closure): return invoke(closure, values, site: range)
    case .native(let native): return native.call(nil, values, site, self)
    default: return unfollowed(text(callee.range), values, site)
    }
  }

  /// A call of something miglint cannot see into: fine unless it is handed the ORM.
  private func unfollowed(_ callee: String, _ values: [Value], _ site: CallSite) -> Value {
    if let handle = values.lazy.compactMap(\.native).first(where: \.isHandle) {
      unanalysable(site, "`\(callee)` is not defined in this file; what it does with `\(handle.label)` is not checked")
    }
    return .unknown("the result of `\(callee)`")
  }

  private func binary(_ op: String, _ leftExpression: JSExpr, _ rightExpression: JSExpr, _ scope: Scope) -> Value {
    let left = evaluate(leftExpression, scope)
    switch op {
    case "&&":
      if left.bool == false { return left }
      let right = evaluate(rightExpression, scope)
      return left.bool == true ? right : .unknown("a condition")
    case "||":
      if left.bool == true { return left }
      let right = evaluate(rightExpression, scope)
      return left.bool == false ? right : .unknown("a condition")
    case "??":
      if !left.isNullish, !left.isUnknown { return left }
      let right = evaluate(rightExpression, scope)
      return left.isNullish ? right : .unknown("a value chosen at run time")
    default:
      break
    }
    let right = evaluate(rightExpression, scope)
    switch op {
    case "+": return add(left, right)
    case "===", "==": return equal(left, right).map(Value.bool) ?? .unknown("a comparison")
    case "!==", "!=": return equal(left, right).map { .bool(!$0) } ?? .unknown("a comparison")
    default: return .unknown("`\(op)`")
    }
  }

  private func add(_ left: Value, _ right: Value) -> Value {
    if case .number(let a, let range) = left, case .number(let b, _) = right { return .number(a + b, range) }
    if case .string(let a) = left, let b = right.string { return .string(a + b) }
    if let a = left.string, case .string(let b) = right { return .string(a + b) }
    return .unknown("a value computed at run time")
  }

  /// Whether two known values are equal; nil when either is not known.
  func equal(_ left: Value, _ right: Value) -> Bool? {
    switch (left, right) {
    case (.string(let a), .string(let b)): return a.bytes == b.bytes
    case (.number(let a, _), .number(let b, _)): return a == b
    case (.bool(let a), .bool(let b)): return a == b
    case (.null, .null), (.undefined, .undefined): return true
    case (.unknown, _), (_, .unknown), (.native, _), (_, .native): return nil
    default: return false
    }
  }
}
