import MigLintCore
import MigLintSyntax

struct AddColumnVolatileDefault: StatementRule {
  static let description = RuleDescription(
    id: "add-column-volatile-default",
    summary: "Adding a column with a volatile default rewrites the whole table",
    category: .lock,
    severity: .warning,
    aliases: ["adding-field-with-default"],
    versionNotes: """
      From PostgreSQL 11 a non-volatile default (a literal, a cast of a literal, `now()`,
      `current_timestamp`) is stored once in the catalog and the table is not rewritten; before
      11 any non-null default rewrites the table.
      """,
    rationale: """
      ## What it flags
      `ALTER TABLE … ADD COLUMN … DEFAULT <expr>` on an existing table where the default is
      volatile: `random()`, `gen_random_uuid()`, `clock_timestamp()`, `uuid_generate_v4()`,
      `nextval()`, or a function miglint does not know. Below PostgreSQL 11: any non-null default.

      ## Why it is dangerous
      A volatile default has to be computed for every existing row, so PostgreSQL rewrites the
      table and rebuilds its indexes while holding an ACCESS EXCLUSIVE lock: no reads, no writes,
      for as long as the copy takes.

      ## Safe alternative
      Add the column without a default, then `ALTER COLUMN … SET DEFAULT …` (affects new rows only,
      no rewrite), then backfill existing rows in batches.
      """,
    triggering: [
      "ALTER TABLE users ADD COLUMN ▶token uuid DEFAULT gen_random_uuid();",
      "ALTER TABLE users ADD COLUMN ▶jitter float8 DEFAULT random() NOT NULL;",
      RuleExample("ALTER TABLE users ADD COLUMN ▶active boolean DEFAULT true;", pgVersion: 10),
    ],
    nonTriggering: [
      "ALTER TABLE users ADD COLUMN active boolean DEFAULT true;",
      "ALTER TABLE users ADD COLUMN created_at timestamptz DEFAULT now();",
      "ALTER TABLE users ADD COLUMN tags jsonb DEFAULT '{}'::jsonb;",
      "ALTER TABLE users ADD COLUMN note text DEFAULT NULL;",
      """
      CREATE TABLE sessions (id bigint);
      ALTER TABLE sessions ADD COLUMN token uuid DEFAULT gen_random_uuid();
      """,
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .alterTable(let alter) = statement.kind, context.catalog.isExisting(alter.relation) else {
      return []
    }
    return alter.commands.compactMap { command in
      guard command.subtype == .addColumn, let column = command.column,
        let expression = column.defaultExpression, !expression.isNullConstant
      else { return nil }
      let volatile = Volatility.volatileCalls(in: expression)
      let reason: String
      if !context.pg(atLeast: 11) {
        reason = "a non-null default on PostgreSQL \(context.pgVersion) (before 11 any such default)"
      } else if let first = volatile.first {
        reason = "volatile default `\(first)()`"
      } else {
        return nil
      }
      return Finding(
        at: SourceRange(start: column.location ?? command.range.start, end: command.range.end),
        message:
          "Adding column \(alter.relation.column(column.name)) with \(reason) rewrites the table under an ACCESS EXCLUSIVE lock that blocks reads and writes",
        help:
          "Add the column without a default, then `ALTER COLUMN \(column.name) SET DEFAULT …` (new rows only), then backfill existing rows in batches",
        lock: LockAcquisition(.accessExclusive, on: alter.relation))
    }
  }
}
