import ArgumentParser
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
struct MigLint: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "miglint",
    abstract: "Static safety analysis for PostgreSQL migrations.",
    discussion: """
      Exit codes: 0 no finding at or above --fail-on; 1 findings; 2 usage, configuration or I/O error.
      """,
    version: toolVersion,
    subcommands: [Check.self, Sum.self, Rules.self, Explain.self, Lsp.self],
    defaultSubcommand: Check.self)

  /// Runs the command line with our exit codes (ArgumentParser's usage errors would exit 64).
  static func main() {
    // `--version` alone answers before ArgumentParser, whose first parse looks up protocol
    // conformances across the whole binary (most of the start-up's CPU).
    if CommandLine.arguments.dropFirst() == ["--version"] {
      print(toolVersion)
      terminate(Exit.clean)
    }
    removingTemporaryOnSignals()
    var arguments = Array(CommandLine.arguments.dropFirst())
    let paths = Check.takePaths(from: &arguments)
    var command: ParsableCommand
    do {
      command = try parse(arguments)
    } catch {
      // ArgumentParser's own text, on several lines (usage, help): each is written escaped.
      report(error) { message in message.split(separator: "\n").forEach { printError(String($0)) } }
    }
    if var check = command as? Check, !paths.isEmpty {
      check.paths += paths
      command = check
    }
    do {
      try command.run()
      terminate(Exit.clean)
    } catch {
      // May quote a file's text: one escaped line.
      report(error) { printError($0) }
    }
  }

  /// Ends the process for `error`: an `ExitCode` with its code, help asked for on standard
  /// output with 0, anything else with `write` and the usage code.
  private static func report(_ error: any Error, _ write: (String) -> Void) -> Never {
    if let code = error as? ExitCode { terminate(code.rawValue) }
    let message = fullMessage(for: error)
    if exitCode(for: error) == .success {
      print(message)
      terminate(Exit.clean)
    }
    write(message.isEmpty ? "\(error)" : message)
    terminate(Exit.usage)
  }
}

extension MigLint {
  /// The command `arguments` name. A `check` without help flags is parsed as that command
  /// alone: the root's parse builds the option sets of every subcommand by reflection first
  /// (two thirds of a one-file run's instructions). Anything it rejects goes through the root,
  /// so that usage errors and help name `miglint`.
  static func parse(_ arguments: [String]) throws -> ParsableCommand {
    var rest = arguments[...]
    if rest.first == "check" { rest = rest.dropFirst() }
    let helpFlags: Set = ["-h", "--help", "-help", "--help-hidden"]
    if !rest.contains(where: helpFlags.contains), !(rest.first.map(Check.otherCommands.contains) ?? false),
      let check = try? Check.parseAsRoot(Array(rest))
    {
      return check
    }
    return try parseAsRoot(arguments)
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
