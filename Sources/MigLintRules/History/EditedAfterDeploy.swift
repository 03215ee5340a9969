import MigLintCore
import MigLintSyntax

struct EditedAfterDeploy: ObservationRule {
  static let description = RuleDescription(
    id: "edited-after-deploy",
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

extension EditedAfterDeploy {
  static let judges: Set<Observation.Kind> = [.fileAddedAfterDeploy, .deployedFileChanged]

  static func finding(for observation: Observation, at range: SourceRange) -> Finding? {
    switch observation {
    case .fileAddedAfterDeploy(let path, let version, let record):
      return Finding(
        at: range,
        message:
          "`\(path)` was added to migration \(version) after it was deployed (\(record)): databases that ran the migration will not run it",
        help: "Put the change in a new migration")
    case .deployedFileChanged(let path, let record, let change):
      let detail = change.map { "; first change on line \($0.line): deployed `\($0.deployed)`, now `\($0.now)`" } ?? ""
      return Finding(
        at: range,
        message:
          "`\(path)` changed after it was deployed (\(record)): databases that ran it will not run the new text, new databases will\(detail)",
        help: "Restore the deployed text and put the change in a new migration")
    default:
      return nil
    }
  }
}
