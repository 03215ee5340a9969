/// The command line, read by hand. A library that builds each command's options by reflection
/// at every start cost half of a one-file run's instructions (and linked Foundation into the
/// binary); a command here lists its options once, each bound to the property it sets.

/// A command of `miglint`: its options, its positional arguments and its help.
protocol Command {
  init()
  /// The word that names it (`check`).
  static var name: String { get }
  /// One line for help.
  static var abstract: String { get }
  /// More help, after the usage line; nil for none.
  static var discussion: String? { get }
  static var options: [Option<Self>] { get }
  /// Its positional arguments; nil when it takes none.
  static var arguments: Arguments<Self>? { get }
  /// Rejects combinations of options (a usage error).
  func validate() throws(UsageError)
  func run() throws
}

extension Command {
  static var discussion: String? { nil }
  static var arguments: Arguments<Self>? { nil }
  func validate() throws(UsageError) {}
}

/// A value an option takes.
protocol ArgumentValue {
  init?(argument: String)
  /// The values accepted, for help and errors; nil for any text.
  static var allowedValues: [String]? { get }
}

extension String: ArgumentValue {
  init?(argument: String) { self = argument }
  static var allowedValues: [String]? { nil }
}

extension Int: ArgumentValue {
  init?(argument: String) { self.init(argument, radix: 10) }
  static var allowedValues: [String]? { nil }
}

extension ArgumentValue where Self: RawRepresentable & CaseIterable, RawValue == String {
  init?(argument: String) { self.init(rawValue: argument) }
  static var allowedValues: [String]? { allCases.map(\.rawValue) }
}

/// One option or flag of `C`, with the property it sets.
struct Option<C>: Sendable {
  /// The long name, without dashes (`no-config`).
  let name: String
  let short: Character?
  /// What help calls its value (`<format>`); nil for a flag.
  let valueName: String?
  let help: String
  let allowedValues: [String]?
  /// Sets the value (nil for a flag); false when the value is not one the option takes.
  fileprivate let apply: @Sendable (inout C, String?) -> Bool

  static func flag(_ name: String, _ property: WritableKeyPath<C, Bool> & Sendable, help: String) -> Self {
    Option(name: name, short: nil, valueName: nil, help: help, allowedValues: nil) { command, _ in
      command[keyPath: property] = true
      return true
    }
  }

  /// An option with a value; given twice, the last one counts.
  static func value<T: ArgumentValue>(
    _ name: String, short: Character? = nil, _ property: WritableKeyPath<C, T?> & Sendable, help: String
  ) -> Self {
    converting(name, short: short, help: help) { (command, value: T) in command[keyPath: property] = value }
  }

  /// An option with a value and a default (the property's initial value).
  static func value<T: ArgumentValue>(_ name: String, _ property: WritableKeyPath<C, T> & Sendable, help: String)
    -> Self
  {
    converting(name, short: nil, help: help) { (command, value: T) in command[keyPath: property] = value }
  }

  /// An option whose text is read as a `T` and handed to `set`.
  private static func converting<T: ArgumentValue>(
    _ name: String, short: Character?, help: String, _ set: @escaping @Sendable (inout C, T) -> Void
  ) -> Self {
    Option(name: name, short: short, valueName: name, help: help, allowedValues: T.allowedValues) { command, text in
      guard let value = text.flatMap(T.init(argument:)) else { return false }
      set(&command, value)
      return true
    }
  }

  /// An option that may be given several times; every value is kept, in order.
  static func list(_ name: String, _ property: WritableKeyPath<C, [String]> & Sendable, help: String) -> Self {
    Option(name: name, short: nil, valueName: name, help: help, allowedValues: nil) { command, text in
      guard let text else { return false }
      command[keyPath: property].append(text)
      return true
    }
  }

  /// `--format <format>` or `--fix`, as help and errors show it.
  var usage: String { "--" + name + (valueName.map { " <\($0)>" } ?? "") }
}

/// A command's positional arguments.
struct Arguments<C>: Sendable {
  /// What help calls them (`paths`).
  let name: String
  let help: String
  /// Exactly one is required (`explain RULE`); else any number.
  let single: Bool
  fileprivate let apply: @Sendable (inout C, [String]) -> Void

  static func many(_ name: String, _ property: WritableKeyPath<C, [String]> & Sendable, help: String) -> Self {
    Arguments(name: name, help: help, single: false) { $0[keyPath: property] = $1 }
  }

  static func one(_ name: String, _ property: WritableKeyPath<C, String> & Sendable, help: String) -> Self {
    Arguments(name: name, help: help, single: true) { $0[keyPath: property] = $1[0] }
  }
}

/// A command line the command does not accept: the message, and the command whose usage to show.
struct UsageError: Error {
  let message: String
  var command = ""

  init(_ message: String) { self.message = message }
}

/// Help was asked for: the text to print.
struct HelpRequest: Error {
  let text: String
}

/// Ends the process with `rawValue` once a command has said what it had to.
struct ExitCode: Error {
  let rawValue: Int32
  init(_ rawValue: Int32) { self.rawValue = rawValue }
}

