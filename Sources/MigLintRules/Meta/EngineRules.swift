import MigLintCore

/// Rules whose findings the engine produces itself (MigLintCore/Engine.swift).
struct SyntaxErrorRule: EngineRule {
  static let description = RuleDescription(
    id: EngineRuleID.syntaxError,
    summary: "A statement the PostgreSQL 15 grammar rejects",
    category: .syntax,
    severity: .error,
    rationale: """
      ## What it flags
      A statement that PostgreSQL's own parser (libpg_query, PostgreSQL 15 grammar) rejects,
      located at the token where the parser stopped. Syntax from newer PostgreSQL versions is
      reported the same way. The other statements of the file are still linted: miglint splits
      the file at top-level semicolons and parses each statement on its own.

      ## Why it is dangerous
      The migration fails at deploy time, after the statements before it have run (unless the
      whole file runs in one transaction).

      ## Safe alternative
      Fix the statement. If it is valid for a newer PostgreSQL, suppress it with
      `-- miglint-ignore syntax-error -- needs PostgreSQL 16`.
      """,
    triggering: [
      "▶SELEC 1;",
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

struct UnusedSuppression: EngineRule {
  static let description = RuleDescription(
    id: EngineRuleID.unusedSuppression,
    summary: "A suppression comment that silenced nothing",
    category: .syntax,
    severity: .warning,
    rationale: """
      ## What it flags
      A rule id in a `-- miglint-ignore` or `-- miglint-ignore-file` comment that silenced no
      finding (only for rules that are enabled).

      ## Why it is dangerous
      Stale suppressions hide the next real finding of that rule on the statement, and mislead
      readers about what the migration does.

      ## Safe alternative
      Remove the id from the comment (or the whole comment).
      """,
    triggering: [
      """
      -- miglint-ignore ▶drop-table
      ALTER TABLE users ADD COLUMN note text;
      """
    ],
    nonTriggering: [
      """
      -- miglint-ignore drop-table -- archived in ticket 42
      DROP TABLE old_sessions;
      """
    ])
}

struct InvalidSuppression: EngineRule {
  static let description = RuleDescription(
    id: EngineRuleID.invalidSuppression,
    summary: "A suppression comment naming an unknown rule id, or malformed",
    category: .syntax,
    severity: .error,
    options: """
      `require-suppression-reason = true` in `miglint.toml` also reports suppressions without a
      reason (`-- miglint-ignore drop-table -- reason`).
      """,
    rationale: """
      ## What it flags
      A `-- miglint-ignore` comment that names no rule, or a rule id that does not exist
      (squawk's ids are accepted as aliases).

      ## Why it is dangerous
      A typo in a suppression silences nothing, and the intended rule fires anyway, or worse, the
      reader believes a hazard was reviewed when it was not.

      ## Safe alternative
      Use an id from `miglint rules`.
      """,
    triggering: [
      """
      -- miglint-ignore ▶drop-tabel
      DROP TABLE old_sessions;
      """,
      """
      ▶-- miglint-ignore
      SELECT 1;
      """,
    ],
    nonTriggering: [
      """
      -- miglint-ignore ban-drop-table -- squawk's id, accepted as an alias
      DROP TABLE old_sessions;
      """
    ])
}
