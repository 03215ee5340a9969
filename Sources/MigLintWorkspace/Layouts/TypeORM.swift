import MigLintCore
import MigLintORM

/// TypeORM: classes implementing `MigrationInterface`, ordered by the timestamp that ends the
/// class name. Pending migrations run in one transaction (`migrationsTransactionMode: 'all'`);
/// with `'each'` a migration whose instance says `transaction = false` runs without one (read
/// here as written: in `'all'` mode TypeORM refuses to run it). A revert always runs `down` in
/// a transaction.
struct TypeORM: ORMLayout {
  let orm = ORM.typeorm

  func help(_ ruleID: String) -> String? {
    switch ruleID {
    case "create-index-non-concurrently":
      "Send `CREATE INDEX CONCURRENTLY …` with `queryRunner.query` from a migration with `transaction = false`, under `migrationsTransactionMode: 'each'`"
    case "drop-index-non-concurrently":
      "Send `DROP INDEX CONCURRENTLY …` with `queryRunner.query` from a migration with `transaction = false`, under `migrationsTransactionMode: 'each'`"
    case "concurrently-in-transaction":
      "Give the statement a migration of its own with `transaction = false`, and set `migrationsTransactionMode: 'each'` in the data source"
    case "missing-lock-timeout":
      "Start `up` and `down` with `await queryRunner.query(\"SET LOCAL lock_timeout = '5s'\")` (TypeORM runs them in a transaction)"
    case "add-column-not-null-without-default":
      "Give the column a `default`, or add it with `isNullable: true`, backfill in batches, then add the NOT NULL constraint"
    default: nil
    }
  }

  func version(of file: LayoutFile, _ migration: ORMMigration) -> (version: String, name: String) {
    guard let className = migration.className else { return Layouts.leadingVersion(Layouts.stem(file.name)) }
    // TypeORM reads the last 13 characters as a JavaScript timestamp.
    let utf8 = Array(className.utf8)
    let count = min(13, utf8.reversed().prefix { $0 >= 0x30 && $0 <= 0x39 }.count)
    let digits = String(decoding: utf8.suffix(count), as: UTF8.self)
    return (digits.isEmpty ? className : digits, String(decoding: utf8.dropLast(count), as: UTF8.self))
  }

  func transactions(_ migration: ORMMigration, _ builder: LayoutBuilder) -> (
    up: ToolTransaction?, down: ToolTransaction?
  ) {
    let optOut =
      "Set `migrationsTransactionMode: 'each'` in the data source and `transaction = false` in a migration of its own"
    // The data source's mode when miglint found it; without it, a migration's `transaction = false`
    // is read as TypeORM runs it in `'each'` mode (in `'all'` mode TypeORM refuses to run it).
    let mode = builder.ormSettings.map { $0.transactionMode ?? "all" }
    if mode == "none" { return (builder.transaction(nil), builder.transaction(nil)) }
    let down = builder.transaction(
      ToolTransaction(reason: "TypeORM runs `down` in a transaction when it reverts a migration", optOut: optOut))
    guard migration.transaction != false || mode == "all" else { return (builder.transaction(nil), down) }
    let up = builder.transaction(
      ToolTransaction(
        reason: "TypeORM runs pending migrations in a transaction (`migrationsTransactionMode: 'all'`, the default)",
        optOut: optOut))
    return (up, down)
  }
}
