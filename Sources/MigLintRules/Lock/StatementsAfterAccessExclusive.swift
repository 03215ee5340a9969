import MigLintCore
import MigLintSyntax

struct StatementsAfterAccessExclusive: StatementRule {
  static let description = RuleDescription(
    id: "statements-after-access-exclusive",
    summary: "Work done in a transaction after it took ACCESS EXCLUSIVE on an existing table",
    category: .lock,
    severity: .warning,
    rationale: """
      ## What it flags
      The first statement in a transaction block that adds time to an ACCESS EXCLUSIVE lock an
      earlier statement of the same block took on an existing table: a data change (`UPDATE`,
      `DELETE`, `INSERT … SELECT`), a statement that scans or rewrites an existing table (index
      build, type change, validated constraint, `SET NOT NULL`, volatile default), or one that
      waits for a lock on another existing table. A scan or rewrite of the locked table that
      needs ACCESS EXCLUSIVE itself (a type change, `SET NOT NULL`) would hold it anyway and is
      not reported. Catalog-only changes (another `ADD COLUMN`,
      a rename, a view rebuilt around the change, a `DROP`) take no time and are not reported;
      nor are transaction control and `SET`. A lock taken on purpose with `LOCK TABLE` is
      `lock-table`'s finding, and a view's lock guards no long work: neither counts here.

      ## Why it is dangerous
      The lock is held until `COMMIT`: every later statement that does real work extends the time
      during which nobody can read or write the table, and waiting for a second table's lock
      while holding the first queues both tables' traffic.

      ## Safe alternative
      Put the statement that takes ACCESS EXCLUSIVE last in its transaction, or in a transaction
      of its own; do backfills in separate, batched transactions.
      """,
    triggering: [
      """
      BEGIN;
      ALTER TABLE users ADD COLUMN score int;
      ▶UPDATE users SET score = 0 WHERE score IS NULL;
      COMMIT;
      """,
      """
      BEGIN;
      ALTER TABLE users RENAME COLUMN name TO full_name;
      ▶CREATE INDEX users_full_name_idx ON users (full_name);
      COMMIT;
      """,
      """
      BEGIN;
      ALTER TABLE users ADD COLUMN nickname text;
      ALTER TABLE users ADD COLUMN bio text;
      ▶UPDATE users SET bio = '' WHERE bio IS NULL;
      UPDATE users SET nickname = '' WHERE nickname IS NULL;
      COMMIT;
      """,
      """
      BEGIN;
      ALTER TABLE users ADD COLUMN team_id bigint;
      ▶ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
      COMMIT;
      """,
    ],
    nonTriggering: [
      """
      BEGIN;
      UPDATE users SET score = 0 WHERE id < 1000;
      ALTER TABLE users ADD COLUMN note text;
      COMMIT;
      """,
      """
      ALTER TABLE users ADD COLUMN score int;
      UPDATE users SET score = 0 WHERE id < 1000;
      """,
      """
      BEGIN;
      CREATE TABLE teams (id bigint);
      ALTER TABLE teams ADD COLUMN name text;
      INSERT INTO teams (id) VALUES (1);
      COMMIT;
      """,
      """
      BEGIN;
      DROP VIEW active_users;
      ALTER TABLE users RENAME COLUMN name TO full_name;
      ALTER TABLE users ADD COLUMN nickname text;
      CREATE VIEW active_users AS SELECT id, full_name FROM users;
      COMMIT;
      """,
      """
      BEGIN;
      ALTER TABLE users DROP COLUMN legacy;
      DROP TABLE legacy_users;
      COMMIT;
      """,
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    let transaction = context.state.transaction
    guard transaction.inTransaction, let held = transaction.firstAccessExclusive, held.offset != statement.range.start,
      !statement.isTransactionControlOrSetting, let work = addedWork(statement, locks: context.locks, held, context)
    else { return [] }
    // Reported once a transaction: on the first statement since the lock that adds time to it.
    let statements = context.file.statements
    let sinceLock = statements.partitioningIndex { $0.range.start > held.offset }
    let reported = statements[min(sinceLock, context.index)..<context.index].contains { earlier in
      let locks = LockModel.acquisitions(of: earlier, catalog: context.catalog, pgVersion: context.pgVersion)
      return addedWork(earlier, locks: locks, held, context) != nil
    }
    guard !reported else { return [] }
    let line = context.file.source.line(of: held.offset)
    return [
      Finding(
        at: statement.range,
        message:
          "`\(context.headline(statement))` \(work) while this transaction holds the ACCESS EXCLUSIVE lock on `\(held.relation)` taken on line \(line), which blocks reads and writes until COMMIT",
        help:
          "Move this statement before the one that takes ACCESS EXCLUSIVE, or into a transaction of its own (batched, for a backfill)",
        lock: LockAcquisition(.accessExclusive, on: held.relation))
    ]
  }

  /// What `statement` does that takes time while the lock is held; nil for catalog-only work.
  private func addedWork(
    _ statement: Statement, locks: [LockAcquisition], _ held: HeldLock, _ context: StatementContext
  ) -> String? {
    let catalog = context.catalog
    switch statement.kind {
    case .dataChange(let change):
      guard catalog.isExisting(change.table) else { return nil }
      switch change.kind {
      case .update: return "updates rows of `\(change.table)`"
      case .delete: return "deletes rows of `\(change.table)`"
      case .insert:
        return context.file.keyword("SELECT", in: statement) == nil ? nil : "copies rows into `\(change.table)`"
      }
    case .createIndex(let index) where !index.concurrently && catalog.isExisting(index.table):
      return "builds an index by scanning `\(index.table)`"
    case .alterTable(let alter) where alter.objectType == .table && catalog.isExisting(alter.relation):
      // Work that needs ACCESS EXCLUSIVE on the locked table itself would hold it anyway.
      let needsTheLock = locks.contains { catalog.same($0.relation, held.relation) && $0.mode == .accessExclusive }
      if !(needsTheLock && catalog.same(alter.relation, held.relation)),
        let work = alter.commands.lazy.compactMap({ scanOrRewrite($0, of: alter.relation, context) }).first
      {
        return work
      }
    case .refreshMaterializedView(let name, _):
      return "recomputes `\(name)`"
    case .cluster, .reindex:
      return "rewrites an existing table"
    case .vacuum(let vacuum) where vacuum.full:
      return "rewrites an existing table"
    case .drop:
      // Dropping takes no time once the lock is granted.
      return nil
    default:
      break
    }
    // Waiting for a lock on another busy table while holding this one.
    let other = locks.first { lock in
      !catalog.same(lock.relation, held.relation) && lock.mode.blocksReadsOrWrites && catalog.isExisting(lock.relation)
        && !catalog.isView(lock.relation)
    }
    return other.map { "waits for the \($0.mode.name) lock on `\($0.relation)`" }
  }

  /// "rewrites `t`" / "scans `t`" when an ALTER TABLE subcommand does either.
  private func scanOrRewrite(_ command: AlterTableCommand, of table: QualifiedName, _ context: StatementContext)
    -> String?
  {
    switch command.subtype {
    case .alterColumnType:
      let old = command.name.flatMap { context.catalog.table(table)?.column($0)?.type }
      guard let old, let new = command.newType,
        TypeChange.verdict(from: old, to: new, pgVersion: context.pgVersion) == .noRewrite
      else { return "rewrites `\(table)`" }
      return nil
    case .addColumn:
      guard let column = command.column else { return nil }
      let volatile = column.defaultExpression.map { !Volatility.volatileCalls(in: $0).isEmpty } ?? false
      return volatile || column.has(.generated) || column.has(.identity) || column.isSerial
        ? "rewrites `\(table)`" : nil
    case .setNotNull:
      guard let name = command.name,
        !(context.pg(atLeast: 12) && context.catalog.hasValidatedNotNullCheck(name, on: table))
      else { return nil }
      return "scans `\(table)`"
    case .addConstraint:
      guard let constraint = command.constraint else { return nil }
      switch constraint.kind {
      case .check, .foreignKey: return constraint.notValid ? nil : "scans `\(table)` to validate a constraint"
      case .primaryKey, .unique: return constraint.usingIndex == nil ? "builds an index by scanning `\(table)`" : nil
      case .exclusion: return "builds an index by scanning `\(table)`"
      default: return nil
      }
    case .validateConstraint:
      return "scans `\(table)` to validate a constraint"
    default:
      return nil
    }
  }
}
