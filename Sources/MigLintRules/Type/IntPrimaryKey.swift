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
    context.definedColumns(statement).compactMap { item in
      let column = item.column
      guard let type = column.type, let smaller = Self.smallTypes[type.baseName], type.arrayDimensions == 0,
        let location = type.location, let role = context.keyRole(of: column, in: statement)
      else { return nil }
      // A serial key needs both a wider type and (serial-column) an identity: name the one
      // replacement that settles both.
      let replacement = smaller == "bigserial" ? context.serialReplacement(base: "bigint") : smaller
      return Finding(
        at: context.typeRange(type) ?? SourceRange(start: location, end: location + 1),
        message:
          "\(role.prefix(1).uppercased() + role.dropFirst()) column \(item.table.column(column.name)) is `\(type.displayName)`, which runs out at \(type.baseName.contains("2") || type.baseName == "smallserial" ? "32,767" : "2,147,483,647")",
        help: "Use `\(replacement)`",
        fixes: column.has(.defaultValue) && smaller == "bigserial"
          ? [] : context.replaceTypeFix(type, with: replacement, title: "Use \(replacement)"))
    }
  }
}
