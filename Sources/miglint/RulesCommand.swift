import MigLintCore
import MigLintReporters
import MigLintRules
import MigLintWorkspace

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

struct Rules: Command {
  enum Format: String, CaseIterable, ArgumentValue { case text, json }

  static let name = "rules"
  static let abstract = "List every rule."

  var format: Format = .text
  var markdown: String?

  static let options: [Option<Rules>] = [
    .value("format", \.format, help: "text or json."),
    .value(
      "markdown", \.markdown, help: "Write one Markdown page per rule plus README.md into this directory, then exit."),
  ]

  func run() throws {
    let registry = BuiltinRules.registry
    if let markdown {
      guard FileSystem.makeDirectories(markdown) else {
        printError("miglint: \(markdown): cannot create the directory")
        throw ExitCode(Exit.usage)
      }
      do {
        for (name, text) in RuleDocs.pages(registry) {
          try FileSystem.writeAtomically(Array(text.utf8), to: FileSystem.join(markdown, name))
        }
      } catch {
        printError("miglint: \(error.description)")
        throw ExitCode(Exit.usage)
      }
      return
    }
    switch format {
    case .json:
      let rules: [JSONValue] = registry.descriptions.map { description in
        .object([
          ("id", .string(description.id)), ("summary", .string(description.summary)),
          ("category", .string(description.category.rawValue)),
          ("severity", .string(description.severity.rawValue)),
          ("enabled", .bool(description.enabledByDefault)),
          ("aliases", .array(description.aliases.map(JSONValue.string))),
          ("fix", description.fixSafety.map { .string($0.rawValue) } ?? .null),
          ("url", .string(RuleDocumentation.url(for: description.id))),
        ])
      }
      print(JSONValue.array(rules).rendered())
    case .text:
      let width = registry.descriptions.map(\.id.count).max() ?? 0
      for description in registry.descriptions {
        let padding = String(repeating: " ", count: width - description.id.count)
        let state = description.enabledByDefault ? "" : " (off by default)"
        print(
          "\(description.id)\(padding)  \(description.severity.rawValue.padding(7)) \(description.category.rawValue.padding(11)) \(description.summary)\(state)"
        )
      }
    }
  }
}

struct Explain: Command {
  static let name = "explain"
  static let abstract = "Show a rule's documentation."
  static let options: [Option<Explain>] = []
  static let arguments: Arguments<Explain>? = .one("rule", \.rule, help: "A rule id or alias.")

  var rule = ""

  func run() throws {
    guard let description = BuiltinRules.registry.description(for: rule) else {
      printError("miglint: unknown rule id `\(rule)` (see `miglint rules`)")
      throw ExitCode(Exit.usage)
    }
    print(RuleDocs.page(description), terminator: "")
  }
}

extension String {
  fileprivate func padding(_ width: Int) -> String {
    count >= width ? self : self + String(repeating: " ", count: width - count)
  }
}
