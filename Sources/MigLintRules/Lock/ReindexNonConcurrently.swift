import MigLintCore
import MigLintSyntax

struct ReindexNonConcurrently: StatementRule {

  static let description = RuleDescription(
    id: "reindex-non-concurrently",
    summary: "REINDEX without CONCURRENTLY blocks writes to the table while it rebuilds",
    category: .lock,
    severity: .warning,
    aliases: ["require-concurrent-reindex"],
    fixSafety: .unsafe,
    versionNotes: """
      `REINDEX … CONCURRENTLY` exists from PostgreSQL 12; before 12 the help suggests building a
      new index concurrently and swapping it in.
      """,
    rationale: """
      ## What it flags
      `REINDEX INDEX`, `TABLE`, `SCHEMA` or `DATABASE` without `CONCURRENTLY`.

      ## Why it is dangerous
      REINDEX holds a SHARE lock on the table (writes wait) and an ACCESS EXCLUSIVE lock on the
      index (queries that would use it wait) for the whole rebuild.

      ## Safe alternative
      PostgreSQL 12+: `REINDEX INDEX CONCURRENTLY …`, outside a transaction block. Before 12:
      `CREATE INDEX CONCURRENTLY` a new index, `DROP INDEX CONCURRENTLY` the old one, rename.
      """,
    triggering: [
      "▶REINDEX INDEX users_email_idx;",
      "▶REINDEX TABLE users;",
      RuleExample("▶REINDEX INDEX users_email_idx;", pgVersion: 11),
    ],
    nonTriggering: [
      "REINDEX INDEX CONCURRENTLY users_email_idx;",
      """
      CREATE INDEX CONCURRENTLY tmp_idx ON users (email);
      SELECT 1;
      """,
    ],
    corrections: [
      Correction(
        "REINDEX INDEX users_email_idx;",
        "REINDEX INDEX CONCURRENTLY users_email_idx;"),
      Correction(
        "REINDEX TABLE users;",
        "REINDEX TABLE CONCURRENTLY users;"),
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .reindex(let reindex) = statement.kind, !reindex.concurrently, reindex.target != .system else {
      return []
    }
    let target = reindex.name.map { "`\($0)`" } ?? "the \(reindex.target.rawValue)"
    let keyword = reindex.target.rawValue.uppercased()
    var fixes: [Fix] = []
    let help: String
    if context.pg(atLeast: 12) {
      help = context.outsideTransaction(
        "Use `REINDEX \(keyword) CONCURRENTLY` outside a transaction block")
      if let fix = context.concurrentlyFix(at: context.file.keyword(keyword, in: statement)?.end) {
        fixes = [fix]
      }
    } else {
      help =
        "Before PostgreSQL 12, build a replacement with `CREATE INDEX CONCURRENTLY`, drop the old index with `DROP INDEX CONCURRENTLY`, and rename the new one"
    }
    return [
      Finding(
        at: statement.range,
        message:
          "REINDEX of \(target) without CONCURRENTLY holds a SHARE lock on the table that blocks writes, and an ACCESS EXCLUSIVE lock on the index, for the whole rebuild",
        help: help, fixes: fixes)
    ]
  }
}
