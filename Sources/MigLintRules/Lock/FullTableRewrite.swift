import MigLintCore
import MigLintSyntax

struct FullTableRewrite: StatementRule {
  static let description = RuleDescription(
    id: "full-table-rewrite",
    summary: "A statement that copies the whole table under an ACCESS EXCLUSIVE lock",
    category: .lock,
    severity: .warning,
    aliases: ["prefer-repack"],
    rationale: """
      ## What it flags
      On an existing table: `VACUUM FULL`, `CLUSTER`, `ALTER TABLE … SET LOGGED` / `SET UNLOGGED`,
      `SET ACCESS METHOD`, `SET TABLESPACE`.

      ## Why it is dangerous
      Each writes a new copy of the table and its indexes while holding an ACCESS EXCLUSIVE lock:
      no reads, no writes, for as long as the copy takes.

      ## Safe alternative
      `pg_repack` (an extension) rebuilds a table online and takes the strong lock only for a
      moment at the end. PostgreSQL 19 adds `REPACK … CONCURRENTLY` for the same purpose.
      """,
    triggering: [
      "▶VACUUM FULL users;",
      "▶CLUSTER users USING users_pkey;",
      "ALTER TABLE users ▶SET LOGGED;",
      "ALTER TABLE users ▶SET TABLESPACE fast_disks;",
    ],
    nonTriggering: [
      "VACUUM users;",
      """
      CREATE UNLOGGED TABLE staging (id bigint);
      ALTER TABLE staging SET LOGGED;
      """,
    ])

  static let rewritingSubcommands: [AlterTableType: String] = [
    .setLogged: "SET LOGGED", .setUnlogged: "SET UNLOGGED", .setAccessMethod: "SET ACCESS METHOD",
    .setTablespace: "SET TABLESPACE",
  ]

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    let help = "Rebuild the table online with pg_repack, which takes the strong lock only briefly at the end"
    func finding(_ what: String, _ table: QualifiedName, _ range: SourceRange) -> Finding {
      Finding(
        at: range,
        message:
          "\(what) rewrites `\(table)` and its indexes under an ACCESS EXCLUSIVE lock that blocks reads and writes",
        help: help, lock: LockAcquisition(.accessExclusive, on: table))
    }
    switch statement.kind {
    case .vacuum(let vacuum) where vacuum.isVacuum && vacuum.full:
      return vacuum.relations.filter { context.catalog.isExisting($0) }.prefix(1).map {
        finding("`VACUUM FULL`", $0, statement.range)
      }
    case .cluster(let table):
      guard let table, context.catalog.isExisting(table) else { return [] }
      return [finding("`CLUSTER`", table, statement.range)]
    case .alterTable(let alter) where context.catalog.isExisting(alter.relation):
      return alter.commands.compactMap { command in
        Self.rewritingSubcommands[command.subtype].map { finding("`\($0)`", alter.relation, command.range) }
      }
    default:
      return []
    }
  }
}
