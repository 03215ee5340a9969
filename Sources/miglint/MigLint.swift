import MigLintCore
import MigLintReporters
import MigLintRules
import MigLintSyntax
import MigLintWorkspace

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The version printed by `--version` and recorded in JSON and SARIF output.
let toolVersion = "0.1.0"

/// Exit codes: 0 clean, 1 findings at or above `--fail-on`, 2 usage, configuration or I/O error.
enum Exit {
  static let clean: Int32 = 0
  static let findings: Int32 = 1
  static let usage: Int32 = 2
}

@main
enum MigLint {
  static let abstract = "Static safety analysis for PostgreSQL migrations."
  static let discussion =
    "Exit codes: 0 no finding at or above --fail-on; 1 findings; 2 usage, configuration or I/O error."
  /// The commands, `check` first: a command line that does not start with another's name is
  /// `check`'s.
  static let commands: [any Command.Type] = [Check.self, Sum.self, Rules.self, Explain.self, Lsp.self]

  static func main() {
    let words = Array(CommandLine.arguments.dropFirst())
    if words == ["--version"] {
      print(toolVersion)
      terminate(Exit.clean)
    }
    removingTemporaryOnSignals()
    switch words.first {
    case "-h", "--help":
      print(help, terminator: "")
      terminate(Exit.clean)
    case "help":
      guard let name = words.dropFirst().first else {
        print(help, terminator: "")
        terminate(Exit.clean)
      }
      guard let command = commands.first(where: { $0.name == name }) else {
        usageError(UsageError("Unknown command '\(name)'."), usage: "miglint help <command>")
      }
      print(command.help, terminator: "")
      terminate(Exit.clean)
    case let first?:
      if let command = commands.first(where: { $0.name == first }) { run(command, Array(words.dropFirst())) }
      run(Check.self, words)
    case nil:
      run(Check.self, words)
    }
  }

  /// Parses `words` as `command` and runs it, then ends the process with its exit code.
  private static func run<C: Command>(_ command: C.Type, _ words: [String]) -> Never {
    let parsed: C
    do {
      parsed = try C.parse(words)
    } catch let request as HelpRequest {
      print(request.text, terminator: "")
      terminate(Exit.clean)
    } catch {
      usageError(error, usage: C.usageLine)
    }
    do {
      try parsed.run()
      terminate(Exit.clean)
    } catch let code as ExitCode {
      terminate(code.rawValue)
    } catch {
      // May quote a file's text: one escaped line.
      printError("miglint: \(error)")
      terminate(Exit.usage)
    }
  }

  /// Writes a usage error as `Error:`, the usage line and where help is, each line escaped (they
  /// quote the command line), and exits with the usage code.
  private static func usageError(_ error: any Error, usage: String) -> Never {
    let message = (error as? UsageError)?.message ?? "\(error)"
    let command = (error as? UsageError).map { $0.command.isEmpty ? "" : " \($0.command)" } ?? ""
    printError("Error: " + message)
    printError("Usage: " + usage)
    printError("  See 'miglint\(command) --help' for more information.")
    terminate(Exit.usage)
  }

  /// The text of `miglint --help`.
  static var help: String {
    var text = "OVERVIEW: \(abstract)\n\n" + wrapped(discussion, indent: 0) + "\n\n"
    text += "USAGE: miglint <command>\n\nOPTIONS:\n"
    text += helpRow("--version", "Show the version.")
    text += helpRow("-h, --help", "Show help information.")
    text += "\nCOMMANDS:\n"
    for command in commands {
      text += helpRow(command.name + (command.name == Check.name ? " (default)" : ""), command.abstract)
    }
    text += "\n  See 'miglint help <command>' for detailed help.\n"
    return text
  }
}

/// On SIGINT or SIGTERM, removes the temporary file being written (if any), then dies of the
/// signal as it would have.
private func removingTemporaryOnSignals() {
  for signalNumber in [SIGINT, SIGTERM] {
    signal(signalNumber) { received in
      if PendingTemporary.path[0] != 0 { unlink(PendingTemporary.path) }
      signal(received, SIG_DFL)
      raise(received)
    }
  }
}
