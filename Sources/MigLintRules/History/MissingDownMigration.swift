import MigLintCore
import MigLintSyntax

struct MissingDownMigration: ObservationRule {
  static let description = RuleDescription(
    id: "missing-down-migration",
    summary: "An up migration has no down migration",
    category: .history,
    severity: .warning,
    rationale: """
      ## What it flags
      An up migration with no down, undo or revert script, for tools that have them
      (golang-migrate, pop, goose, dbmate, sql-migrate, diesel, sqitch, up/down folders, and
      Flyway when the project uses `U` files). Never for forward-only tools (Prisma Migrate,
      Drizzle). Also a down marker indented by mistake (`  -- migrate:down`), which the tool
      ignores. An empty down file or section is the "cannot be reverted" convention and counts.
      A directory where no migration has a down is forward-only by choice: one **info** note on
      its first migration instead of a warning a file. For pop and goose, whose downs are
      optional, a missing down is reported only where at least nine in ten migrations have one.

      ## Why it is dangerous
      When the deploy goes wrong there is no scripted way back: the rollback is improvised under
      pressure. dbmate refuses a file without a `-- migrate:down` section.

      ## Safe alternative
      Write the down that reverts the up, or an empty one with a comment saying why it cannot be
      reverted.
      """,
    triggering: [
      RuleExample(files: [
        ExampleFile("0001_create_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n"),
        ExampleFile("0001_create_users.down.sql", "DROP TABLE users;\n"),
        ExampleFile("0002_add_email.up.sql", "▶ALTER TABLE users ADD COLUMN email text;\n"),
      ]),
      RuleExample(files: [
        ExampleFile(
          "0001_create_users.up.sql", "▶CREATE TABLE users (id bigint PRIMARY KEY);\n")
      ]),
      RuleExample(files: [
        ExampleFile(
          "20240101120000_users.sql",
          """
          -- migrate:up
          CREATE TABLE users (id bigint PRIMARY KEY);
          ▶  -- migrate:down
          DROP TABLE users;
          """)
      ]),
    ],
    nonTriggering: [
      RuleExample(files: [
        ExampleFile("0001_create_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n"),
        ExampleFile("0001_drop_users.down.sql", "DROP TABLE users;\n"),
      ]),
      RuleExample(files: [
        ExampleFile("20240101120000_init/migration.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n")
      ]),
      // goose: downs are optional, and this directory never has one.
      RuleExample(files: [
        ExampleFile("00001_users.sql", "-- +goose Up\nCREATE TABLE users (id bigint PRIMARY KEY);\n"),
        ExampleFile("00002_email.sql", "-- +goose Up\nALTER TABLE users ADD COLUMN email text;\n"),
      ]),
    ])
}

extension MissingDownMigration {
  static let judges: Set<Observation.Kind> = [.noDownMigrations, .missingDown, .indentedDownMarker]

  static func finding(for observation: Observation, at range: SourceRange) -> Finding? {
    switch observation {
    case .noDownMigrations(let count, let tool):
      Finding(
        at: range,
        message:
          "No migration in this directory has a down migration (\(count) migration\(count == 1 ? "" : "s")): \(tool.displayName) cannot roll any of them back",
        help:
          "Nothing to do if the project is forward-only (ignore `missing-down-migration` in miglint.toml); else add downs from the next migration on",
        severity: .info)
    case .missingDown(let version, let tool, let expected):
      Finding(
        at: range, message: "Migration \(version) has no down migration: \(tool.displayName) cannot roll it back",
        help: "Add \(expected) that reverts it (empty, with a comment saying why, when it cannot be reverted)")
    case .indentedDownMarker(let marker, let tool):
      Finding(
        at: range,
        message:
          "The `\(marker)` marker on this line is indented: \(tool.displayName) only reads markers at the start of a line, so this file has no down section and the statements below run as part of the up",
        help: "Start the line with `--`")
    default:
      nil
    }
  }
}
