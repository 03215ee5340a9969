import MigLintCore

/// Reported by the history replay (MigLintCore/History.swift).
struct DownDoesNotRevertUp: EngineRule {
  static let description = RuleDescription(
    id: HistoryRuleID.downDoesNotRevert,
    summary: "Running the down after the up does not give back the schema from before the up",
    category: .history,
    severity: .warning,
    rationale: """
      ## What it flags
      A migration whose down script, replayed on the schema model after its up, does not give
      back the schema from before the up. The message names what is left over (a column the down
      forgot), what is missing (a table the down dropped that the up did not create) and what
      changed (a type or NOT NULL the down did not restore). Empty downs (the "cannot be reverted"
      convention) and migrations with syntax errors are not compared. What PostgreSQL drops on
      its own (a materialized view's indexes, indexes on a dropped column, partition indexes of
      a dropped parent index) needs no down of its own. pop migrations split into numbered parts
      (`<timestamp><6-digit part>`, as ory's popx writes them) are compared as one group: all
      their ups, then all their downs newest first, as a rollback runs them.

      ## Why it is dangerous
      A rollback that leaves objects behind makes the next deploy of the same migration fail
      ("already exists"); one that drops too much loses data.

      ## Safe alternative
      Make the down undo exactly what the up does, in reverse order.
      """,
    triggering: [
      RuleExample(files: [
        ExampleFile("0001_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n"),
        ExampleFile("0001_users.down.sql", "DROP TABLE users;\n"),
        ExampleFile(
          "0002_contact.up.sql",
          """
          ALTER TABLE users ADD COLUMN email text;
          ALTER TABLE users ADD COLUMN phone text;
          """),
        ExampleFile("0002_contact.down.sql", "▶ALTER TABLE users DROP COLUMN email;\n"),
      ])
    ],
    nonTriggering: [
      RuleExample(files: [
        ExampleFile(
          "00001_users.sql",
          """
          -- +goose Up
          CREATE TABLE users (id bigint PRIMARY KEY);
          CREATE INDEX users_id_idx ON users (id);
          -- +goose Down
          DROP TABLE users;
          """)
      ]),
      RuleExample(files: [
        ExampleFile("0001_contact.up.sql", "ALTER TABLE users ADD COLUMN email text;\n"),
        ExampleFile("0001_remove_contact.down.sql", "ALTER TABLE users DROP COLUMN email;\n"),
      ]),
    ])
}
