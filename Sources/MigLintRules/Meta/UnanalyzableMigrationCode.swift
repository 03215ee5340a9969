import MigLintCore
import MigLintSyntax

struct UnanalyzableMigrationCode: ObservationRule {
  static let description = RuleDescription(
    id: "unanalyzable-migration-code",
    summary: "ORM migration code that miglint could not follow was not checked",
    category: .syntax,
    severity: .info,
    rationale: """
      ## What it flags
      A call in a Sequelize, Knex or TypeORM migration that miglint could not turn into the SQL
      it sends: a helper imported from another module that is handed the query interface, a
      table name that is not a constant, SQL with a `${…}` whose value is only known at run
      time (the SQL is still checked, with a placeholder in its place), a Knex query that is
      neither awaited nor returned (Knex never sends it), or code in a `catch` (it runs only
      when the migration fails). miglint reads migrations without running them: it follows
      constants, functions written in the file, literal lists and the ORM's own calls, and
      says so wherever it stops.

      ## Why it is dangerous
      What is not analysed is not checked: a hazard in it passes silently. The note makes the
      gap visible; the run's summary counts the calls analysed and those not.

      ## Safe alternative
      Write the call with constants in the migration itself, or put the SQL in the migration
      as a string (`queryInterface.sequelize.query`, `knex.raw`, `queryRunner.query`), so that
      it can be checked. A migration that must stay dynamic can say so with a suppression.
      """,
    triggering: [
      RuleExample(files: [
        ExampleFile(
          "20240101000000_add_timestamps.js",
          """
          const { addTimestamps } = require('@acme/db-helpers');

          exports.up = async (knex) => {
            await knex.schema.alterTable('users', (t) => { t.text('note'); });
            await ▶addTimestamps(knex, 'users');
          };

          """)
      ])
    ],
    nonTriggering: [
      RuleExample(files: [
        ExampleFile(
          "20240101000000_add_timestamps.js",
          """
          const TABLE = 'users';
          const addTimestamps = (knex, table) =>
            knex.schema.alterTable(table, (t) => { t.timestamps(true, true); });

          exports.up = async (knex) => {
            await knex.schema.alterTable(TABLE, (t) => { t.text('note'); });
            await addTimestamps(knex, TABLE);
          };

          """)
      ])
    ])
}

extension UnanalyzableMigrationCode {
  static let judges: Set<Observation.Kind> = [.unanalysableCode]

  static func finding(for observation: Observation, at range: SourceRange) -> Finding? {
    guard case .unanalysableCode(let reason, let tool) = observation else { return nil }
    return Finding(
      at: range, message: "Not analysed: \(reason)",
      help:
        "Write the \(tool.displayName) call with constants in the migration, or send the SQL as a string, so that miglint can check it"
    )
  }
}
