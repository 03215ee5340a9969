import MigLintCore
import MigLintORM

/// Sequelize CLI: `<timestamp>-<name>.js` exporting `up(queryInterface, Sequelize)` and `down`,
/// run in file-name order without a transaction; calls made in
/// `queryInterface.sequelize.transaction(…)` (or with `{ transaction: t }`) run in one, which
/// the generated SQL shows as `BEGIN`/`COMMIT`.
struct Sequelize: ORMLayout {
  let orm = ORM.sequelize

  func help(_ ruleID: String) -> String? {
    switch ruleID {
    case "create-index-non-concurrently":
      "Pass `{ concurrently: true }` to `addIndex`, outside `sequelize.transaction` (Sequelize runs a migration without one); if it fails, drop the INVALID index it leaves and retry"
    case "drop-index-non-concurrently":
      "Pass `{ concurrently: true }` to `removeIndex`, outside `sequelize.transaction`"
    case "concurrently-in-transaction":
      "Make the call outside `sequelize.transaction(…)` and without `{ transaction }`: Sequelize runs a migration without a transaction"
    case "missing-lock-timeout":
      "Send `SET lock_timeout = '5s'` first with `queryInterface.sequelize.query`; inside `sequelize.transaction`, send `SET LOCAL lock_timeout = '5s'` with `{ transaction }` (the pool may run calls without one on another connection)"
    case "add-column-not-null-without-default":
      "Give it a `defaultValue`, or add it with `allowNull: true`, backfill in batches, then add the NOT NULL constraint"
    default: nil
    }
  }

  func transactions(_ migration: ORMMigration, _ builder: LayoutBuilder) -> (
    up: ToolTransaction?, down: ToolTransaction?
  ) {
    let transaction = builder.transaction(nil)
    return (transaction, transaction)
  }
}
