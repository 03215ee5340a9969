import MigLintCore
import MigLintSyntax

struct VarcharLength: StatementRule {
  static let readsHistory = false

  static let description = RuleDescription(
    id: "varchar-length",
    summary: "A varchar(n) column where text with a CHECK is easier to change",
    category: .type,
    severity: .info,
    aliases: ["prefer-text-field"],
    fixSafety: .unsafe,
    rationale: """
      ## What it flags
      A column of type `varchar(n)` / `character varying(n)`.

      ## Why it is dangerous
      The limit is a constraint in disguise: raising it is cheap, but lowering it (or changing
      the column to a type with a smaller limit) rewrites the table under an ACCESS EXCLUSIVE lock,
      and the limit counts characters, which is rarely the rule the data really has.

      ## Safe alternative
      `text`, plus `CHECK (char_length(col) <= n)` added `NOT VALID` and validated when a limit
      matters: a CHECK can be changed without a rewrite.
      """,
    triggering: ["CREATE TABLE users (id bigint, email ▶varchar(255));"],
    nonTriggering: [
      "CREATE TABLE users (id bigint, email text CHECK (char_length(email) <= 255));",
      "CREATE TABLE users (id bigint, email varchar);",
    ],
    corrections: [
      Correction(
        "CREATE TABLE users (id bigint, email varchar(255));",
        "CREATE TABLE users (id bigint, email text);")
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    context.writtenTypes(statement).compactMap { item in
      guard item.type.baseName == "varchar", let limit = item.type.modifiers.first, let location = item.type.location
      else { return nil }
      return Finding(
        at: context.typeRange(item.type) ?? SourceRange(start: location, end: location + 1),
        message:
          "Column \(item.table.column(item.column)) is `varchar(\(limit))`: changing the limit later can rewrite the table",
        help: "Use `text` with `CHECK (char_length(\(item.column)) <= \(limit))` if the limit matters",
        fixes: context.replaceTypeFix(
          item.type, with: "text" + String(repeating: "[]", count: item.type.arrayDimensions), title: "Use text"))
    }
  }
}
