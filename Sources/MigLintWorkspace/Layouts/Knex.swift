import MigLintCore
import MigLintORM

/// Knex: `<timestamp>_<name>.js` exporting `up(knex)` and `down(knex)`, run in file-name order,
/// each in a transaction unless it exports `config = { transaction: false }`.
struct Knex: ORMLayout {
  let orm = ORM.knex

  func help(_ ruleID: String) -> String? {
    switch ruleID {
    case "create-index-non-concurrently":
      "Send `knex.raw('CREATE INDEX CONCURRENTLY …')` from a migration that exports `config = { transaction: false }`; if it fails, drop the INVALID index it leaves and retry"
    case "drop-index-non-concurrently":
      "Send `knex.raw('DROP INDEX CONCURRENTLY …')` from a migration that exports `config = { transaction: false }`"
    case "concurrently-in-transaction":
      "Export `config = { transaction: false }` from this migration and keep the statement alone in it (Knex runs every other migration in a transaction)"
    case "missing-lock-timeout":
      "Start `up` and `down` with `await knex.raw(\"SET LOCAL lock_timeout = '5s'\")` (Knex runs them in a transaction)"
    case "add-column-not-null-without-default":
      "Give it `.defaultTo(…)`, or add it `.nullable()`, backfill in batches, then `table.dropNullable('…')` in a later migration"
    default: nil
    }
  }

  func transactions(_ migration: ORMMigration, _ builder: LayoutBuilder) -> (
    up: ToolTransaction?, down: ToolTransaction?
  ) {
    // `disableTransactions: true` in the knexfile turns them all off.
    guard migration.transaction != false, builder.ormSettings?.disablesTransactions != true else {
      return (builder.transaction(nil), builder.transaction(nil))
    }
    let transaction = builder.transaction(
      ToolTransaction(
        reason: "Knex runs this migration in a transaction (all pending migrations in one, by default)",
        optOut:
          "Move the statement to a migration of its own that exports `config = { transaction: false }` (`exports.config` or `export const config`)"
      ))
    return (transaction, transaction)
  }
}
