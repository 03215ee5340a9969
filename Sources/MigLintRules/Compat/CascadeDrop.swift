import MigLintCore
import MigLintSyntax

struct CascadeDrop: StatementRule {
  static let readsHistory = false

  static let description = RuleDescription(
    id: "cascade-drop",
    summary: "DROP … CASCADE or TRUNCATE … CASCADE removes objects or rows it does not name",
    category: .compat,
    severity: .warning,
    aliases: ["ban-truncate-cascade"],
    rationale: """
      ## What it flags
      `DROP … CASCADE` (including `ALTER TABLE … DROP COLUMN/CONSTRAINT … CASCADE`) and
      `TRUNCATE … CASCADE`.

      ## Why it is dangerous
      CASCADE also drops every view, foreign key, default or other object that depends on what is
      dropped, and TRUNCATE CASCADE empties every table that references the truncated one. None of
      them appear in the migration, so review cannot see them.

      ## Safe alternative
      Drop the dependent objects explicitly, by name, before the object they depend on.
      """,
    triggering: [
      "▶DROP TABLE accounts CASCADE;",
      "▶TRUNCATE orders CASCADE;",
      "ALTER TABLE users ▶DROP COLUMN email CASCADE;",
    ],
    nonTriggering: [
      "DROP VIEW IF EXISTS report;",
      "TRUNCATE staging_rows;",
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    let help = "Drop the dependent objects explicitly, by name, first"
    switch statement.kind {
    case .drop(let drop) where drop.cascade:
      let names = drop.objects.map { "`\($0)`" }.joined(separator: ", ")
      return [
        Finding(
          at: statement.range,
          message: "`DROP … CASCADE` of \(names) also drops every object that depends on it, unnamed in the migration",
          help: help)
      ]
    case .truncate(let truncate) where truncate.cascade:
      let names = truncate.relations.map { "`\($0)`" }.joined(separator: ", ")
      return [
        Finding(
          at: statement.range,
          message: "`TRUNCATE … CASCADE` of \(names) also empties every table that references it",
          help: "Truncate the referencing tables explicitly, by name, if that is intended")
      ]
    case .alterTable(let alter):
      return alter.commands.filter { $0.cascade && [.dropColumn, .dropConstraint].contains($0.subtype) }.map {
        command in
        Finding(
          at: command.range,
          message: "`CASCADE` on `\(alter.relation)` also drops every object that depends on `\(command.name ?? "it")`",
          help: help)
      }
    default:
      return []
    }
  }
}
