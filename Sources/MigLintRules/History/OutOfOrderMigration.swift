import MigLintCore
import MigLintSyntax

struct OutOfOrderMigration: ObservationRule {
  static let description = RuleDescription(
    id: "out-of-order-migration",
    summary: "A pending migration sorts before the last deployed one",
    category: .history,
    severity: .error,
    rationale: """
      ## What it flags
      A migration that is not in the deploy record but whose version sorts before a migration
      that is (typical when a long-lived branch merges after a release).

      ## Why it is dangerous
      Most runners skip it silently (golang-migrate, dbmate by default) or refuse to migrate
      (Flyway, goose without `--allow-missing`): its changes never reach production, or the
      deploy stops.

      ## Safe alternative
      Give it a version after the last deployed migration.
      """,
    triggering: [
      RuleExample(
        files: [
          ExampleFile("0001_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n"),
          ExampleFile("0002_teams.up.sql", "▶CREATE TABLE teams (id bigint PRIMARY KEY);\n"),
          ExampleFile("0003_orders.up.sql", "CREATE TABLE orders (id bigint PRIMARY KEY);\n"),
        ],
        deployed: [
          ExampleFile("0001_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n"),
          ExampleFile("0003_orders.up.sql", "CREATE TABLE orders (id bigint PRIMARY KEY);\n"),
        ],
        configuration: "ignore = [\"missing-down-migration\"]\n")
    ],
    nonTriggering: [
      RuleExample(
        files: [
          ExampleFile("0001_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n"),
          ExampleFile("0002_teams.up.sql", "CREATE TABLE teams (id bigint PRIMARY KEY);\n"),
        ],
        deployed: [ExampleFile("0001_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n")],
        configuration: "ignore = [\"missing-down-migration\"]\n")
    ])
}

extension OutOfOrderMigration {
  static let judges: Set<Observation.Kind> = [.pendingBeforeDeployed]

  static func finding(for observation: Observation, at range: SourceRange) -> Finding? {
    guard case .pendingBeforeDeployed(let version, let last, let tool) = observation else { return nil }
    return Finding(
      at: range,
      message:
        "Migration \(version) is pending but sorts before \(last), which is already deployed: \(tool.displayName) skips or refuses it",
      help: "Give it a version after \(last)")
  }
}
