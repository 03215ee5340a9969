import MigLintJavaScript
import MigLintSyntax

/// The parts of JavaScript's standard library that migrations use to arrange their calls:
/// `Promise.all`, `Object.entries`, `forEach`/`map`/`reduce` over lists, `then` chains.
enum Builtins {
  static func global(_ name: String) -> Value? {
    switch name {
    case "Promise", "Object", "console", "JSON", "Array", "require": .native(Global(name))
    default: nil
    }
  }

  /// A method of a known value; nil when it is none of these.
  static func method(_ receiver: Value, _ name: String, _ arguments: [Value], _ site: CallSite, _ evaluator: Evaluator)
    -> Value?
  {
    let callback = arguments.first ?? .undefined
    switch (receiver, name) {
    case (.array(let items), "forEach"), (.array(let items), "map"):
      let results = items.enumerated().map { index, item in
        evaluator.call(callback, [item, .number(Double(index), site.range)], site)
      }
      return name == "map" ? .array(results) : .undefined
    case (.array(let items), "reduce"):
      var accumulator = arguments.count > 1 ? arguments[1] : .undefined
      for item in items { accumulator = evaluator.call(callback, [accumulator, item], site) }
      return accumulator
    case (.array(let items), "join"):
      let separator = arguments.first?.text ?? ","
      let parts = items.compactMap(\.string)
      guard parts.count == items.count else { return .unknown("a list joined at run time") }
      var joined = JSString(pieces: [])
      for (index, part) in parts.enumerated() {
        if index > 0 { joined = joined + .opaque(separator, at: site.range) }
        joined = joined + part
      }
      return .string(joined)
    case (.array(let items), "concat"):
      return .array(items + arguments.flatMap { $0.array ?? [$0] })
    case (.array(let items), "filter"):
      return .array(items.filter { evaluator.call(callback, [$0], site).bool != false })
    case (.string(let text), "toLowerCase"), (.string(let text), "toUpperCase"), (.string(let text), "trim"):
      let value = text.value
      let result =
        name == "trim" ? value.trimmingSpaces : name == "toLowerCase" ? value.lowercased() : value.uppercased()
      return .string(.opaque(result, at: text.range))
    case (.string(let text), "concat"):
      return .string(arguments.compactMap(\.string).reduce(text, +))
    case (_, "then"):
      // A promise chain: the callback runs after the call before it.
      evaluator.settle(receiver)
      return evaluator.call(callback, [.unknown("the result of a promise")], site)
    case (_, "catch"):
      return receiver
    case (_, "finally"):
      _ = evaluator.call(callback, [], site)
      return receiver
    default:
      return nil
    }
  }

  /// `Promise`, `Object`, `console`, `JSON`, `Array`, `require`.
  final class Global: Native {
    let name: String
    init(_ name: String) { self.name = name }
    override var label: String { name }

    override func call(_ method: String?, _ arguments: [Value], _ site: CallSite, _ evaluator: Evaluator) -> Value {
      switch (name, method) {
      case ("require", nil):
        guard let module = arguments.first?.text else { return .unknown("a module named at run time") }
        return evaluator.dialect.module(module) ?? evaluator.load(module, at: site.range)
          ?? .unknown("module `\(module)`")
      case ("Promise", "all"), ("Promise", "allSettled"), ("Promise", "resolve"):
        evaluator.settle(arguments.first ?? .undefined)
        return arguments.first ?? .undefined
      case ("Object", "keys"):
        return arguments.first?.object.map { object in
          .array(object.keys.map { .string(.opaque($0, at: object.ranges[$0] ?? site.range)) })
        } ?? .unknown("the keys of an object")
      case ("Object", "values"):
        return arguments.first?.object.map { .array($0.pairs.map(\.value)) } ?? .unknown("the values of an object")
      case ("Object", "entries"):
        return arguments.first?.object.map { object in
          .array(
            object.pairs.map { pair in
              .array([.string(.opaque(pair.key, at: object.ranges[pair.key] ?? site.range)), pair.value])
            })
        } ?? .unknown("the entries of an object")
      case ("Object", "assign"):
        guard let target = arguments.first?.object else { return .unknown("an object") }
        for source in arguments.dropFirst().compactMap(\.object) {
          for (key, value) in source.pairs { target.set(key, value, at: source.ranges[key]) }
        }
        return .object(target)
      case ("JSON", "stringify"):
        return (arguments.first?.json).map { .string(.opaque($0, at: site.range)) } ?? .unknown("a JSON text")
      case ("console", _):
        return .undefined
      default:
        return .unknown("`\(name)\(method.map { "." + $0 } ?? "")`")
      }
    }
  }
}

/// A class written in the file: `new` makes an object of its fields and methods.
final class ClassNative: Native {
  let declaration: JSClass
  let scope: Scope
  let module: Int

  init(_ declaration: JSClass, scope: Scope, module: Int) {
    self.declaration = declaration
    self.scope = scope
    self.module = module
  }

  override var label: String { declaration.name ?? "class" }

  /// An instance, with `this` bound in its methods.
  func instance(_ evaluator: Evaluator) -> ObjectValue {
    let object = ObjectValue()
    let this = Value.object(object)
    for member in declaration.members where !member.isStatic {
      if let function = member.function {
        object.set(
          member.name, .function(Closure(function: function, scope: scope, this: this, module: module)),
          at: member.range)
      } else if let value = member.value {
        let inner = Scope(parent: scope)
        inner.define("this", this)
        object.set(member.name, evaluator.evaluate(value, inner), at: value.range)
      }
    }
    return object
  }

  override func member(_ name: String, _ evaluator: Evaluator) -> Value {
    guard let member = declaration.members.first(where: { $0.isStatic && $0.name == name }) else { return .undefined }
    if let function = member.function { return .function(Closure(function: function, scope: scope, module: module)) }
    return member.value.map { evaluator.evaluate($0, scope) } ?? .undefined
  }

  override func construct(_ arguments: [Value], _ site: CallSite, _ evaluator: Evaluator) -> Value {
    .object(instance(evaluator))
  }
}
