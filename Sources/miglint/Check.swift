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

extension OutputFormat: ArgumentValue {}
extension FailLevel: ArgumentValue {}
extension Scope: ArgumentValue {}

struct Check: Command {
  static let name = "check"
  static let abstract = "Lint migration files (the default command)."

  var paths: [String] = []
  var format: OutputFormat = .text
  var output: String?
  var config: String?
  var noConfig = false
  var pgVersion: String?
  var failOn: FailLevel?
  var select: [String] = []
  var ignore: [String] = []
  var forbid: [String] = []
  var severity: [String] = []
  var include: [String] = []
  var exclude: [String] = []
  var requireSuppressionReason = false
  var lockTimeoutSetByRunner = false
  var jobs: Int?
  var stdinFilename: String?
  var base: String?
  var scope: Scope?
  var noHistory = false
  var noCache = false
  var fix = false
  var unsafeFixes = false
  var diff = false

  static let arguments: Arguments<Check>? = .many(
    "paths", \.paths, help: "Files, directories (every *.sql below) or globs; '-' reads standard input.")

  static let options: [Option<Check>] = [
    .value("format", \.format, help: "Output format: text, json, sarif, github, gitlab, junit or markdown."),
    .value(
      "output", short: "o", \.output, help: "Write the report to this file (atomically) instead of standard output."),
    .value(
      "config", \.config,
      help: "Configuration file (default: miglint.toml or .miglint.toml, from the working directory upward)."),
    .flag("no-config", \.noConfig, help: "Ignore any configuration file."),
    .value("pg-version", \.pgVersion, help: "Target PostgreSQL version, 9.6 to 18 (default 15)."),
    .value(
      "fail-on", \.failOn, help: "Lowest severity that fails the run: error, warning, info or never (default warning)."),
    .list(
      "select", \.select,
      help:
        "Rules to run: ids, aliases, categories, 'default' or 'all' (comma-separated; replaces the config's select)."),
    .list(
      "ignore", \.ignore,
      help: "Rules to skip: ids, aliases or categories (comma-separated; added to the config's ignore)."
    ),
    .list(
      "forbid", \.forbid,
      help: "Statement kinds forbidden-statement reports (comma-separated; added to the config's forbid)."),
    .list(
      "severity", \.severity,
      help: "Severity of a rule, as rule=error|warning|info (comma-separated; over the config's [severity])."),
    .list(
      "include", \.include, help: "Globs linted when no path is given (repeatable; added to the config's include)."),
    .list(
      "exclude", \.exclude, help: "Globs never linted, even when named (repeatable; added to the config's exclude)."),
    .flag(
      "require-suppression-reason", \.requireSuppressionReason,
      help: "Report suppression comments without a reason (as the config's require-suppression-reason)."),
    .flag(
      "lock-timeout-set-by-runner", \.lockTimeoutSetByRunner,
      help:
        "The migration runner sets lock_timeout itself: missing-lock-timeout stays quiet (as the config's lock-timeout-set-by-runner)."
    ),
    .value("jobs", \.jobs, help: "Files linted in parallel (default: the number of cores)."),
    .value(
      "stdin-filename", \.stdinFilename,
      help:
        "Path of the text read from standard input ('-'): its place decides the migrations directory, tool, history and config; default <stdin>."
    ),
    .value(
      "base", \.base,
      help:
        "Git ref whose migrations count as deployed when a directory has no miglint.sum (e.g. origin/main); files changed or deleted since are findings."
    ),
    .value(
      "scope", \.scope,
      help:
        "Which migrations statement rules report on: pending (after the last deployed one) or all (default: pending when a deploy record is known, else all)."
    ),
    .flag(
      "no-history", \.noHistory,
      help: "Lint each file on its own: no migration layouts, schema history or history rules."),
    .flag(
      "no-cache", \.noCache,
      help:
        "Do not read or write the replay cache (the schema model of the history before the first reported migration, kept in $MIGLINT_CACHE_DIR or ~/.cache/miglint)."
    ),
    .flag(
      "fix", \.fix,
      help:
        "Apply safe fixes to the files (atomically), then report what is left. Files with syntax errors or changed since they were read are not written; standard input is printed fixed."
    ),
    .flag(
      "unsafe-fixes", \.unsafeFixes,
      help: "With --fix or --diff, apply unsafe fixes too (they can change behaviour: review them)."),
    .flag(
      "diff", \.diff,
      help: "Print the fixes as a unified diff instead of the report; write nothing. Exit 1 when there is a fix."),
  ]

