import Dispatch
import MigLintSyntax
import Testing

@Suite struct ParserTests {
  func parse(_ sql: String) throws -> ParsedFile { Parser.parse(try SourceFile(path: "t.sql", text: sql)) }

  @Test func decodesTheTypedModel() throws {
    let file = try parse(
      """
      CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON ONLY app.users (email, lower(name)) WHERE x;
      ALTER TABLE users ADD COLUMN a varchar(20) NOT NULL DEFAULT 'x', ALTER COLUMN b TYPE numeric(10,2) USING b::numeric;
      DROP TABLE IF EXISTS a, s.b CASCADE;
      BEGIN; SET LOCAL lock_timeout = '1s'; COMMIT;
      """)
    #expect(file.syntaxErrors.isEmpty)
    #expect(file.statements.count == 6)
    guard case .createIndex(let index) = file.statements[0].kind else { Issue.record("not an index"); return }
    #expect(index.unique && index.concurrently && index.ifNotExists && index.only && index.hasWhere)
    #expect(index.table == QualifiedName(schema: "app", name: "users"))
    #expect(index.columns == ["email", nil])
    guard case .alterTable(let alter) = file.statements[1].kind else { Issue.record("not alter"); return }
    #expect(alter.commands.map(\.subtype) == ["AddColumn", "AlterColumnType"])
    #expect(alter.commands[0].column?.type?.displayName == "varchar(20)")
    #expect(alter.commands[0].column?.has(.notNull) == true)
    #expect(alter.commands[1].newType?.modifiers == [10, 2])
    #expect(alter.commands[1].hasUsing)
    #expect(file.text(alter.commands[0].range) == "ADD COLUMN a varchar(20) NOT NULL DEFAULT 'x'")
    #expect(file.text(alter.commands[1].range) == "ALTER COLUMN b TYPE numeric(10,2) USING b::numeric")
    guard case .drop(let drop) = file.statements[2].kind else { Issue.record("not drop"); return }
    #expect(drop.objects == [QualifiedName(name: "a"), QualifiedName(schema: "s", name: "b")])
    #expect(drop.cascade && drop.missingOk && drop.objectType == "table")
    #expect(file.statements[3].kind == .transaction(.begin))
    #expect(file.statements[4].kind == .variableSet(VariableSet(name: "lock_timeout", isLocal: true, isReset: false)))
  }

  @Test func statementsStartAtTheirFirstTokenNotAtCommentsBeforeThem() throws {
    let file = try parse("SELECT 1; -- trailing\n/* block /* nested */ */\n-- line\nSELECT 2")
    #expect(file.statements.map { file.text($0.range) } == ["SELECT 1", "SELECT 2"])
    #expect(file.comments.count == 3)
  }

  @Test func oneSyntaxErrorDoesNotHideTheOtherStatements() throws {
    let file = try parse(
      "CREATE TABLE a (id int);\nSELEC 1;\nALTER TABLE a ADD COLUMN b int;\nCREATE TABLE (;\nDROP TABLE a;")
    #expect(file.statements.map(\.nodeType) == ["CreateStmt", "AlterTableStmt", "DropStmt"])
    #expect(file.syntaxErrors.count == 2)
    #expect(file.syntaxErrors[0].message == "syntax error at or near \"SELEC\"")
    #expect(file.source.position(of: file.syntaxErrors[0].location).line == 2)
    #expect(file.source.position(of: file.syntaxErrors[1].location).line == 4)
  }

  @Test func syntaxErrorPositionsCountBytesAfterMultibyteText() throws {
    let file = try parse("SELECT 'żółw';\nSELECT 'é' FROM;")
    let error = try #require(file.syntaxErrors.first)
    #expect(file.source.text(of: SourceRange(start: error.location, end: error.location + 1)) == ";")
  }

  /// Every token that is not a comment lands in a statement or in a syntax error.
  @Test(arguments: [
    "SELECT 1; SELEC 2; SELECT (3;",
    "CREATE TABLE t (a int); ALTER TABLE t ADD (;\n-- c\nDROP TABLE t",
    "DO $$ BEGIN PERFORM 1; END $$; SELECT 'a;b'; SELECT \"x;y\" FROM t; UPDATE; ;;",
    "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql; CREATE INDEX ON;",
    "SELECT ((1); SELECT 2);",
  ])
  func everyTokenIsAccountedFor(_ sql: String) throws {
    let file = try parse(sql)
    let covered = file.statements.map(\.range) + file.syntaxErrors.map(\.range)
    for token in file.tokens where !token.isComment && token.kind != Token.Kind.semicolon {
      #expect(covered.contains { $0.start <= token.start && token.end <= $0.end }, "lost: \(file.text(token.range))")
    }
  }

  @Test func anUnterminatedStringIsOneSyntaxError() throws {
    let file = try parse("SELECT 1;\nSELECT 'unterminated")
    #expect(file.statements.isEmpty == false || file.syntaxErrors.isEmpty == false)
    #expect(!file.syntaxErrors.isEmpty)
  }

  @Test func parsingFromManyThreadsAtOnceGivesTheSameResults() throws {
    let sql = (0..<50).map { "ALTER TABLE t\($0) ADD COLUMN c\($0) int NOT NULL; SELEC \($0);" }.joined(separator: "\n")
    let expected = try parse(sql)
    let source = try SourceFile(path: "t.sql", text: sql)
    final class Box: @unchecked Sendable { var mismatches = 0; let lock = DispatchSemaphore(value: 1) }
    let box = Box()
    DispatchQueue.concurrentPerform(iterations: 64) { _ in
      let file = Parser.parse(source)
      if file.statements != expected.statements || file.syntaxErrors != expected.syntaxErrors {
        box.lock.wait(); box.mismatches += 1; box.lock.signal()
      }
    }
    #expect(box.mismatches == 0)
  }
}

extension ParserTests {
  /// A parse tree nested deeper than the reader's bound is reported, not followed down the stack.
  @Test func aDeeplyNestedStatementIsNotAnalysedAndTheRestIs() throws {
    let deep = "SELECT " + Array(repeating: "1", count: 40_000).joined(separator: "+") + ";\n"
    let file = try parse(deep + "CREATE INDEX i ON users (email);\n")
    #expect(file.syntaxErrors.count == 1)
    #expect(file.syntaxErrors.first?.notAnalysed == true)
    #expect(file.statements.count == 1)
    guard case .createIndex = file.statements.first?.kind else {
      Issue.record("the statement after the deep one was not parsed")
      return
    }
  }
}

extension ParserTests {
  /// Deeply nested comments are flattened (same offsets), not fed to a scanner quadratic in them.
  @Test func deeplyNestedCommentsKeepOffsetsAndTheStatementsAfterThem() throws {
    let comment = String(repeating: "/*", count: 500) + "\n x \n" + String(repeating: "*/", count: 500)
    let file = try parse(comment + "\nDROP TABLE x;\n")
    #expect(file.syntaxErrors.isEmpty)
    #expect(file.statements.count == 1)
    #expect(file.statements.first.map { file.text($0.range) } == "DROP TABLE x")
    #expect(file.statements.first.map { file.source.line(of: $0.range.start) } == 4)
  }
}
