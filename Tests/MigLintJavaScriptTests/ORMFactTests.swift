import Foundation
import MigLintORM
import Testing

/// Every row of docs/orm/<orm>.md: the call in its first column sends exactly the SQL in its
/// second (statements joined with `; `).
@Suite struct ORMFactTests {
  struct Fact: CustomTestStringConvertible, Sendable {
    var orm: ORM
    var call: String
    var sql: String
    var testDescription: String { "\(orm.rawValue): \(call.prefix(70))" }
  }

  static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

  /// The table rows of a page: `| \`call\` | \`sql\` |` (an SQL cell without backticks expects none).
  static func facts(_ orm: ORM) -> [Fact] {
    let path = repositoryRoot + "/docs/orm/\(orm.rawValue).md"
    let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").compactMap { line -> Fact? in
      guard line.hasPrefix("| `") else { return nil }
      let cells = line.dropFirst(2).dropLast(2).components(separatedBy: " | ")
      guard cells.count == 2 else { return nil }
      func code(_ cell: String) -> String {
        cell.hasPrefix("`") && cell.hasSuffix("`") ? String(cell.dropFirst().dropLast()) : ""
      }
      return Fact(orm: orm, call: code(cells[0]), sql: code(cells[1]))
    }
  }

  static let all = ORM.allCases.flatMap(facts)

  /// The migration a call is written in, as each ORM's generator writes one.
  static func migration(_ call: String, _ orm: ORM) -> String {
    switch orm {
    case .knex: "exports.up = async function (knex) {\n  await \(call);\n};\n"
    case .sequelize: "module.exports = {\n  async up(queryInterface, Sequelize) {\n    await \(call);\n  },\n};\n"
    case .typeorm:
      """
      import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex, TableForeignKey, TableUnique, TableCheck } from 'typeorm';
      export class Fact1700000000000 implements MigrationInterface {
        public async up(queryRunner: QueryRunner): Promise<void> {
          await \(call);
        }
      }

      """
    }
  }

  @Test func everyPageHasFacts() {
    for orm in ORM.allCases { #expect(Self.facts(orm).count >= 20, "\(orm.rawValue)") }
  }

  @Test(arguments: all)
  func theCallSendsTheSQLOfItsRow(_ fact: Fact) throws {
    let migration = ORMMigration(Array(Self.migration(fact.call, fact.orm).utf8), orm: fact.orm)
    #expect(migration.syntaxErrors.isEmpty)
    #expect(migration.unanalysable.isEmpty, "\(migration.unanalysable.map(\.reason))")
    let up = try #require(migration.up)
    let sql = String(decoding: migration.sql[up.start..<up.end], as: UTF8.self)
    let statements = sql.components(separatedBy: ";\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
      .filter { !$0.isEmpty }
    #expect(statements.joined(separator: "; ") == fact.sql)
  }
}
