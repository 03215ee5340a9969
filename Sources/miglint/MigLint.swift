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
    do {
      var arguments = Array(CommandLine.arguments.dropFirst())
      let paths = Check.takePaths(from: &arguments)
      var command = try parseAsRoot(arguments)
      if var check = command as? Check, !paths.isEmpty {
        check.paths += paths
        command = check
      }
      try command.run()
      terminate(Exit.clean)
    } catch let code as ExitCode {
      terminate(code.rawValue)
    } catch {
      let status = exitCode(for: error)
      if status == .success {
        print(fullMessage(for: error))
        terminate(Exit.clean)
      }
      let message = fullMessage(for: error)
      printError(message.isEmpty ? "\(error)" : message)
      terminate(Exit.usage)
    }
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
