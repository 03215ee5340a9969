import MigLintCore

/// Reported by the workspace from each tool's layout (MigLintWorkspace/LayoutBuilder.swift).
struct DuplicateMigrationVersion: EngineRule {
  static let description = RuleDescription(
    id: HistoryRuleID.duplicateVersion,
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
