import MigLintORM

/// Turns command-line paths, directories and globs into the list of SQL files to lint.
package enum FileDiscovery {
  /// What a list of command-line paths comes to: the files to lint, the paths that gave none
  /// and why, and paths the configuration excluded.
  package struct Discovery: Sendable {
    package var files: [String] = []
    /// A path that does not exist, a glob or directory without SQL files, a broken link: an
    /// input error of the run (exit 2), reported beside the findings.
    package var problems: [(path: String, message: String)] = []
    /// Paths named on the command line that an `exclude` glob leaves out.
    package var excluded: [String] = []
  }

  /// Expands `arguments` in order, without duplicates, never stopping at a bad one.
  ///
  /// A directory contributes every `*.sql` file below it (hidden directories skipped, symlinked
  /// directories not followed); a glob contributes the files it matches; a file is taken as is.
  /// Files matching an `exclude` glob are left out; globs are matched against absolute paths
  /// (relative paths are taken from `currentDirectory`).
  ///
  /// Files found by walking (not named themselves) must lie in the project `root` (or, for a
  /// directory outside it, in that directory): a `.sql` symbolic link that leads out is reported,
  /// not followed. With `strict` (globs from a repository's configuration), whatever a glob finds
  /// must lie in the root.
  package static func discover(
    _ arguments: [String], exclude: [Glob] = [], currentDirectory: String = FileSystem.currentDirectory(),
    root: String? = nil, strict: Bool = false
  ) -> Discovery {
    var discovery = Discovery()
    var seen = Set<String>()
    /// Adds `path`; false when an `exclude` glob leaves it out.
    @discardableResult func add(_ path: String) -> Bool {
      let normalized = normalize(path)
      let absolute = normalized.hasPrefix("/") ? normalized : FileSystem.join(currentDirectory, normalized)
      guard !exclude.contains(where: { $0.matches(absolute) }) else { return false }
      if seen.insert(normalized).inserted { discovery.files.append(normalized) }
      return true
    }
    /// False (and a problem noted) for a found file that resolves outside `tree`.
    func stays(_ path: String, inside tree: String?) -> Bool {
      guard let tree, let real = FileSystem.resolved(path), !FileSystem.isInside(real, tree) else { return true }
      discovery.problems.append((path, "leads outside `\(tree)` (to `\(real)`): not read unless named itself"))
      return false
    }
    for argument in arguments {
      var found = 0
      var left = 0
      func take(_ path: String) { if add(path) { found += 1 } else { left += 1 } }
      func takeFound(_ path: String, inside tree: String?) {
        if stays(path, inside: tree) { take(path) } else { found += 1 }
      }
      do throws(WorkspaceError) {
        if Glob.isPattern(argument), FileSystem.kind(argument) == nil {
          let glob = Glob(argument)
          let start = glob.staticPrefix.isEmpty ? "." : glob.staticPrefix
          if FileSystem.kind(start) == .directory {
            let tree = strict ? root : FileSystem.boundary(for: start, project: root)
            var walked = Found()
            try walk(start, allFiles: true, found: &walked, broken: { _ in }) {
              if glob.matches($0) { takeFound($0, inside: tree) }
            }
          }
          if found + left == 0 { discovery.problems.append((argument, "no file matches this pattern")) }
        } else {
          switch FileSystem.kind(argument) {
          case .directory:
            let tree = FileSystem.boundary(for: argument, project: root)
            var walked = Found()
            try walk(argument, allFiles: false, named: true, found: &walked, broken: { discovery.problems.append($0) })
            {
              takeFound($0, inside: tree)
            }
            for script in walked.scripts where walked.configuredFolders.contains(FileSystem.parent(of: script)) {
              takeFound(script, inside: tree)
            }
            if found + left == 0 {
              discovery.problems.append((argument, "no .sql file or ORM migration below this directory"))
            }
          case .file:
            take(argument)
            if left > 0 { discovery.excluded.append(argument) }
          case .other:
            discovery.problems.append((argument, "not a regular file (a FIFO, a device or a socket): not read"))
          case nil:
            discovery.problems.append((argument, FileSystem.linkProblem(argument) ?? "no such file or directory"))
          }
        }
      } catch {
        discovery.problems.append((error.subject, error.message))
      }
    }
    return discovery
  }

  /// ``discover(_:exclude:currentDirectory:)`` for callers that stop at the first bad path.
  ///
  /// - Throws: ``WorkspaceError`` for the first path that gave no file.
  package static func expand(
    _ arguments: [String], exclude: [Glob] = [], currentDirectory: String = FileSystem.currentDirectory()
  ) throws(WorkspaceError) -> [String] {
    let discovery = discover(arguments, exclude: exclude, currentDirectory: currentDirectory)
    if let problem = discovery.problems.first { throw WorkspaceError(problem.path, problem.message) }
    return discovery.files
  }

  /// Calls `visit` with each file below `directory` (only `*.sql` unless `allFiles`), sorted;
  /// `broken` with each `*.sql` symbolic link that leads nowhere.
  /// What a walk found besides the files it visits: ORM configurations, and scripts that are
  /// migrations only if a configuration names their folder.
  private struct Found {
    var configuredFolders: Set<String> = []
    var scripts: [String] = []
  }

  /// `named`: the directory was named on the command line, so the JavaScript and TypeScript
  /// files directly in it are candidates too, whatever its name.
  private static func walk(
    _ directory: String, allFiles: Bool, named: Bool = false, found: inout Found,
    broken: ((path: String, message: String)) -> Void, _ visit: (String) -> Void
  ) throws(WorkspaceError) {
    for entry in try FileSystem.entries(directory) {
      let path = FileSystem.join(directory, entry.name)
      // `.sequelizerc` and knexfiles name migrations folders of any name.
      if entry.kind == .file, !allFiles, ORMConfiguration.isConfiguration(entry.name),
        let bytes = try? FileSystem.read(path, limit: 1 << 20)
      {
        for folder in ORMConfiguration.migrationFolders(bytes) where !folder.hasPrefix("..") {
          found.configuredFolders.insert(folder.isEmpty ? directory : FileSystem.join(directory, folder))
        }
      }
      if entry.name.hasPrefix(".") { continue }
      switch entry.kind {
      case .directory where entry.name == "node_modules":
        continue  // dependencies' files, never the project's migrations
      case .directory:
        // A folder that cannot be listed (no permission, a path over PATH_MAX) is named; the
        // walk goes on with the others.
        do {
          try walk(path, allFiles: allFiles, found: &found, broken: broken, visit)
        } catch {
          broken((error.subject, error.message))
        }
      case .file:
        if allFiles || Layouts.isSQL(entry.name) || isORMScript(path)
          || (named && Layouts.isScript(entry.name))
        {
          visit(path)
        } else if Layouts.isScript(entry.name) {
          found.scripts.append(path)
        }
      case .other:
        // A `.sql` entry that is neither file nor folder: a broken link, or a FIFO, device or
        // socket (never opened: a FIFO would block the run).
        if Layouts.isSQL(entry.name) {
          broken((path, FileSystem.linkProblem(path) ?? "not a regular file (a FIFO, a device or a socket): not read"))
        }
      }
    }
  }
  /// A JavaScript or TypeScript file in a `migrations` (or `migration`) folder: the ORM layouts
  /// decide whether it is a migration. Build output (`dist/`, `build/`) repeats the sources.
  static func isORMScript(_ path: String) -> Bool {
    let components = path.split(separator: "/").dropLast().map { $0.lowercased() }
    return Layouts.isScript(path)
      && components.contains { $0 == "migrations" || $0 == "migration" }
      && !components.contains { $0 == "dist" || $0 == "build" }
  }

  private static func normalize(_ path: String) -> String {
    var text = path
    while text.hasPrefix("./"), text.count > 2 { text.removeFirst(2) }
    return text
  }
}
