import MigLintSyntax

/// PostgreSQL's eight table-level lock modes, weakest first.
package enum LockMode: Int, Sendable, CaseIterable, Comparable {
  case accessShare, rowShare, rowExclusive, shareUpdateExclusive, share, shareRowExclusive,
    exclusive, accessExclusive

  /// The name PostgreSQL uses (`ACCESS EXCLUSIVE`).
  package var name: String {
    switch self {
    case .accessShare: "ACCESS SHARE"
    case .rowShare: "ROW SHARE"
    case .rowExclusive: "ROW EXCLUSIVE"
    case .shareUpdateExclusive: "SHARE UPDATE EXCLUSIVE"
    case .share: "SHARE"
    case .shareRowExclusive: "SHARE ROW EXCLUSIVE"
    case .exclusive: "EXCLUSIVE"
    case .accessExclusive: "ACCESS EXCLUSIVE"
    }
  }

  /// PostgreSQL's conflict matrix ("Conflicting Lock Modes" in the documentation), one bit per
  /// mode in `rawValue` order; a table because rules ask on every statement.
  private static let conflictMasks: [UInt8] = [
    0b1000_0000,  // ACCESS SHARE: ACCESS EXCLUSIVE
    0b1100_0000,  // ROW SHARE: EXCLUSIVE, ACCESS EXCLUSIVE
    0b1111_0000,  // ROW EXCLUSIVE: SHARE and stronger
    0b1111_1000,  // SHARE UPDATE EXCLUSIVE: itself and stronger
    0b1110_1100,  // SHARE: ROW EXCLUSIVE, SHARE UPDATE EXCLUSIVE, SHARE ROW EXCLUSIVE and stronger
    0b1111_1100,  // SHARE ROW EXCLUSIVE: ROW EXCLUSIVE and stronger
    0b1111_1110,  // EXCLUSIVE: all but ACCESS SHARE
    0b1111_1111,  // ACCESS EXCLUSIVE: all
  ]

  package func conflicts(with other: LockMode) -> Bool {
    Self.conflictMasks[rawValue] & (1 << UInt8(other.rawValue)) != 0
  }

  /// `SELECT` takes ACCESS SHARE: a mode that conflicts with it blocks reads.
  package var blocksReads: Bool { conflicts(with: .accessShare) }
  /// `INSERT`/`UPDATE`/`DELETE` take ROW EXCLUSIVE: a mode that conflicts with it blocks writes.
  package var blocksWrites: Bool { conflicts(with: .rowExclusive) }

  /// The lock stops normal traffic: the hazard lock rules are about.
  package var blocksReadsOrWrites: Bool { blocksReads || blocksWrites }

  /// What the lock stops: "reads and writes", "writes", …
  package var blocked: String {
    if blocksReads { return "reads and writes" }
    if blocksWrites { return "writes" }
    if self == .shareUpdateExclusive { return "other schema changes and VACUUM" }
    return "only stronger locks"
  }

  /// "blocks reads and writes", for messages.
  package var blockedDescription: String { "blocks " + blocked }

  package static func < (lhs: LockMode, rhs: LockMode) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A lock a statement takes on one relation.
package struct LockAcquisition: Hashable, Sendable {
  package var mode: LockMode
  /// The relation as named in the statement (`users`, `public.users`).
  package var relation: QualifiedName

  package init(_ mode: LockMode, on relation: QualifiedName) {
    self.mode = mode
    self.relation = relation
  }

  /// "ACCESS EXCLUSIVE lock on `users` (blocks reads and writes)".
  package var phrase: String { "\(mode.name) lock on `\(relation)` (\(mode.blockedDescription))" }
}

/// Which locks each statement takes (RULES.md, "Lock facts").
package enum LockModel {
  /// The table-level locks `statement` takes, strongest per relation.
  package static func acquisitions(of statement: Statement, catalog: Catalog, pgVersion: PostgresVersion)
    -> [LockAcquisition]
  {
    var locks: [LockAcquisition] = []
    func take(_ mode: LockMode, _ relation: QualifiedName) {
      if let index = locks.firstIndex(where: { catalog.same($0.relation, relation) }) {
        locks[index].mode = max(locks[index].mode, mode)
      } else {
        locks.append(LockAcquisition(mode, on: relation))
      }
    }
    switch statement.kind {
    case .createIndex(let index):
      take(index.concurrently ? .shareUpdateExclusive : .share, index.table)
    case .drop(let drop):
      for object in drop.objects {
        switch drop.objectType {
        case "index":
          take(drop.concurrently ? .shareUpdateExclusive : .accessExclusive, catalog.tableOfIndex(object) ?? object)
        case "table", "view", "materialized_view", "matview", "sequence", "foreign_table":
          take(.accessExclusive, object)
        default:
          break
        }
      }
    case .alterTable(let alter):
      for command in alter.commands {
        take(mode(of: command, objectType: alter.objectType, pgVersion: pgVersion), alter.relation)
        if let referenced = command.constraint?.referencedTable
          ?? command.column?.constraint(.foreignKey)?.referencedTable
        {
          take(.shareRowExclusive, referenced)
        }
      }
    case .rename(let rename):
      guard let relation = rename.relation else { break }
      // Renaming an index takes SHARE UPDATE EXCLUSIVE from PostgreSQL 12 on.
      let mode: LockMode =
        rename.renameType == "index" && pgVersion.major >= 12 ? .shareUpdateExclusive : .accessExclusive
      if ["table", "column", "index", "view", "matview", "tabconstraint", "trigger"].contains(rename.renameType) {
        take(mode, relation)
      }
    case .reindex(let reindex):
      if let name = reindex.name, reindex.target == "table" || reindex.target == "index" {
        let relation = QualifiedName(name: name)
        take(reindex.concurrently ? .shareUpdateExclusive : .share, catalog.tableOfIndex(relation) ?? relation)
      }
    case .vacuum(let vacuum):
      for relation in vacuum.relations where vacuum.isVacuum {
        take(vacuum.full ? .accessExclusive : .shareUpdateExclusive, relation)
      }
    case .truncate(let truncate):
      for relation in truncate.relations { take(.accessExclusive, relation) }
    case .lockTable(let lock):
      let mode = LockMode(rawValue: lock.mode - 1) ?? .accessExclusive
      for relation in lock.relations { take(mode, relation) }
    case .cluster(let relation):
      if let relation { take(.accessExclusive, relation) }
    case .refreshMaterializedView(let name, let concurrently):
      take(concurrently ? .exclusive : .accessExclusive, name)
    case .dataChange(let change):
      take(.rowExclusive, change.table)
    case .createObject(let object):
      // CREATE TRIGGER takes SHARE ROW EXCLUSIVE on its table.
      if object.objectType == "trigger", let table = object.table { take(.shareRowExclusive, table) }
    case .setSchema(let change):
      if let object = change.object, ["table", "view", "matview", "sequence"].contains(change.objectType) {
        take(.accessExclusive, object)
      }
    default:
      break
    }
    return locks
  }

  /// The lock one ALTER TABLE subcommand takes on the altered relation.
  package static func mode(of command: AlterTableCommand, objectType: String, pgVersion: PostgresVersion) -> LockMode {
    switch command.subtype {
    case "ValidateConstraint", "SetStatistics", "ClusterOn", "DropCluster", "SetOptions", "ResetOptions",
      "SetRelOptions", "ResetRelOptions",
      "AttachPartition":
      return .shareUpdateExclusive
    case "DetachPartition":
      return command.concurrent ? .shareUpdateExclusive : .accessExclusive
    case "EnableTrig", "EnableAlwaysTrig", "EnableReplicaTrig", "EnableTrigAll", "EnableTrigUser",
      "DisableTrig", "DisableTrigAll", "DisableTrigUser":
      return .shareRowExclusive
    case "AddConstraint":
      if command.constraint?.kind == .foreignKey { return .shareRowExclusive }
      return .accessExclusive
    default:
      return .accessExclusive
    }
  }
}
