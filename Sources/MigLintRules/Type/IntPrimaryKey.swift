import MigLintCore
import MigLintSyntax

struct IntPrimaryKey: StatementRule {
  static let readsHistory = false

  static let description = RuleDescription(
    id: "int-primary-key",
    summary: "A 2- or 4-byte integer key that can run out",
    category: .type,
    severity: .info,
    aliases: ["prefer-bigint-over-int", "prefer-bigint-over-smallint", "prefer-big-int"],
    fixSafety: .unsafe,
    rationale: """
      ## What it flags
      A primary-key, foreign-key or identity column of type `smallint`, `integer`, `serial` or
      `smallserial`.

      ## Why it is dangerous
      `integer` keys stop at 2,147,483,647 (`smallint` at 32,767), and a busy table gets there:
      inserts then fail, and widening the column rewrites the table and every referencing one
      under ACCESS EXCLUSIVE locks.

      ## Safe alternative
      `bigint` (or `bigserial`, or `bigint GENERATED … AS IDENTITY`) from the start; the cost is
      four bytes a row.
      """,
    triggering: [
      "CREATE TABLE orders (id ▶serial PRIMARY KEY, user_id ▶integer REFERENCES users (id));",
      "CREATE TABLE tags (id ▶int GENERATED ALWAYS AS IDENTITY, name text);",
    ],
    nonTriggering: [
      "CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint REFERENCES users (id), quantity integer);"
    ])

  static let smallTypes: [String: String] = [
    "int2": "bigint", "int4": "bigint", "serial": "bigserial", "serial4": "bigserial", "smallserial": "bigserial",
    "serial2": "bigserial",
  ]

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    var keyColumns = Set<String>()
    if case .createTable(let create) = statement.kind {
      for constraint in create.constraints where constraint.kind == .primaryKey || constraint.kind == .foreignKey {
        keyColumns.formUnion(constraint.columns)
      }
    }
    return context.definedColumns(statement).compactMap { item in
      let column = item.column
      guard let type = column.type, let replacement = Self.smallTypes[type.baseName], type.arrayDimensions == 0,
        let location = type.location,
        column.has(.primaryKey) || column.has(.foreignKey) || column.has(.identity) || keyColumns.contains(column.name)
      else { return nil }
      let role = column.has(.foreignKey) ? "foreign-key" : (column.has(.identity) ? "identity" : "primary-key")
      return Finding(
        at: context.typeRange(type) ?? SourceRange(start: location, end: location + 1),
        message:
          "\(role.prefix(1).uppercased() + role.dropFirst()) column \(item.table.column(column.name)) is `\(type.displayName)`, which runs out at \(type.baseName.contains("2") || type.baseName == "smallserial" ? "32,767" : "2,147,483,647")",
        help: "Use `\(replacement)`",
        fixes: context.replaceTypeFix(type, with: replacement, title: "Use \(replacement)"))
    }
  }
}
