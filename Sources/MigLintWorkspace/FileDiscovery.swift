/// Turns command-line paths, directories and globs into the list of SQL files to lint.
package enum FileDiscovery {
  /// Expands `arguments` in order, without duplicates.
  ///
  /// A directory contributes every `*.sql` file below it (hidden directories skipped, symlinked
  /// directories not followed); a glob contributes the files it matches; a file is taken as is.
  /// Files matching an `exclude` glob are left out; globs are matched against absolute paths
  /// (relative paths are taken from `currentDirectory`).
  ///
  /// - Throws: ``WorkspaceError`` for a path that does not exist or a directory that cannot be listed.
  package static func expand(
    _ arguments: [String], exclude: [Glob] = [], currentDirectory: String = FileSystem.currentDirectory()
  ) throws(WorkspaceError) -> [String] {
    var seen = Set<String>()
    var result: [String] = []
    func add(_ path: String) {
      let normalized = normalize(path)
      let absolute = normalized.hasPrefix("/") ? normalized : FileSystem.join(currentDirectory, normalized)
      guard !exclude.contains(where: { $0.matches(absolute) }), seen.insert(normalized).inserted else { return }
      result.append(normalized)
    }
    for argument in arguments {
      if Glob.isPattern(argument), FileSystem.kind(argument) == nil {
        let glob = Glob(argument)
        let root = glob.staticPrefix
        guard FileSystem.kind(root.isEmpty ? "." : root) == .directory else { continue }
        var matched: [String] = []
        try walk(root.isEmpty ? "." : root, allFiles: true) { path in
          if glob.matches(path) { matched.append(path) }
        }
        if matched.isEmpty { throw WorkspaceError(argument, "no file matches this pattern") }
        matched.forEach(add)
        continue
      }
      switch FileSystem.kind(argument) {
      case .directory:
        try walk(argument, allFiles: false, add)
      case .file, .other:
        add(argument)
      case nil:
        throw WorkspaceError(argument, "no such file or directory")
      }
    }
    return result
  }

  /// Calls `visit` with each file below `directory` (only `*.sql` unless `allFiles`), sorted.
  private static func walk(_ directory: String, allFiles: Bool, _ visit: (String) -> Void) throws(WorkspaceError) {
    for entry in try FileSystem.entries(directory) {
      if entry.name.hasPrefix(".") { continue }
      let path = FileSystem.join(directory, entry.name)
      switch entry.kind {
      case .directory:
        try walk(path, allFiles: allFiles, visit)
      case .file:
        if allFiles || entry.name.lowercased().hasSuffix(".sql") { visit(path) }
      case .other:
        break
      }
    }
  }

  private static func normalize(_ path: String) -> String {
    var text = path
    while text.hasPrefix("./"), text.count > 2 { text.removeFirst(2) }
    return text
  }
}
