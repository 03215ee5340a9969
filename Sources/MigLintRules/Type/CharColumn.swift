import MigLintCore
import MigLintSyntax

struct CharColumn: StatementRule {
  static let readsHistory = false

  static let description = RuleDescription(
    id: "char-column",
    summary: "A char(n) column, padded with spaces",
    category: .type,
    severity: .info,
    aliases: ["ban-char-field"],
    rationale: """
      ## What it flags
      A column of type `char(n)`, `character(n)` or `char`.

      ## Why it is dangerous
      Values are padded with spaces to `n` characters; the padding is ignored in some comparisons
      and kept in others (`LIKE`, casts to text, client libraries), which produces bugs that are
      hard to see. It is no faster than `text`.

      ## Safe alternative
      `text` (with a CHECK on the length if it matters).
      """,
    triggering: ["CREATE TABLE countries (code ▶char(2) PRIMARY KEY);"],
    nonTriggering: ["CREATE TABLE countries (code text PRIMARY KEY CHECK (char_length(code) = 2));"])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    context.writtenTypes(statement).compactMap { item in
      guard item.type.baseName == "bpchar", let location = item.type.location else { return nil }
      return Finding(
        at: context.typeRange(item.type) ?? SourceRange(start: location, end: location + 1),
        message:
          "Column \(item.table.column(item.column)) is `\(item.type.displayName)`, padded with spaces that some comparisons keep",
        help: "Use `text`, with a CHECK on the length if it matters")
    }
  }
}
