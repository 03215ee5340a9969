import MigLintSyntax

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

/// Which locks each statement takes (the facts are checked on a real server in
/// Tests/MigLintCoreTests/LockModelServerTests.swift).
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
        case .index:
          take(drop.concurrently ? .shareUpdateExclusive : .accessExclusive, catalog.tableOfIndex(object) ?? object)
        case .table, .view, .matview, .sequence, .foreignTable:
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
        rename.renameType == .index && pgVersion.major >= 12 ? .shareUpdateExclusive : .accessExclusive
      if [.table, .column, .index, .view, .matview, .tabconstraint, .trigger].contains(rename.renameType) {
        take(mode, relation)
      }
    case .reindex(let reindex):
      if let name = reindex.name, reindex.target == .table || reindex.target == .index {
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
      for relation in lock.relations { take(lock.mode, relation) }
    case .cluster(let relation):
      if let relation { take(.accessExclusive, relation) }
    case .refreshMaterializedView(let name, let concurrently):
      take(concurrently ? .exclusive : .accessExclusive, name)
    case .dataChange(let change):
      take(.rowExclusive, change.table)
    case .createObject(let object):
      // CREATE TRIGGER takes SHARE ROW EXCLUSIVE on its table.
      if object.objectType == .trigger, let table = object.table { take(.shareRowExclusive, table) }
    case .setSchema(let change):
      if let object = change.object, [.table, .view, .matview, .sequence].contains(change.objectType) {
        take(.accessExclusive, object)
      }
    // No lock on a table the model knows: new objects, settings, transaction control, whole
    // databases, bodies (their statements are judged one by one), statements not modelled.
    case .createTable, .transaction, .variableSet, .createView, .createDatabase, .alterSystem, .enumChange,
      .domainChange, .function, .doBlock, .dropDatabase, .other:
      break
    }
    return locks
  }

  /// The lock one ALTER TABLE subcommand takes on the altered relation.
  package static func mode(of command: AlterTableCommand, objectType: ObjectType, pgVersion: PostgresVersion)
    -> LockMode
  {
    switch command.subtype {
    case .validateConstraint, .setStatistics, .clusterOn, .dropCluster, .setOptions, .resetOptions,
      .setRelOptions, .resetRelOptions, .attachPartition:
      return .shareUpdateExclusive
    case .detachPartition:
      return command.concurrent ? .shareUpdateExclusive : .accessExclusive
    case .enableTrigger, .enableAlwaysTrigger, .enableReplicaTrigger, .enableAllTriggers, .enableUserTriggers,
      .disableTrigger, .disableAllTriggers, .disableUserTriggers:
      return .shareRowExclusive
    case .addConstraint:
      return command.constraint?.kind == .foreignKey ? .shareRowExclusive : .accessExclusive
    case .addColumn, .columnDefault, .dropNotNull, .setNotNull, .dropExpression, .setStorage, .setCompression,
      .dropColumn, .alterConstraint, .dropConstraint, .alterColumnType, .alterColumnGenericOptions, .changeOwner,
      .setLogged, .setUnlogged, .dropOids, .setAccessMethod, .setTablespace, .enableRule, .enableAlwaysRule,
      .enableReplicaRule, .disableRule, .addInherit, .dropInherit, .addOf, .dropOf, .replicaIdentity,
      .enableRowSecurity, .disableRowSecurity, .forceRowSecurity, .noForceRowSecurity, .genericOptions,
      .detachPartitionFinalize, .addIdentity, .setIdentity, .dropIdentity:
      return .accessExclusive
    }
  }
}
