import Foundation
import MigLintTestSupport
import Testing

/// ORM migrations end to end: each ORM fixture reports what the SQL its ORM sends reports (the
/// fixture's `sql-twin/`, written by hand as dbmate migrations with the same transactions), and
/// the frameworks that only print their SQL (Django, Alembic) are linted through standard input.
@Suite struct ORMTests {
  /// "<version> <rule>" for each finding of a JSON report, sorted.
  static func findings(_ json: String, in directory: String) throws -> [String] {
    let report = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
    let diagnostics = report?["diagnostics"] as? [[String: Any]] ?? []
    return try diagnostics.compactMap { diagnostic -> String? in
      guard let rule = diagnostic["rule"] as? String, let path = diagnostic["path"] as? String,
        rule != "unanalyzable-migration-code"
      else { return nil }
      return "\(try version(of: path, in: directory)) \(rule)"
    }.sorted()
  }

  /// A file name's leading digits, else the 13-digit timestamp ending a TypeORM class's name.
  static func version(of path: String, in directory: String) throws -> String {
    let name = URL(fileURLWithPath: path).lastPathComponent
    let digits = name.prefix { $0.isNumber }
    if !digits.isEmpty { return String(digits) }
    let text = try String(contentsOfFile: directory + "/" + path, encoding: .utf8)
    let match = text.firstMatch(of: /class \w*?(\d{13})\b/)
    return match.map { String($0.1) } ?? name
  }

  @Test(arguments: ["sequelize", "knex", "typeorm"])
  func reportsWhatItsSQLTwinReports(_ orm: String) throws {
    let directory = TestLint.repositoryRoot + "/fixtures/layout-" + orm
    let migrations = try String(contentsOfFile: directory + "/args", encoding: .utf8).trimmingCharacters(
      in: .whitespacesAndNewlines)
    let ormRun = try CLI.run([migrations, "--format", "json"], in: directory)
    let twinRun = try CLI.run(["sql-twin", "--format", "json"], in: directory)
    let ormFindings = try Self.findings(ormRun.stdout, in: directory)
    let twinFindings = try Self.findings(twinRun.stdout, in: directory)
    #expect(!twinFindings.isEmpty)
    #expect(ormFindings == twinFindings)
    #expect(ormRun.status == twinRun.status)
  }

  @Test func theSummaryNamesEachDirectorysToolAndCountsCalls() throws {
    let directory = TestLint.repositoryRoot + "/fixtures/layout-sequelize"
    let text = try CLI.run(["db/migrations"], in: directory)
    #expect(text.stdout.contains("db/migrations: Sequelize, 13 of 14 calls analysed"))
    let json = try CLI.run(["db/migrations", "--format", "json"], in: directory)
    let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
    let directories = report?["directories"] as? [[String: Any]]
    #expect(directories?.count == 1)
    #expect(directories?.first?["tool"] as? String == "sequelize")
    #expect(directories?.first?["analysedCalls"] as? Int == 13)
    #expect(directories?.first?["unanalysableCalls"] as? Int == 1)
  }

  /// README's example, as it prints.
  @Test func theReadmeExample() throws {
    let directory = try TestLint.makeDirectory([
      "migrations/20231202000000-add-status.js": """
      module.exports = {
        async up(queryInterface, Sequelize) {
          // Every user gets a status.
          await queryInterface.addColumn('users', 'status', { type: Sequelize.STRING, allowNull: false });
        },
        async down(queryInterface) {
          await queryInterface.removeColumn('users', 'status');
        },
      };

      """
    ])
    let result = try CLI.run(["--select", "add-column-not-null-without-default"], in: directory)
    let readme = try String(contentsOfFile: TestLint.repositoryRoot + "/README.md", encoding: .utf8)
    let shown = result.stdout.split(separator: "\n").prefix(5).joined(separator: "\n")
    #expect(readme.contains(shown), "\(shown)")
  }

  @Test func aHelperInTheMigrationsFolderIsNotReported() throws {
    let directory = TestLint.repositoryRoot + "/fixtures/layout-sequelize"
    let json = try CLI.run(["db/migrations", "--format", "json"], in: directory)
    #expect(!json.stdout.contains("_shared.js"))
    #expect(json.stdout.contains("20240104000000-loosen-tier.js"))
  }

