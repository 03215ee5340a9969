import MigLintCore
import MigLintSyntax

struct UnsupportedDialect: ObservationRule {
  static let description = RuleDescription(
    id: "unsupported-dialect",
    summary: "A file for another database was skipped",
    category: .syntax,
    severity: .info,
    rationale: """
      ## What it flags
      A migration file that its tool marks as another database: `.mysql.`, `.sqlite.`,
      `.sqlite3.`, `.cockroach.`, `.crdb.` or `.mssql.` in the file name (ory/pop, and projects
      that keep several dialects side by side), or every file of a Prisma project whose
      `migration_lock.toml` names another provider. The file is not parsed. One note a
      directory, on the first such file (in name order), counts them by database.

      ## Why it is dangerous
      It is not: the note says that the file was seen and left alone on purpose. Many MySQL and
      CockroachDB files parse "fine" with the PostgreSQL grammar, so linting them would report
      hazards that do not exist there.

      ## Safe alternative
      Nothing to do.
      """,
    triggering: [
      RuleExample(files: [
        ExampleFile("20240101120000_users.postgres.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n"),
        ExampleFile("20240101120000_users.postgres.down.sql", "DROP TABLE users;\n"),
        ExampleFile(
          "20240101120000_users.mysql.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY) ENGINE=InnoDB;\n"),
        ExampleFile("20240101120000_users.mysql.down.sql", "▶DROP TABLE users;\n"),
      ])
    ],
    nonTriggering: [
      RuleExample(files: [
        ExampleFile("20240101120000_users.postgres.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n"),
        ExampleFile("20240101120000_users.postgres.down.sql", "DROP TABLE users;\n"),
      ])
    ])
}

extension UnsupportedDialect {
  static let judges: Set<Observation.Kind> = [.otherDialectFiles, .otherPrismaProvider]

  static func finding(for observation: Observation, at range: SourceRange) -> Finding? {
    switch observation {
    case .otherDialectFiles(let first, let dialects):
      let total = dialects.reduce(0) { $0 + $1.files }
      let message =
        total == 1
        ? "`\(first)` is a \(dialects.first?.dialect ?? "") migration: skipped, not linted as PostgreSQL"
        : "\(total) files of this directory are migrations for other databases (\(dialects.map { "\($0.dialect): \($0.files)" }.joined(separator: ", "))), starting with `\(first)`: skipped, not linted as PostgreSQL"
      return Finding(
        at: range, message: message, help: "Nothing to do; those files run only against the databases they name")
    case .otherPrismaProvider(let provider, let count):
      return Finding(
        at: range,
        message:
          "`migration_lock.toml` names provider \"\(provider)\": the \(count) migration\(count == 1 ? "" : "s") of this directory \(count == 1 ? "was" : "were") skipped, not linted as PostgreSQL",
        help: "Nothing to do; these migrations run only against \(provider)")
    default:
      return nil
    }
  }
}
