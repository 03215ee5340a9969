import MigLintCore

/// Rules whose findings the engine produces itself (MigLintCore/Engine.swift).
struct SyntaxErrorRule: EngineRule {
  static let description = RuleDescription(
    id: EngineRuleID.syntaxError,
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

struct TemplatedSQL: EngineRule {
  static let description = RuleDescription(
    id: EngineRuleID.templatedSQL,
    summary: "A file with template placeholders that cannot be parsed as written",
    category: .syntax,
    severity: .info,
    rationale: """
      ## What it flags
      A file with template placeholders, `{{ … }}` or `${…}` (Flyway, Liquibase, dbt and
      home-grown templating). Reported once a file. Each placeholder is read as a name of the same
      length, so `CREATE INDEX ON {{ schema }}.users (…)` is still linted; a statement that still
      does not parse (`{{ if … }}` blocks) is skipped, not reported as a syntax error.

      ## Why it is dangerous
      miglint lints what is written, not what the template renders: a statement it could not
      parse has not been checked at all.

      ## Safe alternative
      Lint the rendered SQL as well when the template engine can produce it.
      """,
    triggering: [
      "CREATE INDEX users_email_idx ON ▶${schema}.users (email);",
      """
      ▶{{ if .Partitioned }}
      CREATE TABLE events (id bigint) PARTITION BY RANGE (id);
      {{ end }}
      """,
    ],
    nonTriggering: [
      "INSERT INTO settings (payload) VALUES ('{\"a\": {\"b\": 1}}');",
      "SELECT '${not a placeholder' AS text;",
    ])
}

struct PsqlMetaCommand: EngineRule {
  static let description = RuleDescription(
    id: EngineRuleID.psqlMetaCommand,
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

struct DynamicSQL: EngineRule {
  static let description = RuleDescription(
    id: EngineRuleID.dynamicSQL,
    summary: "DDL built at run time in a DO block or function, which cannot be analysed",
    category: .syntax,
    severity: .info,
    rationale: """
      ## What it flags
      `EXECUTE` of a string built at run time, inside a `DO` block or a PL/pgSQL function, when the
      expression contains DDL keywords (`ALTER`, `CREATE`, `DROP`, `TRUNCATE`, …). Reported once a
      block. The block's plain SQL statements are linted like top-level ones.

      ## Why it is dangerous
      The statement only exists when the block runs: every hazard this linter knows can hide in
      it, unchecked.

      ## Safe alternative
      Write the statements as plain SQL where possible, or review the generated ones by hand.
      """,
    triggering: [
      """
      DO $$
      BEGIN
        EXECUTE ▶'ALTER TABLE ' || quote_ident('events_' || to_char(now(), 'YYYY')) || ' ADD COLUMN note text';
      END
      $$;
      """
    ],
    nonTriggering: [
      """
      DO $$
      BEGIN
        EXECUTE 'SELECT 1';
      END
      $$;
      """
    ])
}

/// Reported by the workspace from file names (MigLintWorkspace/LayoutBuilder.swift).
struct UnsupportedDialect: EngineRule {
  static let description = RuleDescription(
    id: HistoryRuleID.unsupportedDialect,
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