  func validate() throws(UsageError) {
    if let jobs, jobs < 1 { throw UsageError("--jobs must be at least 1") }
    if unsafeFixes, !fix, !diff { throw UsageError("--unsafe-fixes needs --fix or --diff") }
    if fix, diff { throw UsageError("--diff shows the fixes without writing them: use it instead of --fix") }
    if diff, format != .text { throw UsageError("--diff prints a unified diff: it takes no --format") }
  }

  /// The flags that override the configuration file, for the workspace to check and apply.
  var overrides: Workspace.Overrides {
    var overrides = Workspace.Overrides()
    overrides.config = config
    overrides.noConfig = noConfig
    overrides.pgVersion = pgVersion
    overrides.failOn = failOn
    overrides.select = select
    overrides.ignore = ignore
    overrides.forbid = forbid
    overrides.severity = severity
    overrides.include = include
    overrides.exclude = exclude
    overrides.requireSuppressionReason = requireSuppressionReason
    overrides.lockTimeoutSetByRunner = lockTimeoutSetByRunner
    overrides.jobs = jobs
    return overrides
  }

  func run() throws {
    let registry = BuiltinRules.registry
    let workspace: Workspace
    do {
      workspace = try Workspace(overrides, registry: registry)
    } catch {
      printError("miglint: \(error.description)")
      throw ExitCode(Exit.usage)
    }
    let configuration = workspace.configuration
    let linter = Linter(registry: registry, configuration: configuration)
    var results: [FileResult]
    var fixing: Fixer.Outcome?
    var inputs: [Input] = []
    do {
      var problems: [(path: String, message: String)] = []
      inputs = try resolveInputs(workspace, problems: &problems)
      warnAboutDirectorySettings(workspace)
      if fix || diff {
        let outcome = try Fixer.run(allowing: unsafeFixes ? .unsafe : .safe) { replacements throws(WorkspaceError) in
          try lint(inputs, linter: linter, workspace: workspace, replacements: replacements)
        }
        fixing = outcome
        results = outcome.results
      } else {
        results = try lint(inputs, linter: linter, workspace: workspace)
      }
      // Paths that gave no file are reported like unreadable files: named, with the reason.
      results += problems.map { FileResult(path: $0.path, source: nil, diagnostics: [], inputError: $0.message) }
    } catch {
      printError("miglint: \(error.description)")
      throw ExitCode(Exit.usage)
    }
    var ioFailed = false
    var fixedStandardInput: [UInt8]?
    if let fixing {
      for note in fixing.notes { printError("miglint: \(note)") }
      if diff {
        let text = fixing.changes.map { UnifiedDiff.render(path: $0.path, old: $0.original, new: $0.fixed) }.joined()
        try emit(text)
        printError("miglint: \(fixSummary(fixing, results, written: nil))")
        let failed = results.contains { $0.inputError != nil }
        throw ExitCode(failed ? Exit.usage : (fixing.changes.isEmpty ? Exit.clean : Exit.findings))
      }
      let outcome = write(fixing, inputs, root: workspace.root)
      ioFailed = outcome.failed
      fixedStandardInput = outcome.standardInput
      printError("miglint: \(fixSummary(fixing, results, written: outcome.written))")
    }
    let failed = results.contains { result in
      result.diagnostics.contains { configuration.failOn.fails($0.severity) }
    }
    let exitCode: Int32 =
      ioFailed || results.contains { $0.inputError != nil } ? Exit.usage : (failed ? Exit.findings : Exit.clean)
    // Fixing standard input prints the fixed text, as editors expect from a formatter.
    if fix, let bytes = fixedStandardInput ?? standardInputBytes(inputs) {
      try emit(String(decoding: bytes, as: UTF8.self))
      throw ExitCode(exitCode)
    }
    let report = Report(
      toolVersion: toolVersion, results: results, registry: registry, configuration: configuration,
      exitCode: exitCode)
    let color = output == nil && format == .text && isatty(1) == 1 && getenv("NO_COLOR") == nil
    let links = SourceLinks.fromEnvironment { name in getenv(name).map { String(cString: $0) } }
    try emit { format.write(report, color: color, links: links, jobs: configuration.jobs, to: $0) }
    if format != .text {
      for error in report.inputErrors { printError("miglint: \(error.path): \(error.message)") }
    }
    // Everything is written: the process ends here rather than unwinding, which would free the
    // report, the schema model and every parsed file one object at a time (a tenth of a run).
    terminate(exitCode)
  }

