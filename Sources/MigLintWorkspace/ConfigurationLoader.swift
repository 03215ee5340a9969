import MigLintCore

/// Finds and reads `miglint.toml` / `.miglint.toml`.
package enum ConfigurationLoader {
  static let fileNames = ["miglint.toml", ".miglint.toml"]

  /// Every key the file may contain, in the order README documents them.
  package static let keys = [
    "pg-version", "select", "ignore", "severity", "fail-on", "include", "exclude",
    "require-suppression-reason", "lock-timeout-set-by-runner", "forbid", "directories",
  ]

  /// The nearest configuration file from `directory` upward, if any.
  package static func find(from directory: String) -> String? {
    var current = directory
    while true {
      for name in fileNames {
        let candidate = FileSystem.join(current, name)
        if FileSystem.kind(candidate) == .file { return candidate }
      }
      let parent = FileSystem.parent(of: current)
      if parent.isEmpty || parent == current { return nil }
      current = parent
    }
  }

  /// Reads a configuration file.
  ///
  /// - Throws: ``WorkspaceError`` naming the file and the key for TOML syntax errors, unknown
  ///   keys, values of the wrong type and unknown rule ids.
  package static func load(_ path: String, registry: RuleRegistry) throws(WorkspaceError) -> Configuration {
    let bytes = try FileSystem.read(path)
    // TOML allows no NUL; a reader that stopped there would drop the rest of the file silently.
    if let offset = bytes.firstIndex(of: 0) { throw WorkspaceError(path, "NUL byte at byte offset \(offset)") }
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw WorkspaceError(path, "not valid UTF-8")
    }
    return try parse(text, path: path, registry: registry)
  }

  /// Parses configuration text; `path` is used in messages.
  package static func parse(_ text: String, path: String, registry: RuleRegistry) throws(WorkspaceError)
    -> Configuration
  {
    let table: TOMLTable
    do {
      table = try TOML.parse(text)
    } catch {
      throw WorkspaceError("\(path):\(error.line):\(error.column)", "invalid TOML: \(error.message)")
    }
    var configuration = Configuration()
    configuration.path = path
    for key in table.keys.sorted() {
      guard let value = table[key] else { continue }
      let subject = "\(path): `\(key)`"
      switch key {
      case "pg-version":
        let text = value.string ?? value.int.map(String.init) ?? value.double.map { String($0) }
        configuration.pgVersion = try pgVersion(text ?? "", subject)
      case "select":
        configuration.select = try selectors(value, subject, registry)
      case "ignore":
        configuration.ignore = try selectors(value, subject, registry)
      case "severity":
        guard let severities = value.table else {
          throw WorkspaceError(subject, "expected a table of rule id = \"error\" | \"warning\" | \"info\"")
        }
        for rule in severities.keys.sorted() {
          let (id, severity) = try self.severity(
            rule, severities[rule]?.string ?? "", "\(path): `severity.\(rule)`", registry)
          configuration.severity[id] = severity
        }
      case "fail-on":
        guard let name = value.string, let level = FailLevel(rawValue: name) else {
          throw WorkspaceError(subject, "expected \"error\", \"warning\", \"info\" or \"never\"")
        }
        configuration.failOn = level
      case "include":
        configuration.include = try strings(value, subject)
      case "exclude":
        configuration.exclude = try strings(value, subject)
      case "require-suppression-reason":
        guard let flag = value.bool else { throw WorkspaceError(subject, "expected true or false") }
        configuration.requireSuppressionReason = flag
      case "forbid":
        configuration.forbid = try forbidden(try strings(value, subject), subject)
      case "lock-timeout-set-by-runner":
        guard let flag = value.bool else { throw WorkspaceError(subject, "expected true or false") }
        configuration.lockTimeoutSetByRunner = flag
      case "directories":
        configuration.directories = try directories(value, path)
      default:
        throw WorkspaceError(subject, "unknown key (known keys: \(keys.joined(separator: ", ")))")
      }
    }
    return configuration
  }

  /// `[directories."db/migrations"]` tables with `tool` and `transaction`.
  private static func directories(_ value: TOMLValue, _ path: String) throws(WorkspaceError)
    -> [String: DirectorySettings]
  {
    guard let table = value.table else {
      throw WorkspaceError("\(path): `directories`", "expected tables like [directories.\"db/migrations\"]")
    }
    var result: [String: DirectorySettings] = [:]
    for directory in table.keys.sorted() {
      guard let settings = table[directory]?.table else {
        throw WorkspaceError(
          "\(path): `directories.\(directory)`", "expected a table with `tool` and/or `transaction`")
      }
      var entry = DirectorySettings()
      for key in settings.keys.sorted() {
        let subject = "\(path): `directories.\"\(directory)\".\(key)`"
        switch key {
        case "tool":
          guard let name = settings[key]?.string, let tool = MigrationTool(rawValue: name) else {
            throw WorkspaceError(
              subject, "expected one of \(MigrationTool.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))")
          }
          entry.tool = tool
        case "transaction":
          guard let name = settings[key]?.string, let mode = TransactionMode(rawValue: name) else {
            throw WorkspaceError(
              subject,
              "expected one of \(TransactionMode.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))")
          }
          entry.transaction = mode
        default:
          throw WorkspaceError(subject, "unknown key (known keys: tool, transaction)")
        }
      }
      result[directory] = entry
    }
    return result
  }

  private static func strings(_ value: TOMLValue, _ subject: String) throws(WorkspaceError)
    -> [String]
  {
    guard let array = value.array else { throw WorkspaceError(subject, "expected an array of strings") }
    var result: [String] = []
    for element in array {
      guard let text = element.string else { throw WorkspaceError(subject, "expected an array of strings") }
      result.append(text)
    }
    return result
  }

  private static func selectors(
    _ value: TOMLValue, _ subject: String, _ registry: RuleRegistry
  ) throws(WorkspaceError) -> [String] {
    try selectors(try strings(value, subject), subject, registry)
  }

  // MARK: - Values, checked the same way from the file and from the command line

  /// `15`, `12.4`, `9.6`: a version in ``PostgresVersion/supported``.
  package static func pgVersion(_ text: String, _ subject: String) throws(WorkspaceError) -> PostgresVersion {
    guard let version = PostgresVersion(parsing: text) else {
      throw WorkspaceError(
        subject,
        "expected a PostgreSQL version from 9.6 to \(PostgresVersion.supported.upperBound), like 15 or 12.4; got `\(text)`"
      )
    }
    return version
  }

  /// Rule ids, aliases, categories, `all` or `default`.
  package static func selectors(_ names: [String], _ subject: String, _ registry: RuleRegistry)
    throws(WorkspaceError) -> [String]
  {
    for name in names where !registry.isValidSelector(name) {
      throw WorkspaceError(subject, "unknown rule id or category `\(name)` (see `miglint rules`)")
    }
    return names
  }

  /// Statement kinds for `forbidden-statement`.
  package static func forbidden(_ kinds: [String], _ subject: String) throws(WorkspaceError) -> [String] {
    for kind in kinds where !StatementKindNames.names.contains(kind) {
      throw WorkspaceError(subject, "unknown statement kind `\(kind)` (see `miglint explain forbidden-statement`)")
    }
    return kinds
  }

  /// A rule id or alias and a severity name: the canonical id and the severity.
  package static func severity(_ rule: String, _ level: String, _ subject: String, _ registry: RuleRegistry)
    throws(WorkspaceError) -> (id: String, severity: Severity)
  {
    guard let id = registry.canonicalID(rule) else {
      throw WorkspaceError(subject, "unknown rule id `\(rule)` (see `miglint rules`)")
    }
    guard let severity = Severity(rawValue: level) else {
      throw WorkspaceError(subject, "expected \"error\", \"warning\" or \"info\" for `\(rule)`; got `\(level)`")
    }
    return (id, severity)
  }
}