  @Test func theWorkingDirectoryFindsORMMigrations() throws {
    // `miglint` with no path walks the project; node_modules is never entered.
    let directory = try TestLint.makeDirectory([
      "package.json": "{}\n",
      "db/migrations/20240101000000_add.js": """
      exports.up = (knex) => knex.schema.alterTable('users', (t) => { t.text('email').notNullable(); });
      exports.down = (knex) => knex.schema.alterTable('users', (t) => { t.dropColumn('email'); });
      """,
      "node_modules/some-lib/migrations/0001_x.js": "exports.up = (knex) => knex.raw('DROP TABLE users');\n",
      "src/app.js": "const knex = require('knex');\n",
    ])
    let result = try CLI.run([], in: directory)
    #expect(result.status == 1)
    #expect(
      result.stdout.contains("db/migrations/20240101000000_add.js:1:65: error[add-column-not-null-without-default]"))
    #expect(!result.stdout.contains("node_modules"))
    #expect(!result.stdout.contains("src/app.js"))
    #expect(result.stdout.contains("db/migrations: Knex, 5 of 5 calls analysed"))
  }

  @Test func configurationsNameMigrationsFoldersOfAnyName() throws {
    let directory = try TestLint.makeDirectory([
      ".sequelizerc":
        "const path = require('path');\nmodule.exports = { 'migrations-path': path.resolve('db', 'migrate') };\n",
      "db/migrate/20240101000000-a.js":
        "module.exports = { up: async (qi) => { await qi.removeColumn('users', 'a'); } };\n",
      "k/knexfile.js": "module.exports = { development: { migrations: { directory: './schema' } } };\n",
      "k/schema/20240101_b.js": "exports.up = async (db) => { await db.schema.dropTable('x'); };\n",
      "src/data-source.ts": """
      import { DataSource } from 'typeorm';
      export default new DataSource({ type: 'postgres', migrations: [__dirname + '/data/migs/*{.ts,.js}'] });
      """,
      "src/data/migs/1700000000000-C.ts": """
      import { MigrationInterface, QueryRunner } from 'typeorm';
      export class C1700000000000 implements MigrationInterface {
        async up(q: QueryRunner) { await q.query('DROP TABLE y'); }
      }
      """,
      "src/app.ts": "export const port = 3000;\n",
    ])
    let result = try CLI.run(["--select", "drop-column,drop-table"], in: directory)
    #expect(result.stdout.contains("db/migrate: Sequelize, 1 of 1 call analysed"), "\(result.stdout)")
    #expect(result.stdout.contains("k/schema: Knex, 1 of 1 call analysed"))
    #expect(result.stdout.contains("src/data/migs: TypeORM, 1 of 1 call analysed"))
    #expect(!result.stdout.contains("app.ts"))
  }

  @Test func importedConstantsAndHelpersOfTheProjectAreFollowed() throws {
    let directory = try TestLint.makeDirectory([
      "package.json": "{}\n",
      "src/tables.ts": "export const TASKS = 'tasks';\n",
      "src/migration-helpers/index.cjs": """
      async function addIndex(knex, table) {
        await knex.raw(`CREATE INDEX tasks_state ON ${table} (state)`);
      }
      module.exports = { addIndex };
      """,
      "src/migrations/20240101000000_tasks.ts": """
      import type { Knex } from 'knex';
      import { TASKS } from '../tables.js';
      const { addIndex } = require('../migration-helpers/index.cjs');

      export async function up(knex: Knex): Promise<void> {
        await knex.raw(`ALTER TABLE ${TASKS} ADD COLUMN state text NOT NULL`);
        await addIndex(knex, TASKS);
      }
      """,
    ])
    _ = try HistoryTests.git(["init", "-q"], in: directory)
    let result = try CLI.run(["src/migrations", "--format", "json"], in: directory)
    #expect(result.stdout.contains("\"analysedCalls\": 2"), "\(result.stdout)")
    #expect(result.stdout.contains("\"unanalysableCalls\": 0"))
    #expect(result.stdout.contains("add-column-not-null-without-default"))
    // The helper's index is reported at the migration's call of it (line 7).
    let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    let index = (json?["diagnostics"] as? [[String: Any]])?.first {
      $0["rule"] as? String == "create-index-non-concurrently"
    }
    #expect(index?["line"] as? Int == 7)
    #expect(index?["path"] as? String == "src/migrations/20240101000000_tasks.ts")
  }

  @Test func theConfigurationsTransactionSettingsAreRead() throws {
    let index = """
      import { MigrationInterface, QueryRunner } from 'typeorm';
      export class Index1700000000000 implements MigrationInterface {
        transaction = false;
        async up(q: QueryRunner) { await q.query('CREATE INDEX CONCURRENTLY i ON t (a)'); }
      }

      """
    func typeorm(_ mode: String) throws -> String {
      let directory = try TestLint.makeDirectory([
        "package.json": "{}\n",
        "src/data-source.ts": """
        import { DataSource } from 'typeorm';
        export const source = new DataSource({ type: 'postgres', migrations: ['src/db/*.ts']\(mode) });
        """,
        "src/db/1700000000000-Index.ts": index,
      ])
      _ = try HistoryTests.git(["init", "-q"], in: directory)
      return try CLI.run(["src/db", "--select", "concurrently-in-transaction"], in: directory).stdout
    }
    // 'each' honours `transaction = false`; 'all' (also the default) runs it in the transaction.
    #expect(!(try typeorm(", migrationsTransactionMode: 'each'")).contains("error[concurrently-in-transaction]"))
    #expect(try typeorm(", migrationsTransactionMode: 'all'").contains("error[concurrently-in-transaction]"))
    #expect(try typeorm("").contains("error[concurrently-in-transaction]"))

    let knex = try TestLint.makeDirectory([
      "knexfile.js":
        "module.exports = { migrations: { directory: './db', disableTransactions: true, migrationSource: source } };\n",
      "db/20240101_index.js": "exports.up = (knex) => knex.raw('CREATE INDEX CONCURRENTLY i ON t (a)');\n",
    ])
    _ = try HistoryTests.git(["init", "-q"], in: knex)
    let result = try CLI.run(["db", "--select", "concurrently-in-transaction,unanalyzable-migration-code"], in: knex)
    #expect(!result.stdout.contains("error[concurrently-in-transaction]"), "\(result.stdout)")
    #expect(result.stdout.contains("the knexfile's `migrationSource` decides which migrations run"))
  }

  @Test func theHistoryJoinsRawAndBuilderMigrations() throws {
    // A view created by raw SQL reads a column a later builder call drops; downs are paired.
    var files: [String: String] = [
      "migrations/20240101000000_users.js": """
      exports.up = async (knex) => {
        await knex.raw('CREATE TABLE users (id bigint PRIMARY KEY, email text)');
        await knex.raw('CREATE VIEW user_emails AS SELECT email FROM users');
      };
      exports.down = (knex) => knex.raw('DROP VIEW user_emails; DROP TABLE users');

      """,
      "migrations/20240102000000_drop_email.js": """
      exports.up = (knex) => knex.schema.alterTable('users', (t) => { t.dropColumn('email'); });
      exports.down = async () => {};

      """,
      "migrations/20240103000000_note.js": """
      exports.up = (knex) => knex.schema.alterTable('users', (t) => { t.text('note'); });
      exports.down = async () => {
        // Forward-only: the note column is kept.
      };

      """,
    ]
    for number in 4...12 {
      files["migrations/202401\(String(format: "%02d", number))000000_c\(number).js"] = """
        exports.up = (knex) => knex.schema.alterTable('users', (t) => { t.text('c\(number)'); });
        exports.down = (knex) => knex.schema.alterTable('users', (t) => { t.dropColumn('c\(number)'); });

        """
    }
    let directory = try TestLint.makeDirectory(files)
    let result = try CLI.run(
      ["migrations", "--select", "drop-column-referenced,missing-down-migration"], in: directory)
    #expect(
      result.stdout.contains("migrations/20240102000000_drop_email.js:1:65: error[drop-column-referenced]"),
      "\(result.stdout)")
    // An empty down is no down (most migrations have one); a comment saying why makes it one.
    #expect(result.stdout.contains("migrations/20240102000000_drop_email.js:1:14: warning[missing-down-migration]"))
    #expect(!result.stdout.contains("20240103000000_note.js:1:14: warning[missing-down-migration]"))
  }

  /// The advice to wrap a Sequelize migration in an unmanaged transaction: the backfill then
  /// holds the ALTER's lock, and a concurrent index in it fails.
  @Test func anUnmanagedSequelizeTransactionIsSeen() throws {
    let directory = try TestLint.makeDirectory([
      "migrations/20240101000000-verified.js": """
      module.exports = {
        up: async (queryInterface, Sequelize) => {
          const transaction = await queryInterface.sequelize.transaction();
          try {
            await queryInterface.addColumn('users', 'verified', { type: Sequelize.BOOLEAN, defaultValue: false }, { transaction });
            await queryInterface.sequelize.query('UPDATE users SET verified = true', { transaction });
            await queryInterface.addIndex('users', ['verified'], { concurrently: true, transaction });
            await transaction.commit();
          } catch (error) {
            await transaction.rollback();
            throw error;
          }
        },
      };

      """
    ])
    let result = try CLI.run(["migrations"], in: directory)
    #expect(result.stdout.contains("6:45: warning[statements-after-access-exclusive]"), "\(result.stdout)")
    #expect(
      result.stdout.contains(
        "7:13: error[concurrently-in-transaction] `CREATE INDEX CONCURRENTLY` cannot run inside a transaction block, and this runs inside the transaction block opened on line 3"
      ))
    #expect(result.stdout.contains("migrations: Sequelize, 6 of 6 calls analysed"))
  }

  @Test func noHistoryReadsEachORMFileOnItsOwn() throws {
    let directory = TestLint.repositoryRoot + "/fixtures/layout-knex"
    let result = try CLI.run(["db/migrations", "--no-history"], in: directory)
    #expect(!result.stdout.contains("syntax-error"), "\(result.stdout)")
    #expect(
      result.stdout.contains("db/migrations/20240102000000_add_plan.js:3:5: error[add-column-not-null-without-default]")
    )
  }

  @Test func aRunnerScriptLeavesASQLToolsFolderAlone() throws {
    let directory = try TestLint.makeDirectory([
      "migrations/20240101120000_users.sql":
        "-- migrate:up\nCREATE TABLE users (id bigint PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE users;\n",
      "migrations/run.js": "const knex = require('knex')(config);\nknex.migrate.latest();\n",
    ])
    let result = try CLI.run(["migrations"], in: directory)
    #expect(result.stdout.contains("migrations: dbmate"), "\(result.stdout)")
    #expect(!result.stdout.contains("run.js"))
  }

  @Test func aTomlToolKeyMakesADirectoryAnORMs() throws {
    let directory = try TestLint.makeDirectory([
      "miglint.toml": "[directories.\"db\"]\ntool = \"knex\"\n",
      "db/001_add.js": "exports.up = async function (db) { await db.schema.dropTable('users'); };\n",
    ])
    let result = try CLI.run(["db/001_add.js", "--format", "json"], in: directory)
    #expect(result.stdout.contains("\"tool\": \"knex\""))
    #expect(result.stdout.contains("drop-table"))
  }

  @Test func suppressionCommentsWorkInJavaScript() throws {
    let directory = try TestLint.makeDirectory([
      "migrations/20240101000000-drop.js": """
      module.exports = {
        async up(queryInterface) {
          // miglint-ignore drop-table -- the table was emptied and unused since 2.3
          await queryInterface.dropTable('legacy_events');
          await queryInterface.dropTable('legacy_jobs');
        },
      };

      """
    ])
    let result = try CLI.run(["migrations", "--select", "drop-table", "--format", "json"], in: directory)
    #expect(!result.stdout.contains("`legacy_events`"))
    #expect(result.stdout.contains("`legacy_jobs`"))
  }

  @Test func deployRecordsAndBaseWorkOnORMFolders() throws {
    let directory = try TestLint.makeDirectory([
      "db/20240101000000_users.js": """
      exports.up = (knex) => knex.schema.createTable('users', (t) => {
        t.bigIncrements('id');
      });
      exports.down = (knex) => knex.schema.dropTable('users');

      """,
      "db/20240102000000_email.js": """
      exports.up = (knex) => knex.schema.alterTable('users', (t) => { t.text('email'); });
      exports.down = (knex) => knex.schema.alterTable('users', (t) => { t.dropColumn('email'); });

      """,
    ])
    defer { try? FileManager.default.removeItem(atPath: directory) }
    _ = try HistoryTests.git(["init", "-q"], in: directory)
    _ = try HistoryTests.git(["add", "."], in: directory)
    _ = try HistoryTests.git(["commit", "-qm", "deployed"], in: directory)
    #expect(try CLI.run(["db", "--base", "HEAD"], in: directory).status == 0)
    let edited = """
      exports.up = (knex) => knex.schema.createTable('users', (t) => {
        t.increments('id');
      });
      exports.down = (knex) => knex.schema.dropTable('users');

      """
    try edited.write(toFile: directory + "/db/20240101000000_users.js", atomically: true, encoding: .utf8)
    let base = try CLI.run(["db", "--base", "HEAD"], in: directory)
    #expect(base.status == 1)
    // The first changed line of the file, not of the SQL it sends.
    #expect(base.stdout.contains("db/20240101000000_users.js:2:1: error[edited-after-deploy]"), "\(base.stdout)")
    let sum = try CLI.run(["sum", "db"], in: directory)
    #expect((sum.stdout + sum.stderr).contains("2 migrations, knex"), "\(sum.stdout)")
    #expect(try CLI.run(["db"], in: directory).status == 0)
    try (edited + "// changed again\n").write(
      toFile: directory + "/db/20240101000000_users.js", atomically: true, encoding: .utf8)
    let record = try CLI.run(["db"], in: directory)
    #expect(record.stdout.contains("db/20240101000000_users.js:1:1: error[edited-after-deploy]"), "\(record.stdout)")
  }

  /// `python manage.py sqlmigrate shop 0042` prints the migration's SQL in BEGIN/COMMIT (unless
  /// the migration says `atomic = False`): piped to miglint under the migration's name.
  @Test func djangoSqlmigrateOutputThroughStandardInput() throws {
    let sqlmigrate = """
      BEGIN;
      --
      -- Add field status to order
      --
      ALTER TABLE "shop_order" ADD COLUMN "status" varchar(20) DEFAULT 'new' NOT NULL;
      ALTER TABLE "shop_order" ALTER COLUMN "status" DROP DEFAULT;
      --
      -- Create index shop_order_status_idx on field(s) status of model order
      --
      CREATE INDEX "shop_order_status_idx" ON "shop_order" ("status");
      COMMIT;

      """
    let directory = try TestLint.makeDirectory(["shop/migrations/__init__.py": ""])
    let result = try CLI.run(
      ["-", "--stdin-filename", "shop/migrations/0042_order_status.py", "--format", "json"], in: directory,
      stdin: sqlmigrate)
    #expect(result.status == 1)
    #expect(result.stdout.contains("\"path\": \"shop/migrations/0042_order_status.py\""))
    #expect(result.stdout.contains("create-index-non-concurrently"))
    #expect(result.stdout.contains("statements-after-access-exclusive"))
  }

  /// `alembic upgrade <from>:<to> --sql` prints each revision between `-- Running upgrade` lines
  /// in one transaction; one revision at a time is piped to miglint.
  @Test func alembicOfflineOutputThroughStandardInput() throws {
    let offline = """
      BEGIN;

      -- Running upgrade 1975ea83b712 -> ae1027a6acf

      ALTER TABLE account ADD COLUMN last_login TIMESTAMP WITHOUT TIME ZONE NOT NULL;

      CREATE INDEX CONCURRENTLY ix_account_last_login ON account (last_login);

      UPDATE alembic_version SET version_num='ae1027a6acf' WHERE alembic_version.version_num = '1975ea83b712';

      COMMIT;

      """
    let directory = try TestLint.makeDirectory(["alembic/versions/.keep": ""])
    let result = try CLI.run(
      ["-", "--stdin-filename", "alembic/versions/ae1027a6acf_add_last_login.py"], in: directory, stdin: offline)
    #expect(result.status == 1)
    #expect(result.stdout.contains("error[add-column-not-null-without-default]"))
    #expect(result.stdout.contains("error[concurrently-in-transaction]"))
  }
}
