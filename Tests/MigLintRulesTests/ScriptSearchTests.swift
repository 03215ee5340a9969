import MigLintCore
import MigLintRules
import MigLintSyntax
import MigLintTestSupport
import Testing

/// Rules that look back or ahead in a script for a statement about one object (a copy before a
/// DROP COLUMN, a DROP INDEX before a rebuild) find it through the statements that name it once
/// a script has many statements of the kind (`StatementContext.earlierStatements(ofNode:naming:)`).
/// Each case is linted with no other statement of the kind and with 50 about other objects
/// around the one that matters: the finding on the key statement must be the same.
@Suite struct ScriptSearchTests {
  struct Case: Sendable, CustomStringConvertible {
    var rule: String
    /// Statements of the searched kind about other objects; `{n}` is their number.
    var filler: String
    /// The script: `{filler}` is where the fillers go, `▶` starts the key statement's line.
    var script: String
    /// The key statement's findings of `rule`: their messages (empty: none).
    var expected: [String]
    var description: String { rule + ": " + script.prefix(60) }
  }

  static let cases: [Case] = [
    Case(
      rule: "drop-column", filler: "UPDATE other{n} SET c = 1;",
      script: "UPDATE users SET new_email = email;\n{filler}\n▶ALTER TABLE users DROP COLUMN email;\n",
      expected: ["copied on line 1"]),
    Case(
      rule: "drop-column", filler: "UPDATE other{n} SET c = 1;",
      script:
        "UPDATE \"Users\" SET new_email = \"E-mail\";\n{filler}\n▶ALTER TABLE \"Users\" DROP COLUMN \"E-mail\";\n",
      expected: ["copied on line 1"]),
    Case(
      rule: "drop-column", filler: "UPDATE other{n} SET x = email;",
      script: "{filler}\n▶ALTER TABLE users DROP COLUMN email;\n", expected: ["data is lost"]),
    Case(
      rule: "non-idempotent-statement", filler: "DROP INDEX CONCURRENTLY IF EXISTS other{n};",
      script:
        "DROP INDEX CONCURRENTLY IF EXISTS \"Users_Email\";\n{filler}\n▶CREATE INDEX CONCURRENTLY \"Users_Email\" ON users (email);\n",
      expected: []),
    Case(
      rule: "non-idempotent-statement", filler: "DROP INDEX CONCURRENTLY IF EXISTS other{n};",
      script:
        "DROP INDEX CONCURRENTLY IF EXISTS \"Users\"\"Email\";\n{filler}\n▶CREATE INDEX CONCURRENTLY \"Users\"\"Email\" ON users (email);\n",
      expected: []),
    Case(
      rule: "non-idempotent-statement", filler: "DROP INDEX CONCURRENTLY IF EXISTS other{n};",
      script: "{filler}\n▶CREATE INDEX CONCURRENTLY users_email ON users (email);\n", expected: ["fails if"]),
    Case(
      rule: "add-column-not-null-without-default", filler: "TRUNCATE other{n};",
      script: "BEGIN;\nTRUNCATE users;\n{filler}\n▶ALTER TABLE users ADD COLUMN x int NOT NULL;\nCOMMIT;\n",
      expected: []),
    Case(
      rule: "add-column-not-null-without-default", filler: "DELETE FROM other{n};",
      script: "BEGIN;\n{filler}\n▶ALTER TABLE users ADD COLUMN x int NOT NULL;\nCOMMIT;\n",
      expected: ["fails as soon as the table has a row"]),
    Case(
      rule: "foreign-key-without-index", filler: "CREATE INDEX CONCURRENTLY other{n}_c ON other{n} (user_id);",
      script:
        "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\n▶ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n{filler}\nCREATE INDEX CONCURRENTLY orders_user_idx ON orders (user_id);\n",
      expected: []),
    Case(
      rule: "foreign-key-without-index", filler: "CREATE INDEX CONCURRENTLY other{n}_c ON other{n} (user_id);",
      script:
        "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\n▶ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n{filler}\n",
      expected: ["has no index"]),
    Case(
      rule: "rename-table", filler: "CREATE VIEW other{n} AS SELECT 1;",
      script: "▶ALTER TABLE users RENAME TO accounts;\n{filler}\nCREATE VIEW users AS SELECT * FROM accounts;\n",
      expected: []),
  ]

  @Test(arguments: cases) func findsTheSameWithManyStatementsOfTheKind(_ example: Case) {
    let few = findings(example, fillers: 0)
    #expect(few.count == example.expected.count, "\(few)")
    for (message, expected) in zip(few, example.expected) { #expect(message.contains(expected), "\(message)") }
    #expect(findings(example, fillers: 50) == few)
  }

  /// The messages of `rule` on the key statement's line, the script linted with `count` fillers.
  func findings(_ example: Case, fillers count: Int) -> [String] {
    let fillers = (0..<count).map { example.filler.replacing("{n}", with: String($0)) }.joined(separator: "\n")
    let script = example.script.replacing("{filler}", with: fillers)
    let lines = script.split(separator: "\n", omittingEmptySubsequences: false)
    let key = (lines.firstIndex { $0.hasPrefix("▶") } ?? 0) + 1
    let sql = script.replacing("▶", with: "")
    return TestLint.lint(sql, select: ["default", example.rule])
      .filter { $0.ruleID == example.rule && $0.start.line == key }.map(\.message)
  }
}
