import Foundation
import MigLintCore
import MigLintRules
import MigLintSyntax
import MigLintWorkspace

/// Helpers shared by the test targets.
package enum TestLint {
  /// Lints SQL text with the built-in rules.
  package static func lint(
    _ sql: String, select: [String]? = nil, pgVersion: Int? = nil, path: String = "test.sql",
    configure: (inout Configuration) -> Void = { _ in }
  ) -> [Diagnostic] {
    var configuration = Configuration()
    configuration.select = select
    if let pgVersion { configuration.pgVersion = PostgresVersion(major: pgVersion) }
    configure(&configuration)
    let linter = Linter(registry: BuiltinRules.registry, configuration: configuration)
    guard let source = try? SourceFile(path: path, text: sql) else { return [] }
    return linter.lint(source)
  }

  /// Lints a rule example with its target version and configuration, plus the selected rules.
  package static func lint(_ example: RuleExample, sql: String, select: [String]) -> [Diagnostic] {
    lint(sql, pgVersion: example.pgVersion) { configuration in
      if let text = example.configuration,
        let parsed = try? ConfigurationLoader.parse(text, path: "example.toml", registry: BuiltinRules.registry)
      {
        configuration = parsed
        if let version = example.pgVersion { configuration.pgVersion = PostgresVersion(major: version) }
      }
      configuration.select = (configuration.select ?? []) + select
    }
  }

  /// The text `miglint --fix --select <rule>` makes of a rule example's SQL (with `--unsafe-fixes`
  /// for a rule whose fix is unsafe): its fixes applied until nothing changes.
  package static func fixed(_ example: RuleExample, sql: String, rule: RuleDescription) -> String {
    let path = "example.sql"
    let outcome = Fixer.run(allowing: rule.fixSafety ?? .safe) { (replacements: [String: [UInt8]]) -> [FileResult] in
      let text = replacements[path].map { String(decoding: $0, as: UTF8.self) } ?? sql
      let diagnostics = lint(example, sql: text, select: [rule.id]).filter { $0.ruleID == rule.id }
      return [FileResult(path: path, source: try? SourceFile(path: path, text: text), diagnostics: diagnostics)]
    }
    return outcome.changes.first.map { String(decoding: $0.fixed, as: UTF8.self) } ?? sql
  }

  /// A finding of a directory example: the file (relative to the directory) and the diagnostic.
  package struct DirectoryFinding: Sendable {
    package var file: String
    package var diagnostic: Diagnostic
  }

  /// Lints a directory example: writes its deployed files, records them with the deploy record,
  /// replaces them with its files, and lints the directory with the history.
  package static func lintDirectory(_ example: RuleExample, select: [String]) throws -> [DirectoryFinding] {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    func write(_ files: [ExampleFile]) throws {
      for file in files {
        let path = FileSystem.join(directory, file.path)
        try FileManager.default.createDirectory(
          atPath: FileSystem.parent(of: path), withIntermediateDirectories: true)
        try FileSystem.writeAtomically(Array(file.text.replacing("\u{25B6}", with: "").utf8), to: path)
      }
    }
    if let deployed = example.deployed {
      try write(deployed)
      let record = DeployRecord.make(try Project().layout(of: directory))
      try FileSystem.writeAtomically(Array(record.render().utf8), to: FileSystem.join(directory, DeployRecord.fileName))
      for file in deployed { try FileManager.default.removeItem(atPath: FileSystem.join(directory, file.path)) }
    }
    try write(example.files)
    var configuration = Configuration()
    if let text = example.configuration {
      configuration = try ConfigurationLoader.parse(text, path: "example.toml", registry: BuiltinRules.registry)
    }
    configuration.select = (configuration.select ?? []) + select
    let linter = Linter(registry: BuiltinRules.registry, configuration: configuration)
    let files = try FileDiscovery.expand([directory])
    let project = Project()
    let results = try Runner.lint(try project.list(files), project: project, linter: linter, jobs: 2)
    return results.flatMap { result in
      result.diagnostics.map { DirectoryFinding(file: FileSystem.relative(result.path, to: directory), diagnostic: $0) }
    }
  }

  /// A new empty directory under the system's temporary directory.
  package static func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "miglint-test-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  /// Every rule's single-file examples without configuration, markers removed: SQL that some
  /// rule reacts to, or is expected to leave alone.
  package static var exampleSQL: [(rule: String, sql: String)] {
    BuiltinRules.registry.descriptions.flatMap { description in
      (description.triggering + description.nonTriggering).filter { $0.files.isEmpty && $0.configuration == nil }.map {
        (description.id, $0.sql.replacing("\u{25B6}", with: ""))
      }
    }
  }

  /// A temporary directory holding `files` (relative path → text).
  package static func makeDirectory(_ files: [String: String]) throws -> String {
    let directory = try temporaryDirectory()
    for (path, text) in files {
      let url = URL(fileURLWithPath: directory + "/" + path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try text.write(to: url, atomically: true, encoding: .utf8)
    }
    return directory
  }

  /// The repository root, from this file's location.
  package static var repositoryRoot: String {
    var path = #filePath
    for _ in 0..<3 {
      if let slash = path.lastIndex(of: "/") { path = String(path[..<slash]) }
    }
    return path
  }
}
