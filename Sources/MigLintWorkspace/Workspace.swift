import MigLintCore

/// The settings a run works with: the configuration file's, with the command line's on top,
/// checked in one place (``ConfigurationLoader``'s value checks serve both), and where they apply.
/// The command line only parses flags into ``Overrides``; everything else is decided here.
package struct Workspace: Sendable {
  package let configuration: Configuration
  /// The absolute directory of the configuration file (the working directory without one): the
  /// base of `include`, `exclude` and `[directories]`.
  package let configurationDirectory: String
  /// Where the run may read through links and write: the configuration's directory, else the git
  /// work tree, else the working directory.
  package let root: String
  package let currentDirectory: String

  /// What the command line says, unparsed; nil or empty leaves the file's setting.
  package struct Overrides: Sendable {
    package var config: String?
    package var noConfig = false
    package var pgVersion: String?
    package var failOn: FailLevel?
    /// Replaces the file's `select`.
    package var select: [String] = []
    /// Added to the file's `ignore`, `forbid`, `include` and `exclude`.
    package var ignore: [String] = []
    package var forbid: [String] = []
    package var include: [String] = []
    package var exclude: [String] = []
    /// `rule=level` entries, over the file's `[severity]`.
    package var severity: [String] = []
    /// True turns the setting on; false leaves the file's.
    package var requireSuppressionReason = false
    package var lockTimeoutSetByRunner = false
    package var jobs: Int?

    package init() {}
  }

  /// Loads the configuration (`--config`, else the nearest `miglint.toml` unless `--no-config`)
  /// and applies `overrides`.
  package init(_ overrides: Overrides, registry: RuleRegistry) throws(WorkspaceError) {
    currentDirectory = FileSystem.currentDirectory()
    var configuration: Configuration
    if let path = overrides.config {
      guard FileSystem.kind(path) == .file else { throw WorkspaceError(path, "configuration file not found") }
      configuration = try ConfigurationLoader.load(path, registry: registry)
    } else if !overrides.noConfig, let found = ConfigurationLoader.find(from: currentDirectory) {
      configuration = try ConfigurationLoader.load(found, registry: registry)
    } else {
      configuration = Configuration()
    }
    if let text = overrides.pgVersion {
      configuration.pgVersion = try ConfigurationLoader.pgVersion(text, "--pg-version")
    }
    if let failOn = overrides.failOn { configuration.failOn = failOn }
    let selected = try ConfigurationLoader.selectors(Self.split(overrides.select), "--select", registry)
    if !selected.isEmpty { configuration.select = selected }
    configuration.ignore += try ConfigurationLoader.selectors(Self.split(overrides.ignore), "--ignore", registry)
    configuration.forbid += try ConfigurationLoader.forbidden(Self.split(overrides.forbid), "--forbid")
    for entry in Self.split(overrides.severity) {
      let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2 else { throw WorkspaceError("--severity", "expected rule=level; got `\(entry)`") }
      let (id, severity) = try ConfigurationLoader.severity(parts[0], parts[1], "--severity", registry)
      configuration.severity[id] = severity
    }
    let base = configuration.path.map { FileSystem.parent(of: $0) } ?? ""
    configurationDirectory = base.hasPrefix("/") ? base : FileSystem.join(currentDirectory, base)
    // The file's globs are relative to its directory, the command line's to the working
    // directory: kept absolute.
    let here = currentDirectory
    configuration.include += overrides.include.map { FileSystem.absolute($0, from: here) }
    configuration.exclude += overrides.exclude.map { FileSystem.absolute($0, from: here) }
    if overrides.requireSuppressionReason { configuration.requireSuppressionReason = true }
    if overrides.lockTimeoutSetByRunner { configuration.lockTimeoutSetByRunner = true }
    if let jobs = overrides.jobs { configuration.jobs = jobs }
    self.configuration = configuration
    let directory = configurationDirectory
    root = FileSystem.projectRoot(
      configurationDirectory: configuration.path.map { _ in directory }, from: currentDirectory)
  }

  /// `exclude` globs, absolute.
  package var exclude: [Glob] { configuration.exclude.map { Glob(anchored($0)) } }

  /// The paths a run without path arguments lints: the `include` globs, else the working directory.
  package var defaultPaths: [String] {
    configuration.include.isEmpty
      ? ["."]
      : configuration.include.map { FileSystem.relative(anchored($0), to: currentDirectory) }
  }

  /// A glob of the configuration, from its directory (command-line globs are absolute already).
  private func anchored(_ glob: String) -> String {
    glob.hasPrefix("/") ? glob : FileSystem.join(configurationDirectory, glob)
  }

  /// The migrations directories' settings for a run: `[directories]` keyed by absolute path.
  package func project(scope: Scope? = nil, base: String? = nil) -> Project {
    var directories: [String: DirectorySettings] = [:]
    for (path, settings) in configuration.directories {
      directories[FileSystem.absolute(path, from: configurationDirectory)] = settings
    }
    var project = Project(
      scope: scope, base: base, directories: directories, exclude: exclude, currentDirectory: currentDirectory,
      root: root)
    project.jobs = configuration.jobs
    return project
  }

  /// `--select a,b --select c` → `[a, b, c]`.
  private static func split(_ values: [String]) -> [String] {
    values.flatMap { $0.split(separator: ",") }.map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
  }
}
