import MigLintCore
import MigLintSyntax

struct SyntaxErrorRule: ObservationRule {
  static let description = RuleDescription(
    id: "syntax-error",
    summary: "A statement the PostgreSQL 15 grammar rejects",
    category: .syntax,
    severity: .error,
    versionNotes: """
      With a target newer than the parser's grammar (`--pg-version` 16 to 18) the statement may
      be valid there (named `NOT NULL` table constraints, subqueries in `FROM` without an alias,
      …): it is reported as a **warning** that says it could not be analysed, not as an error.
      """,
    rationale: """
      ## What it flags
      A statement that PostgreSQL's own parser (libpg_query, PostgreSQL 15 grammar) rejects,
      located at the token where the parser stopped. The other statements of the file are still
      linted: miglint splits the file at top-level semicolons and parses each statement on its
      own. A rejected `CREATE TABLE name …` still tells the schema model that the table is new.

      ## Why it is dangerous
      The migration fails at deploy time, after the statements before it have run (unless the
      whole file runs in one transaction).

      ## Safe alternative
      Fix the statement. If it is valid for a newer PostgreSQL, suppress it with
      `-- miglint-ignore syntax-error -- needs PostgreSQL 16`.
      """,
    triggering: [
      "▶SELEC 1;",
      RuleExample("CREATE TABLE accounts (id bigint, CONSTRAINT accounts_id_nn ▶NOT NULL id);", pgVersion: 18),
      """
      CREATE TABLE teams (id bigint);
      ALTER TABLE teams ADD COLUMN ▶;
      CREATE INDEX CONCURRENTLY teams_id_idx ON teams (id);
      """,
    ],
    nonTriggering: [
      "SELECT 1;",
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;",
    ])
}

extension SyntaxErrorRule {
  static let judges: Set<Observation.Kind> = [.syntaxError]

  static func finding(for observation: Observation, at range: SourceRange) -> Finding? {
    guard case .syntaxError(let error, let inBody, let target) = observation else { return nil }
    // Not analysed (a tree nested too deep): a warning that says what to review.
    if error.notAnalysed {
      let what = inBody ? "the body by hand" : "the statement by hand, or split it"
      return Finding(
        at: range, message: error.message, help: "Review \(what); the rest of the file is still linted",
        severity: .warning)
    }
    if inBody {
      return Finding(
        at: range, message: error.message, help: "Fix the body: PostgreSQL rejects it when the migration runs")
    }
    // A target newer than the grammar may accept what the parser rejects: say what was not
    // analysed instead of calling it an error.
    if target.major > PgQuery.grammarMajor {
      return Finding(
        at: range,
        message:
          "miglint's parser knows \(PgQuery.grammarVersion); this statement could not be analysed (\(error.message))",
        help: "Check it against PostgreSQL \(target) by hand; the rest of the file is still linted",
        severity: .warning)
    }
    return Finding(
      at: range, message: "\(error.message) (\(PgQuery.grammarVersion) grammar)",
      help: "Fix the statement; the rest of the file is still linted")
  }
}
