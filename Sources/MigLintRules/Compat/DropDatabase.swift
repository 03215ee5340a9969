import MigLintCore
import MigLintSyntax

struct DropDatabase: StatementRule {
  static let readsHistory = false

  static let description = RuleDescription(
    id: "drop-database",
    summary: "DROP DATABASE in a migration",
    category: .compat,
    severity: .error,
    aliases: ["ban-drop-database"],
    rationale: """
      ## What it flags
      `DROP DATABASE`.

      ## Why it is dangerous
      Everything in the database is gone, with no way back but a backup. A migration that does
      this by mistake (a copied script, the wrong connection) destroys production.

      ## Safe alternative
      Drop databases by hand, through a reviewed operational procedure, not in a migration.
      """,
    triggering: ["▶DROP DATABASE analytics;"],
    nonTriggering: ["DROP SCHEMA IF EXISTS scratch;"])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .dropDatabase(let name) = statement.kind else { return [] }
    return [
      Finding(
        at: statement.range, message: "`DROP DATABASE \(name)` destroys every object and row in the database",
        help: "Drop databases by hand through a reviewed procedure, not in a migration")
    ]
  }
}
