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
      An up migration (file or up section) that is empty or holds only comments.

      ## Why it is dangerous
      Several runners fail on an empty script; others record it as applied, and the statements
      added to it later never run on databases that already ran it.

      ## Safe alternative
      Put the migration's statements in it, or delete it before it is deployed.
      """,
    triggering: [
      RuleExample(files: [
        ExampleFile("0001_placeholder.up.sql", "▶-- TODO: add the orders table\n"),
        ExampleFile("0001_placeholder.down.sql", "\n"),
      ])
    ],
    nonTriggering: [
      RuleExample(files: [
        ExampleFile("0001_orders.up.sql", "CREATE TABLE orders (id bigint PRIMARY KEY);\n"),
        ExampleFile("0001_orders.down.sql", "-- cannot be reverted: the data is gone\n"),
      ])
    ])
}
