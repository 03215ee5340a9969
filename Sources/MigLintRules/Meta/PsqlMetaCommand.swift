import MigLintCore
import MigLintSyntax

struct PsqlMetaCommand: ObservationRule {
  static let description = RuleDescription(
    id: "psql-meta-command",
    summary: "psql-only commands and data that were skipped",
    category: .syntax,
    severity: .info,
    rationale: """
      ## What it flags
      Lines that only psql understands: meta-commands (`\\set`, `\\connect`, `\\i`, …), the
      data lines of `COPY … FROM stdin` up to `\\.`, and psql variables (`:'name'`, `:"name"`,
      and `:name` in files with meta-commands). They are skipped (variables are read as plain
      names) and the rest of the file is linted.

      ## Why it is dangerous
      A migration runner other than psql sends these lines to the server, which rejects them;
      and miglint cannot check what it skipped.

      ## Safe alternative
      Keep psql-only syntax out of migrations that a runner executes, or run them with psql only.
      """,
    triggering: [
      """
      ▶\\set ON_ERROR_STOP on
      CREATE TABLE notes (id bigint);
      """,
      """
      COPY countries (code, name) FROM stdin;
      ▶de\tGermany
      fr\tFrance
      \\.
      """,
      "SELECT * FROM users WHERE name = ▶:'name';",
    ],
    nonTriggering: [
      "SELECT '{\"a\":\"b\"}'::jsonb, now()::date, ARRAY[1,2,3];",
      "SELECT E'a\\\\b';",
    ])
}

extension PsqlMetaCommand {
  static let judges: Set<Observation.Kind> = [.psqlMetaCommand, .copyData, .psqlVariable]

  static func finding(for observation: Observation, at range: SourceRange) -> Finding? {
    switch observation {
    case .psqlMetaCommand(let command):
      Finding(
        at: range, message: "psql meta-command `\(command)` is not SQL and was skipped",
        help: "Keep psql-only commands out of migrations that other runners execute")
    case .copyData:
      Finding(
        at: range, message: "`COPY … FROM stdin` data was skipped",
        help: "Load data outside the migration, or with INSERT statements")
    case .psqlVariable(let text):
      Finding(
        at: range, message: "psql variable `\(text)` was linted as a plain name",
        help: "Only psql expands it; other runners send it as written")
    default:
      nil
    }
  }
}
