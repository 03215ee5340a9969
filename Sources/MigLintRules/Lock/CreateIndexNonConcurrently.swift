import MigLintCore
import MigLintSyntax

struct CreateIndexNonConcurrently: StatementRule {
  static let description = RuleDescription(
    id: "create-index-non-concurrently",
    summary: "Building an index without CONCURRENTLY blocks writes to the table",
    category: .lock,
    severity: .warning,
    aliases: ["require-concurrent-index-creation"],
    fixSafety: .unsafe,
    rationale: """
      ## What it flags
      `CREATE [UNIQUE] INDEX` on a table that already exists, without `CONCURRENTLY`.

      ## Why it is dangerous
      The build holds a SHARE lock on the table until it ends: reads go on, every `INSERT`,
      `UPDATE` and `DELETE` waits, for minutes on a large table.

      ## Safe alternative
      `CREATE INDEX CONCURRENTLY`, outside a transaction block. It takes SHARE UPDATE EXCLUSIVE,
      which does not block writes. If it fails it leaves an INVALID index: drop it and retry.
      `CREATE INDEX … ON ONLY` a partitioned parent is instant and is not flagged.
      """,
    triggering: [
      "▶CREATE INDEX users_email_idx ON users (email);",
      "▶CREATE UNIQUE INDEX users_email_key ON public.users (lower(email));",
    ],
    nonTriggering: [
      "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);",
      """
      CREATE TABLE audit (id bigint PRIMARY KEY, actor bigint);
      CREATE INDEX audit_actor_idx ON audit (actor);
      """,
      "CREATE INDEX events_at_idx ON ONLY events (created_at);",
    ],
    corrections: [
      Correction(
        "CREATE INDEX users_email_idx ON users (email);",
        "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);"),
      Correction(
        "CREATE UNIQUE INDEX users_email_key ON public.users (lower(email));",
        "CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON public.users (lower(email));"),
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .createIndex(let index) = statement.kind, !index.concurrently, !index.only,
      context.catalog.isExisting(index.table)
    else { return [] }
    let name = index.name.map { "`\($0)` " } ?? ""
    return [
      Finding(
        at: context.range(statement, through: "INDEX"),
        message:
          "Building index \(name)on `\(index.table)` without CONCURRENTLY holds a SHARE lock that blocks writes for the whole build",
        help: context.outsideTransaction(
          "Use `CREATE INDEX CONCURRENTLY` outside a transaction block (if it fails, drop the INVALID index it leaves and retry)"
        ),
        lock: LockAcquisition(.share, on: index.table),
        fixes: context.addConcurrentlyFix(statement).map { [$0] } ?? [])
    ]
  }
}
