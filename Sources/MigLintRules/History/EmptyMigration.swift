import MigLintCore
import MigLintSyntax

struct EmptyMigration: ObservationRule {
  static let description = RuleDescription(
    id: "empty-migration",
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

extension EmptyMigration {
  static let judges: Set<Observation.Kind> = [.emptyMigration]

  static func finding(for observation: Observation, at range: SourceRange) -> Finding? {
    guard case .emptyMigration(let version, let isSection, let others) = observation else { return nil }
    let also =
      others.isEmpty ? "" : "; so are \(others.count == 1 ? "migration" : "migrations") \(MessageText.list(others))"
    return Finding(
      at: range,
      message: "Migration \(version) has no statements: this \(isSection ? "up section" : "file") is empty\(also)",
      help:
        "Add the migration's statements, or delete it before it is deployed; a comment saying why it is empty marks it as deliberate"
    )
  }
}
