import MigLintCore

/// Reported by the workspace from the deploy record (MigLintWorkspace/Project.swift).
struct EditedAfterDeploy: EngineRule {
  static let description = RuleDescription(
    id: HistoryRuleID.editedAfterDeploy,
    summary: "A deployed migration was edited",
    category: .history,
    severity: .error,
    rationale: """
      ## What it flags
      A migration that the deploy record lists (`miglint.sum`, or the files present at
      `--base <ref>`) whose text changed since. Line-ending changes (CRLF ↔ LF) and a byte-order
      mark do not count.

      ## Why it is dangerous
      Databases that already ran the migration never run the new text; new databases (tests,
      fresh environments) do. The schemas drift apart without anyone noticing. Tools with
      checksums (Flyway, Prisma) refuse to migrate.

      ## Safe alternative
      Restore the deployed text and put the change in a new migration.
      """,
    triggering: [
      RuleExample(
        files: [ExampleFile("0001_users.up.sql", "▶CREATE TABLE users (id bigint PRIMARY KEY, email text);\n")],
        deployed: [ExampleFile("0001_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n")],
        configuration: "ignore = [\"missing-down-migration\"]\n")
    ],
    nonTriggering: [
      RuleExample(
        files: [ExampleFile("0001_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\r\n")],
        deployed: [ExampleFile("0001_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n")],
        configuration: "ignore = [\"missing-down-migration\"]\n")
    ])
}
