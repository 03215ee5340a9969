import MigLintJavaScript
import MigLintORM
import MigLintSyntax
import Testing

@Suite struct ParserTests {
  func parse(_ text: String) -> JSProgram { JSParser.parse(Array(text.utf8)) }

  func sql(_ text: String, _ orm: ORM) -> String {
    let migration = ORMMigration(Array(text.utf8), orm: orm)
    return String(decoding: migration.sql, as: UTF8.self)
      .components(separatedBy: ";\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
      .filter { !$0.isEmpty }.joined(separator: "; ")
  }

  @Test func typeScriptIsReadAndSetAside() {
    let program = parse(
      """
      import type { Knex } from 'knex';
      import { MigrationInterface, QueryRunner } from "typeorm";
      interface Options { readonly name?: string; [key: string]: unknown }
      type Row = { id: number } | null;
      enum Mode { A = 1, B }
      declare const x: number;
      @Injectable()
      export class Example1700000000000 implements MigrationInterface {
        name = 'Example1700000000000';
        private readonly rows: Map<string, Array<Row>> = new Map();
        static transaction = false;
        constructor(private readonly service?: Service<T>) {}
        public async up<T extends object>(queryRunner: QueryRunner, options: Options = {}): Promise<void> {
          const value = (options as any)!.name satisfies string;
          await queryRunner.query<Row[]>(`SELECT 1`);
        }
        async down(queryRunner: QueryRunner): Promise<void> {}
      }
      export const up = async (knex: Knex): Promise<void> => { await knex.schema.dropTable('t'); };
      export default { up };
      """)
    #expect(program.errors.isEmpty, "\(program.errors)")
    let classes = program.statements.compactMap { statement -> JSClass? in
      if case .class(let declaration, _) = statement { return declaration }
      return nil
    }
    #expect(classes.first?.name == "Example1700000000000")
    #expect(classes.first?.implements == ["MigrationInterface"])
    #expect(classes.first?.members.map(\.name) == ["name", "rows", "transaction", "constructor", "up", "down"])
  }

  @Test func expressionsMigrationsUse() {
    let program = parse(
      """
      const table = 'users', { a, b: [c, ...d] } = obj, [e = 1] = list;
      const f = a?.b?.[c] ?? (d || e) && !g;
      const h = { table, [`k${1}`]: 2, ...rest, method() { return 1; }, get x() { return 2; }, async *gen() {} };
      label: for (const [key, value] of Object.entries(h)) { if (key) continue label; else break; }
      for (let i = 0; i < 3; i++) {}
      while (false) {} do {} while (false);
      try { throw new Error('x'); } catch { } finally { }
      switch (x) { case 1: y(); break; default: z(); }
      x = a ? b : c, y += 1, z **= 2;
      const re = /a\\/b[/]c/g.test(s) / 2;
      async function* walk() { yield* other(); }
      """)
    #expect(program.errors.isEmpty, "\(program.errors)")
  }

  @Test func unterminatedAndBrokenCodeIsNotedNotFatal() {
    let program = parse("exports.up = function (knex) {\n  return knex.raw('open\n}\nconst x = ;\n")
    #expect(!program.errors.isEmpty)
    let notJavaScript = parse("SELECT * FROM users WHERE id = 1;\n-- comment\n")
    #expect(notJavaScript.statements.count >= 1)
  }

  @Test func deeplyNestedCallsStopWithANoteNotACrash() {
    let depth = 5_000
    let text = "x = " + String(repeating: "f(", count: depth) + String(repeating: ")", count: depth) + ";\n"
    let program = parse(text)
    #expect(program.errors.contains { $0.message == "nested too deep" })
    let arrays = "x = " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + ";\n"
    #expect(!parse(arrays).errors.isEmpty)
  }

  @Test func aMegabyteMigrationIsReadInOnePass() {
    var text = "module.exports = {\n  async up(queryInterface, Sequelize) {\n"
    var count = 0
    while text.utf8.count < 1 << 20 {
      text += "    await queryInterface.addColumn('t\(count)', 'c', { type: Sequelize.STRING, allowNull: true });\n"
      count += 1
    }
    text += "  },\n};\n"
    let migration = ORMMigration(Array(text.utf8), orm: .sequelize)
    #expect(migration.syntaxErrors.isEmpty)
    #expect(migration.analysedCalls == count)
    #expect(String(decoding: migration.sql, as: UTF8.self).components(separatedBy: "ADD COLUMN").count == count + 1)
  }

  @Test func constantsConcatenationAndHelpersWrittenInTheFileAreFollowed() {
    let text = """
      const TABLE = 'orders';
      const column = (name) => ({ type: 'TEXT', allowNull: true, name });
      async function addAll(qi, names) {
        for (const name of names) await qi.addColumn(TABLE, name, column(name));
      }
      module.exports = {
        up: async (qi) => {
          await addAll(qi, ['a', 'b']);
          await qi.sequelize.query('UPDATE ' + TABLE + " SET a = 'x'");
          if (qi.sequelize.getDialect() === 'mysql') { await qi.sequelize.query('SET foreign_key_checks = 0'); }
        },
      };
      """
    #expect(
      sql(text, .sequelize)
        == "ALTER TABLE \"orders\" ADD COLUMN \"a\" TEXT; ALTER TABLE \"orders\" ADD COLUMN \"b\" TEXT; UPDATE orders SET a = 'x'"
    )
  }

  @Test func aCallMiglintCannotFollowIsNotedAtTheCall() {
    let text = """
      const { addTimestamps } = require('./helpers');
      exports.up = async (knex) => {
        await addTimestamps(knex, 'users');
        await knex.raw(`ALTER TABLE ${process.env.TABLE} ADD COLUMN a int`);
      };
      """
    let migration = ORMMigration(Array(text.utf8), orm: .knex)
    #expect(migration.unanalysable.count == 2)
    let bytes = Array(text.utf8)
    let first = migration.unanalysable[0].range
    #expect(String(decoding: bytes[first.start..<first.end], as: UTF8.self) == "addTimestamps(knex, 'users')")
    // The SQL is still linted, with a placeholder for what is not known.
    #expect(String(decoding: migration.sql, as: UTF8.self).contains("ALTER TABLE ${p} ADD COLUMN a int"))
  }

  @Test func aKnexQueryNeitherAwaitedNorReturnedIsNoted() {
    let text = "exports.up = function (knex) {\n  knex.schema.dropTable('users');\n};\n"
    let migration = ORMMigration(Array(text.utf8), orm: .knex)
    #expect(migration.unanalysable.map(\.reason).first?.contains("neither awaited nor returned") == true)
  }

  @Test func findingsInAStringMapIntoTheString() {
    let text = "exports.up = (knex) => knex.raw('ALTER TABLE t\\n  ADD COLUMN a int');\n"
    let migration = ORMMigration(Array(text.utf8), orm: .knex)
    let sql = migration.sql
    let add = Array("ADD COLUMN".utf8)
    let at = (0...(sql.count - add.count)).first { Array(sql[$0..<($0 + add.count)]) == add } ?? 0
    let original = migration.map.original(SourceRange(start: at, end: at + add.count))
    #expect(String(decoding: Array(text.utf8)[original.start..<original.end], as: UTF8.self) == "ADD COLUMN")
  }
}
