import MigLintCore
import MigLintSyntax

struct DropIndexNonConcurrently: StatementRule {
  static let description = RuleDescription(
    id: "drop-index-non-concurrently",
    summary: "Dropping an index without CONCURRENTLY blocks reads and writes on its table",
    category: .lock,
    severity: .warning,
    aliases: ["require-concurrent-index-deletion"],
    fixSafety: .unsafe,
    rationale: """
      ## What it flags
      `DROP INDEX` without `CONCURRENTLY`, unless the index was created earlier in the same migration.

      ## Why it is dangerous
      `DROP INDEX` takes an ACCESS EXCLUSIVE lock on the index's table. The drop itself is quick,
      but while it waits for running queries to finish, every new query on the table queues behind it.

      ## Safe alternative
      `DROP INDEX CONCURRENTLY` (one index per statement, no `CASCADE`), outside a transaction block.
      """,
    triggering: [
      "▶DROP INDEX users_email_idx;",
      "▶DROP INDEX IF EXISTS a_idx, b_idx;",
    ],
    nonTriggering: [
      // `users` is a table, not an index: `IF EXISTS` makes the statement a no-op.
      RuleExample(
        files: [
          ExampleFile("0001_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY, nickname text);\n"),
          ExampleFile("0002_cleanup.up.sql", "DROP INDEX IF EXISTS users;\n"),
        ],
        deployed: [ExampleFile("0001_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY, nickname text);\n")],
        configuration: "ignore = [\"missing-down-migration\"]\n"),
      "DROP INDEX CONCURRENTLY users_email_idx;",
      """
      CREATE INDEX CONCURRENTLY tmp_idx ON users (email);
      DROP INDEX tmp_idx;
      """,
    ],
    corrections: [
      Correction(
        "DROP INDEX users_email_idx;",
        "DROP INDEX CONCURRENTLY users_email_idx;")
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .drop(let drop) = statement.kind, drop.objectType == .index, !drop.concurrently else { return [] }
    // `IF EXISTS` on a name the model knows as a table, view or sequence, not an index: a no-op.
    let existing = drop.objects.filter { name in
      !context.catalog.isNewIndex(name) && !(drop.missingOk && context.catalog.isOtherRelation(name))
    }
    guard let first = existing.first else { return [] }
    let table = context.catalog.tableOfIndex(first)
    let names = existing.map { "`\($0)`" }.joined(separator: ", ")
    let on = table.map { "`\($0)`" } ?? "its table"
    let canFix = drop.objects.count == 1 && !drop.cascade
    return [
      Finding(
        at: context.range(statement, through: "INDEX"),
        message:
          "Dropping index \(names) without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on \(on) that blocks reads and writes",
        help: context.outsideTransaction(
          "Use `DROP INDEX CONCURRENTLY` (one index per statement, no CASCADE) outside a transaction block"),
        lock: LockAcquisition(.accessExclusive, on: table ?? first),
        fixes: canFix ? (context.addConcurrentlyFix(statement).map { [$0] } ?? []) : [])
    ]
  }
}