  /// A `[directories."…"]` table for a folder that does not exist is most likely a typo: say so.
  private func warnAboutDirectorySettings(_ workspace: Workspace) {
    let configuration = workspace.configuration
    let root = workspace.configurationDirectory
    for path in configuration.directories.keys.sorted()
    where FileSystem.kind(FileSystem.absolute(path, from: root)) != .directory {
      printError(
        "miglint: warning: \(configuration.path.map(FileSystem.baseName) ?? "configuration"): [directories.\"\(path)\"] names a directory that does not exist"
      )
    }
  }

  /// Writes the fixed files; returns whether a write failed, the paths written, and the fixed
  /// text of standard input.
  private func write(_ fixing: Fixer.Outcome, _ inputs: [Input], root: String) -> (
    failed: Bool, written: Set<String>, standardInput: [UInt8]?
  ) {
    let standardInput = Set(inputs.compactMap { if case .standardInput(let name, _) = $0 { name } else { nil } })
    var failed = false
    var written = Set<String>()
    var fixedStandardInput: [UInt8]?
    for change in fixing.changes {
      if standardInput.contains(change.path) {
        fixedStandardInput = change.fixed
        written.insert(change.path)
        continue
      }
      do throws(WorkspaceError) {
        // Never outside the project, wherever a path or a symbolic link points.
        let target = FileSystem.resolved(change.path) ?? change.path
        guard FileSystem.isInside(target, root) else {
          throw WorkspaceError(change.path, "outside the project (`\(root)`): fixes not written")
        }
        try FileSystem.replace(change.path, expecting: change.original, with: change.fixed)
        written.insert(change.path)
      } catch {
        printError("miglint: \(error.description)")
        failed = true
      }
    }
    return (failed, written, fixedStandardInput)
  }

  /// Writes `text` to `--output` (atomically) or standard output.
  private func emit(_ text: String) throws { try emit { $0.append(text) } }

  /// Writes what `write` produces, a chunk at a time, to `--output` (atomically: the file is
  /// replaced once everything is written) or standard output.
  private func emit(_ write: (ReportOutput) -> Void) throws {
    guard let output else {
      let out = ReportOutput { writeBytes($0, to: 1) }
      write(out)
      return out.flush()
    }
    do throws(WorkspaceError) {
      let file = try FileSystem.AtomicFile(output)
      var failure: WorkspaceError?
      let out = ReportOutput { bytes in
        guard failure == nil else { return }
        do throws(WorkspaceError) { try file.write(bytes) } catch { failure = error }
      }
      write(out)
      out.flush()
      if let failure { throw failure }
      try file.commit()
    } catch {
      printError("miglint: \(error.description)")
      throw ExitCode(Exit.usage)
    }
  }

  /// The text read from standard input, when it is the only input.
  private func standardInputBytes(_ inputs: [Input]) -> [UInt8]? {
    guard inputs.count == 1, case .standardInput(_, let bytes) = inputs[0] else { return nil }
    return bytes
  }

