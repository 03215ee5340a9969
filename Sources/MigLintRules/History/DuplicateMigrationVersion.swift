import MigLintCore
import MigLintSyntax

struct DuplicateMigrationVersion: ObservationRule {
  static let description = RuleDescription(
    id: "duplicate-migration-version",
    summary: "Two migrations of one directory have the same version",
    category: .history,
    severity: .error,
    rationale: """
      ## What it flags
      A migration whose version another migration of the same directory already uses (typical
      after two branches both added "the next" migration). Reported on the later one.

      ## Why it is dangerous
      Tools that key on the version run only one of the two, or refuse to start: the other
      migration's changes are silently missing in production.

      ## Safe alternative
      Give the later migration the next free version.
      """,
    triggering: [
      RuleExample(files: [
        ExampleFile("0001_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n"),
        ExampleFile("0001_users.down.sql", "DROP TABLE users;\n"),
        ExampleFile("0002_orders.up.sql", "CREATE TABLE orders (id bigint PRIMARY KEY);\n"),
        ExampleFile("0002_orders.down.sql", "DROP TABLE orders;\n"),
        ExampleFile("0002_teams.up.sql", "▶CREATE TABLE teams (id bigint PRIMARY KEY);\n"),
      ])
    ],
    nonTriggering: [
      RuleExample(files: [
        ExampleFile("0001_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n"),
        ExampleFile("0001_users.down.sql", "DROP TABLE users;\n"),
        ExampleFile("0002_orders.up.sql", "CREATE TABLE orders (id bigint PRIMARY KEY);\n"),
        ExampleFile("0002_orders.down.sql", "DROP TABLE orders;\n"),
      ])
    ])
}

extension DuplicateMigrationVersion {
  static let judges: Set<Observation.Kind> = [.duplicateVersion]

  static func finding(for observation: Observation, at range: SourceRange) -> Finding? {
    guard case .duplicateVersion(let version, let earlier, let tool) = observation else { return nil }
    return Finding(
      at: range,
      message:
        "Version \(version) is also used by `\(earlier)`: \(tool.displayName) runs only one of them, or refuses both",
      help: "Give this migration the next free version")
  }
}
