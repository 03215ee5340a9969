import MigLintCore
import MigLintRules
import MigLintWorkspace

/// `miglint sum`: writes or checks the deploy record of each migrations directory.
struct Sum: Command {
  static let name = "sum"
  static let abstract = "Write miglint.sum (the deploy record) in each migrations directory."
  static let discussion: String? = """
    Run it when a release is deployed, and commit the files: every migration present counts as \
    deployed from then on. Later runs of `miglint` report deployed migrations that were edited, \
    deleted or reordered. With --check nothing is written: the exit code is 1 when a miglint.sum \
    is missing or differs from what would be written.
    """

  var paths: [String] = []
  var check = false
  var config: String?
  var noConfig = false

  static let arguments: Arguments<Sum>? = .many(
    "paths", \.paths,
    help:
      "Migrations directories or files in them (default: every directory with SQL files below the working directory, or the configuration's include)."
  )

  static let options: [Option<Sum>] = [
    .flag("check", \.check, help: "Write nothing; exit 1 when a miglint.sum is missing or out of date."),
    .value(
      "config", \.config,
      help: "Configuration file (default: miglint.toml or .miglint.toml, from the working directory upward)."),
    .flag("no-config", \.noConfig, help: "Ignore any configuration file."),
  ]

  func run() throws {
    do {
      var overrides = Workspace.Overrides()
      overrides.config = config
      overrides.noConfig = noConfig
      let workspace = try Workspace(overrides, registry: BuiltinRules.registry)
      let project = workspace.project()
      // A directory argument names a migrations directory even when its scripts sit below it.
      let files = try FileDiscovery.expand(
        paths.isEmpty ? workspace.defaultPaths : paths, exclude: project.exclude,
        currentDirectory: workspace.currentDirectory)
      var roots: [String] = []
      for root in files.map(Layouts.root(of:)) where !roots.contains(root) { roots.append(root) }
      var stale = 0
      for root in roots {
        let layout = try project.layout(of: root)
        let record = DeployRecord.make(layout)
        let text = record.render()
        let path = FileSystem.join(root, DeployRecord.fileName)
        let current = layout.sidecars[DeployRecord.fileName].map { String(decoding: $0, as: UTF8.self) }
        let count = layout.migrations.count
        let summary = "\(count) migration\(count == 1 ? "" : "s"), \(layout.tool.rawValue)"
        // Up to date when it lists the same migrations, whatever its comments or a BOM.
        let same =
          current == text
          || layout.sidecars[DeployRecord.fileName].flatMap { try? DeployRecord.parse($0, path: path) }?.entries
            == record.entries
        if same {
          writeText("\(path): up to date (\(summary))\n", to: 1)
        } else if check {
          stale += 1
          writeText("\(path): \(current == nil ? "missing" : "out of date") (\(summary))\n", to: 1)
          // Say what changed since the record was written.
          if let bytes = layout.sidecars[DeployRecord.fileName],
            let old = try? DeployRecord.parse(bytes, path: path)
          {
            for change in record.changes(since: old) { writeText("  \(change)\n", to: 1) }
          }
        } else {
          try FileSystem.writeAtomically(Array(text.utf8), to: path)
          writeText("\(path): written (\(summary))\n", to: 1)
        }
      }
      if stale > 0 { throw ExitCode(Exit.findings) }
    } catch let error as WorkspaceError {
      printError("miglint: \(error.description)")
      throw ExitCode(Exit.usage)
    }
  }

}
