import MigLintSyntax

/// A lock the current transaction holds.
package struct HeldLock: Sendable, Hashable {
  package var mode: LockMode
  package var relation: QualifiedName
  /// Where the statement that took it starts.
  package var offset: Int
}

/// Transaction state at a statement. Outside an explicit block every statement is its own
/// transaction, so the transaction-scoped parts hold only what the current statement did.
package struct TransactionState: Sendable {
  /// An explicit `BEGIN` / `START TRANSACTION` is open.
  package var explicitBlock: Bool = false
  /// Offset of the `BEGIN` that opened the block.
  package var beginOffset: Int?
  /// Locks held on existing relations, by catalog key.
  package var locks: [String: HeldLock] = [:]
  /// The first ACCESS EXCLUSIVE lock taken on an existing relation in this transaction.
  package var firstAccessExclusive: HeldLock?
  /// Tables (catalog keys) changed by DDL in this transaction.
  package var alteredTables: Set<String> = []
  /// Constraints added `NOT VALID` in this transaction: "<table key>/<constraint name>".
  package var notValidConstraints: Set<String> = []
  /// Enum values added with `ALTER TYPE … ADD VALUE` in this transaction.
  package var addedEnumValues: [String] = []
  /// A transaction the statement runs in without a BEGIN, and why ("a DO block, which runs as one
  /// transaction").
  package var implicit: String?
  /// The transaction the migration tool runs the script in.
  package var tool: ToolTransaction?

  package var inTransaction: Bool { explicitBlock || implicit != nil || tool != nil }

  /// True when the open transaction is the migration tool's (no BEGIN, DO block or function).
  package var isToolTransaction: Bool { !explicitBlock && implicit == nil && tool != nil }

  /// "the transaction block opened on line 4", "a DO block, which runs as one transaction",
  /// "a transaction (goose runs this file in a transaction)".
  package func describe(in source: SourceFile) -> String {
    if explicitBlock, let beginOffset {
      return "the transaction block opened on line \(source.line(of: beginOffset))"
    }
    return implicit ?? tool.map { "a transaction (\($0.reason))" } ?? "an open transaction block"
  }

  /// Forgets what the finished transaction held (the reasons for implicit transactions stay).
  package mutating func end() {
    self = TransactionState(implicit: implicit, tool: tool)
  }
}

/// Session settings and history seen so far in the migration.
package struct MigrationState: Sendable {
  package var transaction = TransactionState()
  /// Lower-case names of settings assigned so far (`lock_timeout`, `statement_timeout`).
  package var settings: Set<String> = []
  /// Statements before this one that took a lock blocking reads or writes on an existing table.
  package var blockingLockTaken = false
  /// The tool's one-query transaction that does not wrap the script yet because it holds one
  /// statement, and would as soon as a fix added another (golang-migrate, Prisma).
  package var transactionWithAnotherStatement: ToolTransaction?
  /// The part of its file that the script being run covers (a goose, dbmate or sql-migrate
  /// section); nil for the whole file.
  package var script: SourceRange?
  /// The migration tool's transaction that a `COMMIT` of the script ended (a hand escape for
  /// statements that cannot run in a transaction); the tool still sends its own `COMMIT` at the
  /// end, which closes a block the script reopened with `BEGIN`.
  package var escapedToolTransaction: ToolTransaction?

  package init() {}

  /// True when the tool's own `COMMIT` at the end of the script closes an open block: the script
  /// runs in the tool's transaction (sent statement by statement), now or before a `COMMIT` of
  /// its own ended it.
  package var toolCommitsAtEnd: Bool {
    if let tool = transaction.tool, !tool.singleQuery { return true }
    return escapedToolTransaction != nil
  }
}

/// The transaction state machine: what each statement does to the transaction, the settings and
/// the locks held (rules read the state before a statement; `Linter` advances it after).
extension MigrationState {
  /// Updates transaction state, settings and lock history after `statement`.
  package mutating func advance(past statement: Statement, locks: [LockAcquisition], catalog: Catalog) {
    for lock in locks where catalog.isExisting(lock.relation) {
      let key = Catalog.key(lock.relation)
      let held = HeldLock(mode: lock.mode, relation: lock.relation, offset: statement.range.start)
      if let existing = transaction.locks[key], existing.mode >= lock.mode { continue }
      transaction.locks[key] = held
      // A view's lock is held by no long work: the table's is what queues traffic.
      if lock.mode == .accessExclusive, transaction.firstAccessExclusive == nil,
        !catalog.isView(lock.relation), !statement.dropsView, !statement.isLockTable
      {
        transaction.firstAccessExclusive = held
      }
      if lock.mode.blocksReadsOrWrites { blockingLockTaken = true }
    }
    switch statement.kind {
    case .transaction(let kind):
      switch kind {
      case .begin, .start:
        if !transaction.explicitBlock {
          transaction.end()
          transaction.beginOffset = statement.range.start
        }
        transaction.explicitBlock = true
      case .commit, .rollback, .prepare:
        // A COMMIT inside the tool's transaction ends it (files escape it by hand this way),
        // except in a single multi-statement query, where the next statement starts another.
        if let tool = transaction.tool, !tool.singleQuery {
          transaction.tool = nil
          escapedToolTransaction = tool
        }
        transaction.end()
      default:
        break
      }
    case .variableSet(let set):
      if set.isReset { settings.remove(set.name) } else { settings.insert(set.name) }
    case .alterTable(let alter):
      transaction.alteredTables.insert(Catalog.key(alter.relation))
      for command in alter.commands {
        if let constraint = command.constraint, constraint.notValid, let name = constraint.name {
          transaction.notValidConstraints.insert(Catalog.key(alter.relation) + "/" + name)
        }
      }
    case .createIndex(let index):
      transaction.alteredTables.insert(Catalog.key(index.table))
    case .rename(let rename):
      guard let relation = rename.relation else { break }
      transaction.alteredTables.insert(Catalog.key(relation))
      // A renamed table keeps its locks: later statements name it by its new name.
      if rename.renameType == .table {
        let renamed = QualifiedName(schema: relation.schema, name: rename.newName)
        if var held = transaction.locks.removeValue(forKey: Catalog.key(relation)) {
          held.relation = renamed
          transaction.locks[Catalog.key(renamed)] = held
        }
        if let first = transaction.firstAccessExclusive, catalog.same(first.relation, relation) {
          transaction.firstAccessExclusive?.relation = renamed
        }
      }
    case .enumChange(let change) where !change.isCreate && change.renamedFrom == nil:
      transaction.addedEnumValues += change.values
    default:
      break
    }
    // Outside a transaction the statement was its own: nothing stays held.
    if !transaction.inTransaction { transaction.end() }
  }
}
