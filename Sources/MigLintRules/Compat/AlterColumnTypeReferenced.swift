import MigLintCore
import MigLintSyntax

struct AlterColumnTypeReferenced: StatementRule {
  static let description = RuleDescription(
    id: "alter-column-type-referenced",
    summary: "Changing the type of a column that a view uses fails",
    category: .compat,
    severity: .error,
    rationale: """
      ## What it flags
      `ALTER TABLE … ALTER COLUMN … TYPE` of a column that a view or materialized view of the
      schema model reads (created earlier in the migration or in any migration before).

      ## Why it is dangerous
      PostgreSQL refuses it: "cannot alter type of a column used by a view or rule", even when the
      new type is the same as the old one. The migration fails at deploy time.

      ## Safe alternative
      Recreate the view around the change, in one transaction: `DROP VIEW`, `ALTER COLUMN … TYPE`,
      `CREATE VIEW` again.
      """,
    triggering: [
      """
      CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100));
      CREATE VIEW user_emails AS SELECT id, email FROM users;
      ALTER TABLE users ALTER COLUMN ▶email TYPE text;
      """
    ],
    nonTriggering: [
      """
      CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100));
      CREATE VIEW user_emails AS SELECT id, email FROM users;
      DROP VIEW user_emails;
      ALTER TABLE users ALTER COLUMN email TYPE text;
      CREATE VIEW user_emails AS SELECT id, email FROM users;
      """,
      """
      CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100), name varchar(50));
      CREATE VIEW user_emails AS SELECT id, email FROM users;
      ALTER TABLE users ALTER COLUMN name TYPE text;
      """,
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .alterTable(let alter) = statement.kind, alter.objectType == .table else { return [] }
    let table = Catalog.key(alter.relation)
    return alter.commands.compactMap { command in
      guard command.subtype == .alterColumnType, let column = command.name else { return nil }
      let views = context.catalog.views(readingColumn: column, inTable: table)
      guard !views.isEmpty else { return nil }
      let names = views.map { $0.description + ($0.origin.map { " (\($0.location))" } ?? "") }.joined(separator: ", ")
      return Finding(
        at: SourceRange(
          start: context.identifier(column, in: command.range)?.start ?? command.range.start, end: command.range.end),
        message:
          "Changing the type of \(alter.relation.column(column)) fails: PostgreSQL cannot alter a column used by \(names)",
        help:
          "Drop the view\(views.count == 1 ? "" : "s") before the change and create \(views.count == 1 ? "it" : "them") again after, in one transaction",
        related: views.compactMap(\.related))
    }
  }
}
