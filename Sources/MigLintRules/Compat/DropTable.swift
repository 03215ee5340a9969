import MigLintCore
import MigLintSyntax

struct DropTable: StatementRule {
  static let description = RuleDescription(
    id: "drop-table",
    summary: "Dropping a table breaks running code that uses it and loses its data",
    category: .compat,
    severity: .warning,
    aliases: ["ban-drop-table"],
    rationale: """
      ## What it flags
      `DROP TABLE` of a table that was not created earlier in the same migration.

      ## Why it is dangerous
      Code that still queries the table fails at once, and the rows are gone for good: a code
      rollback cannot bring them back.

      ## Safe alternative
      Deploy code that no longer uses the table first; drop it in a later release, after a backup
      (or rename it out of the way for a release before dropping it).
      """,
    triggering: [
      "▶DROP TABLE users;",
      "▶DROP TABLE IF EXISTS audit_log, old_sessions;",
    ],
    nonTriggering: [
      """
      CREATE TABLE tmp_import (id bigint);
      DROP TABLE tmp_import;
      """
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .drop(let drop) = statement.kind, drop.objectType == .table else { return [] }
    let existing = drop.objects.filter { context.catalog.isExisting($0) }
    guard let first = existing.first else { return [] }
    let names = existing.map { "`\($0)`" }.joined(separator: ", ")
    // An `INSERT … SELECT … FROM` the table earlier in the script moved its rows elsewhere.
    let copy = context.earlierStatements(ofNode: .insertStmt).last { earlier in
      guard case .dataChange(let change) = earlier.kind, change.kind == .insert,
        context.file.keyword("SELECT", in: earlier) != nil
      else { return false }
      return earlier.tokens.contains { index in
        let token = context.file.tokens[index]
        guard token.kind == Token.Kind.identifier || token.isKeyword else { return false }
        let text = context.file.text(token.range)
        return existing.contains { $0.name == text || (!text.hasPrefix("\"") && $0.name == text.lowercased()) }
      }
    }
    let data =
      copy.map { "; its rows were copied on line \(context.file.source.line(of: $0.range.start))" }
      ?? ", and its data is lost"
    return [
      Finding(
        at: statement.range,
        message: "Dropping table \(names) breaks running code that still uses it\(data)",
        help: "Deploy code that no longer uses the table first, back it up, then drop it in a later release",
        lock: LockAcquisition(.accessExclusive, on: first))
    ]
  }
}
