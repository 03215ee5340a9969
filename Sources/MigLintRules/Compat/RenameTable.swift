import MigLintCore
import MigLintSyntax

struct RenameTable: StatementRule {
  static let description = RuleDescription(
    id: "rename-table",
    summary: "Renaming a table breaks running code that uses the old name",
    category: .compat,
    severity: .warning,
    aliases: ["renaming-table"],
    rationale: """
      ## What it flags
      `ALTER TABLE … RENAME TO …` of an existing table, unless the same migration then creates a
      view with the old name that reads the renamed table (`CREATE VIEW old AS SELECT * FROM new`).

      ## Why it is dangerous
      The application version that is still running queries the old name and fails until the
      new code is everywhere.

      ## Safe alternative
      Rename and, in the same transaction, `CREATE VIEW <old name> AS SELECT * FROM <new name>`:
      a simple view is updatable, so old code keeps reading and writing. Drop the view once no
      code uses the old name.
      """,
    triggering: [
      "▶ALTER TABLE users RENAME TO accounts;"
    ],
    nonTriggering: [
      """
      ALTER TABLE users RENAME TO accounts;
      CREATE VIEW users AS SELECT * FROM accounts;
      """,
      """
      CREATE TABLE staging (id bigint);
      ALTER TABLE staging RENAME TO imports;
      """,
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .rename(let rename) = statement.kind, rename.renameType == .table,
      let relation = rename.relation, context.catalog.isExisting(relation)
    else { return [] }
    let renamed = QualifiedName(schema: relation.schema, name: rename.newName)
    let keepsOldName = context.laterStatements(ofNode: .viewStmt, naming: relation.name).contains { later in
      guard case .createView(let view) = later.kind else { return false }
      return context.catalog.same(view.name, relation)
        && view.relations.contains { context.catalog.same($0, renamed) }
    }
    guard !keepsOldName else { return [] }
    return [
      Finding(
        at: statement.range,
        message: "Renaming table `\(relation)` to `\(rename.newName)` breaks running code that uses the old name",
        help:
          "In the same transaction, `CREATE VIEW \(relation) AS SELECT * FROM \(renamed)` so old code keeps working; drop the view once no code uses it",
        lock: LockAcquisition(.accessExclusive, on: relation))
    ]
  }
}
