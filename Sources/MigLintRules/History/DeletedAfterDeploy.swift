import MigLintCore
import MigLintSyntax

struct DeletedAfterDeploy: ObservationRule {
  static let description = RuleDescription(
    id: "deleted-after-deploy",
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

extension DeletedAfterDeploy {
  static let judges: Set<Observation.Kind> = [
    .deployedFileGoneSinceBase, .deployedMigrationGone, .deployedFileRenamed,
  ]

  static func finding(for observation: Observation, at range: SourceRange) -> Finding? {
    switch observation {
    case .deployedFileGoneSinceBase(let path, let base):
      Finding(
        at: range,
        message:
          "`\(path)` exists at `\(base)` (deployed) and is gone now: databases that ran it keep its changes, and tools that check their history refuse to go on",
        help: "Restore the file; to undo it, add a new migration")
    case .deployedMigrationGone(let version, let files):
      Finding(
        at: range,
        message:
          "Migration \(version) (\(files.map { "`\($0)`" }.joined(separator: ", "))) was deployed and no longer exists: databases that ran it keep its changes, and tools that check their history refuse to go on",
        help: "Restore the migration; to undo it, add a new migration")
    case .deployedFileRenamed(let path, let version, let record, let now):
      Finding(
        at: range,
        message:
          "`\(path)` of migration \(version) was deployed (\(record)) and is gone; the migration is now \(now.map { "`\($0)`" }.joined(separator: ", ")): a rename counts as delete and new for tools that record file names",
        help:
          "Keep deployed file names; record the rename with `miglint sum` only if the tool tracks versions, not names")
    default:
      nil
    }
  }
}
