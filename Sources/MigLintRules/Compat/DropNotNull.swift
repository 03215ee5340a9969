import MigLintCore
import MigLintSyntax

struct DropNotNull: StatementRule {
  static let description = RuleDescription(
    id: "drop-not-null",
    summary: "Dropping NOT NULL lets NULLs in that older code may not expect",
    category: .compat,
    severity: .info,
    aliases: ["ban-drop-not-null"],
    rationale: """
      ## What it flags
      `ALTER TABLE … ALTER COLUMN … DROP NOT NULL` on an existing column.

      ## Why it is dangerous
      The change itself is cheap, but once new code writes NULLs, the previous release (still
      running during the deploy, or rolled back to) may crash on them.

      ## Safe alternative
      Make sure every version that can run against the database handles NULL in the column.
      """,
    triggering: ["ALTER TABLE users ALTER COLUMN ▶phone DROP NOT NULL;"],
    nonTriggering: [
      // Already nullable: nothing changes.
      RuleExample(
        files: [
          ExampleFile("0001_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY, nickname text);\n"),
          ExampleFile("0002_nickname.up.sql", "ALTER TABLE users ALTER COLUMN nickname DROP NOT NULL;\n"),
        ],
        deployed: [ExampleFile("0001_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY, nickname text);\n")],
        configuration: "ignore = [\"missing-down-migration\"]\n"),
      """
      ALTER TABLE users ADD COLUMN nickname text NOT NULL DEFAULT '';
      ALTER TABLE users ALTER COLUMN nickname DROP NOT NULL;
      """,
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .alterTable(let alter) = statement.kind else { return [] }
    return alter.commands.compactMap { command in
      guard command.subtype == .dropNotNull, let name = command.name,
        context.catalog.isExistingColumn(name, of: alter.relation)
      else { return nil }
      // A column the model saw created nullable (and never made NOT NULL): the statement is a no-op.
      if let known = context.catalog.table(alter.relation)?.column(name), known.origin != nil, !known.notNull {
        return nil
      }
      return Finding(
        at: SourceRange(
          start: context.identifier(name, in: command.range)?.start ?? command.range.start, end: command.range.end),
        message:
          "Dropping NOT NULL on \(alter.relation.column(name)) lets NULLs in that code from an earlier release may not handle",
        help: "Make sure every release that can run against the database handles NULL in `\(name)`")
    }
  }
}
