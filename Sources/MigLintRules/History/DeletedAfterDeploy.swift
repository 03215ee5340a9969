import MigLintCore

/// Reported by the workspace from the deploy record (MigLintWorkspace/Project.swift).
struct DeletedAfterDeploy: EngineRule {
  static let description = RuleDescription(
    id: HistoryRuleID.deletedAfterDeploy,
    summary: "A deployed migration no longer exists",
    category: .history,
    severity: .error,
    rationale: """
      ## What it flags
      A migration that the deploy record lists (`miglint.sum`, or the files present at
      `--base <ref>`) and that is gone, or whose file was renamed (a rename counts as a delete
      and a new migration for tools that record file names). Reported on the line of
      `miglint.sum` that lists it, or on the renamed file.

      ## Why it is dangerous
      Databases that ran it keep its changes while new databases never get them; tools that
      check their history (Flyway, Prisma, goose with `allow-missing` off) refuse to migrate.

      ## Safe alternative
      Restore the migration. To undo its changes, add a new migration.
      """,
    triggering: [
      RuleExample(
        files: [ExampleFile("0001_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n")],
        deployed: [
          ExampleFile("0001_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n"),
          ExampleFile("0002_orders.up.sql", "CREATE TABLE orders (id bigint PRIMARY KEY);\n"),
        ],
        configuration: "ignore = [\"missing-down-migration\"]\n")
    ],
    nonTriggering: [
      RuleExample(
        files: [
          ExampleFile("0001_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n"),
          ExampleFile("0002_orders.up.sql", "CREATE TABLE orders (id bigint PRIMARY KEY);\n"),
          ExampleFile("0003_teams.up.sql", "CREATE TABLE teams (id bigint PRIMARY KEY);\n"),
        ],
        deployed: [
          ExampleFile("0001_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n"),
          ExampleFile("0002_orders.up.sql", "CREATE TABLE orders (id bigint PRIMARY KEY);\n"),
        ],
        configuration: "ignore = [\"missing-down-migration\"]\n")
    ])
}
