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

extension OutputFormat: ExpressibleByArgument {}
extension FailLevel: ExpressibleByArgument {}
extension Scope: ExpressibleByArgument {}

struct Check: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Lint migration files (the default command).")

  @Argument(help: "Files, directories (every *.sql below) or globs; '-' reads standard input.")
  var paths: [String] = []

  @Option(help: "Output format: text, json or sarif.")
  var format: OutputFormat = .text

  @Option(name: [.short, .long], help: "Write the report to this file (atomically) instead of standard output.")
  var output: String?

  @Option(help: "Configuration file (default: miglint.toml or .miglint.toml, from the working directory upward).")
  var config: String?

  @Flag(help: "Ignore any configuration file.")
  var noConfig = false

  @Option(help: "Target PostgreSQL version, 9.6 to 18 (default 15).")
  var pgVersion: String?

  @Option(help: "Lowest severity that fails the run: error, warning, info or never (default warning).")
  var failOn: FailLevel?

  @Option(
    help: "Rules to run: ids, aliases, categories, 'default' or 'all' (comma-separated; replaces the config's select).")
  var select: [String] = []

  @Option(help: "Rules to skip: ids, aliases or categories (comma-separated; added to the config's ignore).")
  var ignore: [String] = []

  @Option(help: "Statement kinds forbidden-statement reports (comma-separated; added to the config's forbid).")
  var forbid: [String] = []

  @Option(help: "Files linted in parallel (default: the number of cores).")
  var jobs: Int?

  @Option(
    help:
      "Path of the text read from standard input ('-'): its place decides the migrations directory, tool, history and config; default <stdin>."
  )
  var stdinFilename: String?

  @Option(
    help:
      "Git ref whose migrations count as deployed when a directory has no miglint.sum (e.g. origin/main); files changed or deleted since are findings."
  )
  var base: String?

  @Option(
    help:
      "Which migrations statement rules report on: pending (after the last deployed one) or all (default: pending when a deploy record is known, else all)."
  )
  var scope: Scope?

  @Flag(help: "Lint each file on its own: no migration layouts, schema history or history rules.")
  var noHistory = false

  func validate() throws {
    if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
  }

  func run() throws {
    let registry = BuiltinRules.registry
    let configuration: Configuration
    do {
      configuration = try resolveConfiguration(registry)
    } catch {
      printError("miglint: \(error.description)")
      throw ExitCode(Exit.usage)
    }
    let linter = Linter(registry: registry, configuration: configuration)
    let results: [FileResult]
    do {
      let inputs = try resolveInputs(configuration)
      results = try lint(inputs, linter: linter, configuration: configuration)
    } catch {
      printError("miglint: \(error.description)")
      throw ExitCode(Exit.usage)
    }
    let failed = results.contains { result in
      result.diagnostics.contains { configuration.failOn.fails($0.severity) }
    }
    let exitCode: Int32 =
      results.contains { $0.inputError != nil } ? Exit.usage : (failed ? Exit.findings : Exit.clean)
    let report = Report(
      toolVersion: toolVersion, results: results, registry: registry, configuration: configuration,
      exitCode: exitCode)
    let color = output == nil && format == .text && isatty(1) == 1 && getenv("NO_COLOR") == nil
    let text = format.render(report, color: color)
    if let output {
      do {
        try FileSystem.writeAtomically(Array(text.utf8), to: output)
      } catch {
        printError("miglint: \(error.description)")
        throw ExitCode(Exit.usage)
      }
    } else {
      writeText(text, to: 1)
    }
    if format != .text {
      for error in report.inputErrors { printError("miglint: \(error.path): \(error.message)") }
    }
    throw ExitCode(exitCode)
  }

  /// The configuration file's settings with command-line options on top.
  private func resolveConfiguration(_ registry: RuleRegistry) throws(WorkspaceError) -> Configuration {
    var configuration = try Self.loadConfiguration(config, ignoring: noConfig, registry)
    if let pgVersion {
      guard let version = PostgresVersion(parsing: pgVersion) else {
        throw WorkspaceError(
          "--pg-version", "expected a PostgreSQL version from 9.6 to 18, like 15 or 12.4; got `\(pgVersion)`")
      }
      configuration.pgVersion = version
    }
    if let failOn { configuration.failOn = failOn }
    let selected = Self.split(select)
    let ignored = Self.split(ignore)
    for (flag, names) in [("--select", selected), ("--ignore", ignored)] {
      for name in names where !registry.isValidSelector(name) {
        throw WorkspaceError(flag, "unknown rule id or category `\(name)` (see `miglint rules`)")
      }
    }
    if !selected.isEmpty { configuration.select = selected }
    configuration.ignore += ignored
    for kind in Self.split(forbid) {
      guard StatementKindNames.names.contains(kind) else {
        throw WorkspaceError("--forbid", "unknown statement kind `\(kind)` (see `miglint explain forbidden-statement`)")
      }
      configuration.forbid.append(kind)
    }
    return configuration
  }

  /// Lints migration sets (the directories the inputs belong to), or each input on its own.
  private func lint(_ inputs: [Input], linter: Linter, configuration: Configuration) throws(WorkspaceError)
    -> [FileResult]
  {
    let workers = jobs ?? System.coreCount
    if noHistory { return Runner.lint(inputs, linter: linter, jobs: workers) }
    let project = try Self.project(configuration, scope: scope, base: base)
    var files: [String] = []
    var replacement: (path: String, bytes: [UInt8])?
    var standalone: [Input] = []
    for input in inputs {
      switch input {
      case .file(let path):
        files.append(path)
      case .standardInput(let name, let bytes):
        // A name that places the text in a directory gets that directory's history.
        let root = Layouts.root(of: name)
        if stdinFilename != nil, FileSystem.kind(root.isEmpty ? "." : root) != nil {
          replacement = (name, bytes)
        } else {
          standalone.append(input)
        }
      }
    }
    let sets = try project.load(files, replacement: replacement)
    return Runner.lint(sets, linter: linter, jobs: workers) + Runner.lint(standalone, linter: linter, jobs: workers)
  }

  /// The file named by `--config`, else the nearest `miglint.toml` (unless `--no-config`).
  static func loadConfiguration(_ path: String?, ignoring: Bool, _ registry: RuleRegistry) throws(WorkspaceError)
    -> Configuration
  {
    if let path {
      guard FileSystem.kind(path) == .file else { throw WorkspaceError(path, "configuration file not found") }
      return try ConfigurationLoader.load(path, registry: registry)
    }
    if !ignoring, let found = ConfigurationLoader.find(from: FileSystem.currentDirectory()) {
      return try ConfigurationLoader.load(found, registry: registry)
    }
    return Configuration()
  }

  /// The workspace settings of a run: directory overrides relative to the configuration file.
  static func project(_ configuration: Configuration, scope: Scope?, base: String?) throws(WorkspaceError) -> Project {
    let cwd = FileSystem.currentDirectory()
    let root = configurationDirectory(configuration)
    var directories: [String: DirectorySettings] = [:]
    for (path, settings) in configuration.directories { directories[FileSystem.absolute(path, from: root)] = settings }
    return Project(
      scope: scope, base: base, directories: directories,
      exclude: configuration.exclude.map { Glob(FileSystem.join(root, $0)) }, currentDirectory: cwd)
  }

  /// The absolute directory of the configuration file (the working directory without one).
  static func configurationDirectory(_ configuration: Configuration) -> String {
    let cwd = FileSystem.currentDirectory()
    let base = configuration.path.map { FileSystem.parent(of: $0) } ?? ""
    return base.hasPrefix("/") ? base : FileSystem.join(cwd, base)
  }

  /// Paths from the command line, the configuration's `include` globs, or the working directory.
  private func resolveInputs(_ configuration: Configuration) throws(WorkspaceError) -> [Input] {
    let cwd = FileSystem.currentDirectory()
    let base = Self.configurationDirectory(configuration)
    let exclude = configuration.exclude.map { Glob(FileSystem.join(base, $0)) }
    var arguments = paths
    if arguments.isEmpty {
      arguments =
        configuration.include.isEmpty
        ? ["."] : configuration.include.map { FileSystem.relative(FileSystem.join(base, $0), to: cwd) }
    }
    var inputs: [Input] = []
    var files: [String] = []
    func flush() throws(WorkspaceError) {
      inputs += try FileDiscovery.expand(files, exclude: exclude, currentDirectory: cwd).map(Input.file)
      files = []
    }
    for argument in arguments {
      if argument == "-" {
        try flush()
        inputs.append(.standardInput(name: stdinFilename ?? "<stdin>", bytes: try FileSystem.readStandardInput()))
      } else {
        files.append(argument)
      }
    }
    try flush()
    return inputs
  }

  /// Options of `check` that take a value (kept in step with the declarations above by a test).
  static let optionsWithValues: Set<String> = [
    "--format", "--output", "-o", "--config", "--pg-version", "--fail-on", "--select", "--ignore", "--forbid", "--jobs",
    "--stdin-filename", "--base", "--scope",
  ]

  /// Moves the path arguments of `check` out of `arguments`.
  ///
  /// ArgumentParser takes time quadratic in the number of positional values (measured: 19% of a
  /// run over 2,000 files, as a pre-commit hook passes them), so paths skip it.
  static func takePaths(from arguments: inout [String]) -> [String] {
    if let first = arguments.first, ["rules", "explain", "help", "sum"].contains(first) { return [] }
    var kept: [String] = []
    var paths: [String] = []
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      index += 1
      if argument == "--" {
        paths += arguments[index...]
        break
      }
      if argument == "check", kept.isEmpty, paths.isEmpty {
        kept.append(argument)
      } else if argument.hasPrefix("-"), argument != "-" {
        kept.append(argument)
        if optionsWithValues.contains(argument), index < arguments.count {
          kept.append(arguments[index])
          index += 1
        }
      } else {
        paths.append(argument)
      }
    }
    arguments = kept
    return paths
  }

  /// `--select a,b --select c` → `[a, b, c]`.
  private static func split(_ values: [String]) -> [String] {
    values.flatMap { $0.split(separator: ",") }.map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
  }
}

enum System {
  static var coreCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}
