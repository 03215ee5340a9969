import MigLintCore
import MigLintSyntax

struct JsonColumn: StatementRule {
  static let readsHistory = false

  static let description = RuleDescription(
    id: "json-column",
    summary: "A json column where jsonb is meant",
    category: .type,
    severity: .info,
    fixSafety: .unsafe,
    rationale: """
      ## What it flags
      A column of type `json` in `CREATE TABLE`, `ADD COLUMN` or `ALTER COLUMN … TYPE`.

      ## Why it is dangerous
      `json` stores the text as written and has no equality operator: `DISTINCT`, `UNION`,
      `GROUP BY` and unique indexes on it fail, it cannot be indexed with GIN, and every access
      re-parses it.

      ## Safe alternative
      `jsonb` (unless key order and duplicate keys must be kept exactly as sent).
      """,
    triggering: ["CREATE TABLE webhooks (id bigint, payload ▶json NOT NULL);"],
    nonTriggering: ["CREATE TABLE webhooks (id bigint, payload jsonb NOT NULL);"],
    corrections: [
      Correction(
        "CREATE TABLE webhooks (id bigint, payload json NOT NULL);",
        "CREATE TABLE webhooks (id bigint, payload jsonb NOT NULL);")
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    context.writtenTypes(statement).compactMap { item in
      guard item.type.baseName == "json", let location = item.type.location else { return nil }
      return Finding(
        at: context.typeRange(item.type) ?? SourceRange(start: location, end: location + 1),
        message: "Column \(item.table.column(item.column)) is `json`, which has no equality operator and no GIN index",
        help: "Use `jsonb`",
        fixes: context.replaceTypeFix(
          item.type, with: "jsonb" + String(repeating: "[]", count: item.type.arrayDimensions), title: "Use jsonb"))
    }
  }
}