  /// "applied 3 fixes to 2 files; 1 finding has an unsafe fix (--unsafe-fixes)".
  /// `written`: the files the fixes went into (nil for `--diff`, which writes nothing); only their
  /// fixes count as applied.
  private func fixSummary(_ outcome: Fixer.Outcome, _ results: [FileResult], written: Set<String>?) -> String {
    let files = written.map { paths in outcome.changes.filter { paths.contains($0.path) } } ?? outcome.changes
    let count = files.reduce(0) { $0 + (outcome.appliedByPath[$1.path] ?? 0) }
    var parts = [
      outcome.applied == 0
        ? "no fixes to apply"
        : "\(written == nil ? "would apply" : "applied") \(plural(count, "fix", "fixes")) to \(plural(files.count, "file"))"
    ]
    let fixable = results.flatMap(\.diagnostics).filter { !$0.fixes.isEmpty }
    let allowed: FixSafety = unsafeFixes ? .unsafe : .safe
    let left = fixable.filter { $0.fixes.contains { $0.safety <= allowed } }.count
    let unsafe = fixable.filter { diagnostic in
      !diagnostic.fixes.contains { $0.safety <= allowed } && diagnostic.fixes.contains { $0.safety == .unsafe }
    }.count
    if left > 0 { parts.append("\(plural(left, "fix", "fixes")) left unapplied") }
    if unsafe > 0 {
      parts.append("\(plural(unsafe, "finding")) \(unsafe == 1 ? "has" : "have") an unsafe fix (--unsafe-fixes)")
    }
    return parts.joined(separator: "; ")
  }

  /// Lints migration sets (the directories the inputs belong to), or each input on its own.
  /// `replacements` are texts fixed in memory, by path.
  private func lint(
    _ inputs: [Input], linter: Linter, workspace: Workspace, replacements: [String: [UInt8]] = [:]
  ) throws(WorkspaceError) -> [FileResult] {
    let workers = workspace.configuration.jobs
    if noHistory {
      let inputs = inputs.map { input in
        replacements[input.path].map { Input.standardInput(name: input.path, bytes: $0) } ?? input
      }
      return Runner.lint(inputs, linter: linter, jobs: workers)
    }
    let project = workspace.project(scope: scope, base: base)
    var files: [String] = []
    var texts = replacements
    var standalone: [Input] = []
    for input in inputs {
      switch input {
      case .file(let path):
        files.append(path)
      case .standardInput(let name, let read):
        let bytes = replacements[name] ?? read
        // A name that places the text in a directory gets that directory's history.
        let root = Layouts.root(of: name)
        if stdinFilename != nil, FileSystem.kind(root.isEmpty ? "." : root) != nil {
          texts[name] = bytes
        } else {
          texts[name] = nil
          standalone.append(.standardInput(name: name, bytes: bytes))
        }
      }
    }
    let listings = try project.list(files, replacements: texts)
    let cache = noCache ? nil : ReplayCache.standard { name in getenv(name).map { String(cString: $0) } }
    return try Runner.lint(listings, project: project, linter: linter, jobs: workers, cache: cache, exiting: true)
      + Runner.lint(standalone, linter: linter, jobs: workers)
  }

  /// Paths from the command line, the configuration's `include` globs, or the working directory;
  /// `problems` receives the paths that gave no file, with the reason.
  private func resolveInputs(_ workspace: Workspace, problems: inout [(path: String, message: String)])
    throws(WorkspaceError) -> [Input]
  {
    let configuration = workspace.configuration
    let cwd = workspace.currentDirectory
    let exclude = workspace.exclude
    // Globs of the configuration (a repository's, maybe a stranger's) find files in the project only.
    let root = workspace.root
    let strict = paths.isEmpty
    let arguments = paths.isEmpty ? workspace.defaultPaths : paths
    var inputs: [Input] = []
    var files: [String] = []
    func flush() throws(WorkspaceError) {
      let discovery = FileDiscovery.discover(
        files, exclude: exclude, currentDirectory: cwd, root: root, strict: strict)
      inputs += discovery.files.map(Input.file)
      problems += discovery.problems
      for path in discovery.excluded {
        printError(
          "miglint: \(path): excluded by `exclude` in \(configuration.path.map(FileSystem.baseName) ?? "the configuration")"
        )
      }
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
}