extension Command {
  /// The command `words` describe (`--help` throws its help text).
  static func parse(_ words: [String]) throws -> Self {
    do {
      return try parseWords(words)
    } catch var error as UsageError {
      error.command = name
      throw error
    }
  }

  private static func parseWords(_ words: [String]) throws -> Self {
    var command = Self()
    var positionals: [String] = []
    var index = 0
    while index < words.count {
      let word = words[index]
      index += 1
      if word == "--" {
        positionals += words[index...]
        break
      }
      guard word.hasPrefix("-"), word != "-" else {
        positionals.append(word)
        continue
      }
      let (given, inline) = splitAtEquals(word)
      if given == "-h" || given == "--help" { throw HelpRequest(text: help) }
      guard let option = option(named: given) else {
        var message = "Unknown option '\(given)'."
        if let near = suggestion(for: given) { message += " Did you mean '\(near)'?" }
        throw UsageError(message)
      }
      guard option.valueName != nil else {
        guard inline == nil else { throw UsageError("The flag '--\(option.name)' takes no value.") }
        _ = option.apply(&command, nil)
        continue
      }
      let value: String
      if let inline {
        value = inline
      } else if index < words.count {
        value = words[index]
        index += 1
      } else {
        throw UsageError("Missing value for '\(option.usage)'.")
      }
      guard option.apply(&command, value) else {
        var message = "The value '\(value)' is invalid for '\(option.usage)'."
        if let allowed = option.allowedValues { message += " Use one of: \(allowed.joined(separator: ", "))." }
        throw UsageError(message)
      }
    }
    switch arguments {
    case .some(let expected) where expected.single:
      guard positionals.count == 1 else {
        throw UsageError(
          positionals.isEmpty ? "Missing <\(expected.name)>." : "Unexpected argument '\(positionals[1])'.")
      }
      expected.apply(&command, positionals)
    case .some(let expected):
      expected.apply(&command, positionals)
    case .none:
      if let first = positionals.first { throw UsageError("Unexpected argument '\(first)'.") }
    }
    try command.validate()
    return command
  }

  /// `--name=value` → ("--name", "value"); a short option is `-o value` or `-o=value`.
  private static func splitAtEquals(_ argument: String) -> (String, String?) {
    guard let equals = argument.firstIndex(of: "=") else { return (argument, nil) }
    return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
  }

  private static func option(named given: String) -> Option<Self>? {
    if given.hasPrefix("--") {
      let name = given.dropFirst(2)
      return options.first { $0.name == name }
    }
    guard given.count == 2, let letter = given.last else { return nil }
    return options.first { $0.short == letter }
  }

  /// The option whose name is nearest to the unknown `given` (at most two edits away).
  private static func suggestion(for given: String) -> String? {
    let names = options.map { "--" + $0.name }
    let scored = names.map { ($0, editDistance($0, given)) }.filter { $0.1 <= 2 }
    return scored.min { $0.1 < $1.1 }?.0
  }

  /// `miglint check [<options>] [<paths> ...]`
  static var usageLine: String {
    var line = "miglint \(name)"
    if !options.isEmpty { line += " [<options>]" }
    if let arguments { line += arguments.single ? " <\(arguments.name)>" : " [<\(arguments.name)> ...]" }
    return line
  }

  /// The text of `miglint <name> --help`.
  static var help: String {
    var text = "OVERVIEW: \(abstract)\n"
    if let discussion { text += "\n" + wrapped(discussion, indent: 0) + "\n" }
    text += "\nUSAGE: \(usageLine)\n"
    if let arguments {
      text += "\nARGUMENTS:\n" + helpRow("<\(arguments.name)>", arguments.help)
    }
    text += "\nOPTIONS:\n"
    for option in options {
      var names = option.short.map { "-\($0), " } ?? ""
      names += option.usage
      text += helpRow(names, option.help)
    }
    text += helpRow("-h, --help", "Show help information.")
    return text
  }
}

/// A row of help: the names in a column, the text wrapped beside them.
func helpRow(_ names: String, _ help: String) -> String {
  let column = 26
  let lead = "  " + names
  let text = wrapped(help, indent: column)
  let first = text.drop { $0 == " " }
  if lead.count + 2 > column { return lead + "\n" + text + "\n" }
  return lead + String(repeating: " ", count: column - lead.count) + first + "\n"
}

/// `text` wrapped at 80 columns, each line indented by `indent` spaces (the first too).
func wrapped(_ text: String, indent: Int) -> String {
  let width = 80 - indent
  var lines: [String] = []
  for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
    var line = ""
    for word in paragraph.split(separator: " ") {
      if !line.isEmpty, line.count + 1 + word.count > width {
        lines.append(line)
        line = ""
      }
      line += (line.isEmpty ? "" : " ") + word
    }
    lines.append(line)
  }
  let pad = String(repeating: " ", count: indent)
  return lines.map { $0.isEmpty ? $0 : pad + $0 }.joined(separator: "\n")
}

/// The number of single-character edits between `a` and `b` (Levenshtein).
func editDistance(_ a: String, _ b: String) -> Int {
  let (a, b) = (Array(a), Array(b))
  guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
  var previous = Array(0...b.count)
  for i in 1...a.count {
    var current = [i] + Array(repeating: 0, count: b.count)
    for j in 1...b.count {
      current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.count]
}
