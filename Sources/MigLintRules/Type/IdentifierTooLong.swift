import MigLintCore
import MigLintSyntax

struct IdentifierTooLong: StatementRule {
  static let readsHistory = false

  static let checksFunctionBodies = true
  static let description = RuleDescription(
    id: "identifier-too-long",
    summary: "An identifier over 63 bytes, which PostgreSQL truncates silently",
    category: .type,
    severity: .error,
    rationale: """
      ## What it flags
      An identifier longer than 63 bytes (not characters: `é` counts two).

      ## Why it is dangerous
      PostgreSQL truncates it to 63 bytes with only a NOTICE, so two long names that differ after
      byte 63 (a common shape for generated index and constraint names) become the same name: the
      second `CREATE` fails, or an `IF NOT EXISTS` silently skips it.

      ## Safe alternative
      Shorten the name to 63 bytes or fewer.
      """,
    triggering: [
      "CREATE INDEX ▶index_on_customer_orders_by_created_at_and_status_and_region_code_v2 ON orders (created_at);"
    ],
    nonTriggering: ["CREATE INDEX orders_created_status_region_idx ON orders (created_at);"])

  static let limit = 63

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    var seen = Set<String>()
    var findings: [Finding] = []
    for index in statement.tokens {
      let token = context.file.tokens[index]
      guard token.kind == Token.Kind.identifier, token.end - token.start > Self.limit else { continue }
      let name = token.name(in: context.file.source.bytes)
      let bytes = name.utf8.count
      guard bytes > Self.limit, seen.insert(name).inserted else { continue }
      findings.append(
        Finding(
          at: token.range,
          message: "Identifier `\(name)` is \(bytes) bytes; PostgreSQL truncates it to \(Self.limit) without an error",
          help: "Shorten it to \(Self.limit) bytes or fewer"))
    }
    return findings
  }
}
