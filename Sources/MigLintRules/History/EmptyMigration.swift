import MigLintCore

/// Reported by the history replay (MigLintCore/History.swift).
struct EmptyMigration: EngineRule {
  static let description = RuleDescription(
    id: HistoryRuleID.emptyMigration,
    summary: "An up migration has no statements",
    category: .history,
    severity: .warning,
    rationale: """
      ## What it flags
      An up migration (file or up section) that is empty: no statement and no comment. One
      finding a directory, on the first such migration, naming the others. A script that holds
      only comments says why it is empty (a generated placeholder, "nothing to do on
      PostgreSQL") and is not reported; nor is an empty file named for PostgreSQL
      (`.postgres.up.sql`), which overrides the tool's generic script on purpose.

      ## Why it is dangerous
      Several runners fail on an empty script; others record it as applied, and the statements
      added to it later never run on databases that already ran it.

      ## Safe alternative
      Put the migration's statements in it, or delete it before it is deployed.
      """,
    triggering: [
      RuleExample(files: [
        ExampleFile("0001_placeholder.up.sql", "▶\n"),
        ExampleFile("0001_placeholder.down.sql", "\n"),
        ExampleFile("0002_other.up.sql", "\n"),
        ExampleFile("0002_other.down.sql", "\n"),
      ])
    ],
    nonTriggering: [
      RuleExample(files: [
        ExampleFile(
          "0001_placeholder.up.sql", "-- Generated placeholder: this version has no change for PostgreSQL.\n"),
        ExampleFile("0001_placeholder.down.sql", "\n"),
      ]),
      RuleExample(files: [
        ExampleFile("0001_orders.up.sql", "CREATE TABLE orders (id bigint PRIMARY KEY);\n"),
        ExampleFile("0001_orders.down.sql", "-- cannot be reverted: the data is gone\n"),
      ]),
    ])
}
