import MigLintCore
import MigLintSyntax

struct UnqualifiedTable: StatementRule {
  static let readsHistory = false

  static let description = RuleDescription(
    id: "unqualified-table",
    summary: "A table named without its schema",
    category: .type,
    severity: .info,
    enabledByDefault: false,
    aliases: ["require-table-schema"],
    rationale: """
      ## What it flags
      Off by default. A table named without a schema in `CREATE TABLE`, `ALTER TABLE`,
      `DROP TABLE`, `CREATE INDEX … ON`, `TRUNCATE` and `LOCK TABLE`.

      ## Why it is dangerous
      The table the statement touches depends on the session's `search_path`: a migration run
      with another role or setting creates or alters a table in another schema.

      ## Safe alternative
      Qualify the name: `public.users`.
      """,
    triggering: ["▶ALTER TABLE users ADD COLUMN note text;"],
    nonTriggering: ["ALTER TABLE public.users ADD COLUMN note text;"])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    let names: [QualifiedName]
    switch statement.kind {
    case .createTable(let create) where !create.isTemporary: names = [create.name]
    case .alterTable(let alter) where alter.objectType == .table: names = [alter.relation]
    case .drop(let drop) where drop.objectType == .table: names = drop.objects
    case .createIndex(let index): names = [index.table]
    case .truncate(let truncate): names = truncate.relations
    case .lockTable(let lock): names = lock.relations
    default: return []
    }
    let unqualified = names.filter { $0.schema == nil }
    guard !unqualified.isEmpty else { return [] }
    return [
      Finding(
        at: statement.range,
        message:
          "Table \(unqualified.map { "`\($0)`" }.joined(separator: ", ")) is named without a schema: which one is used depends on search_path",
        help: "Qualify the name, e.g. `public.\(unqualified[0].name)`")
    ]
  }
}
