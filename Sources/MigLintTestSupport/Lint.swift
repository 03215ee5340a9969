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

  /// The repository root, from this file's location.
  package static var repositoryRoot: String {
    var path = #filePath
    for _ in 0..<3 {
      if let slash = path.lastIndex(of: "/") { path = String(path[..<slash]) }
    }
    return path
  }
}
