import Dispatch
import MigLintSyntax
import MigLintTestSupport
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
    #expect(alter.commands.map(\.subtype) == [.addColumn, .alterColumnType])
    #expect(alter.commands[0].column?.type?.displayName == "varchar(20)")
    #expect(alter.commands[0].column?.has(.notNull) == true)
    #expect(alter.commands[1].newType?.modifiers == [10, 2])
    #expect(alter.commands[1].hasUsing)
    #expect(file.text(alter.commands[0].range) == "ADD COLUMN a varchar(20) NOT NULL DEFAULT 'x'")
    #expect(file.text(alter.commands[1].range) == "ALTER COLUMN b TYPE numeric(10,2) USING b::numeric")
    guard case .drop(let drop) = file.statements[2].kind else { Issue.record("not drop"); return }
    #expect(drop.objects == [QualifiedName(name: "a"), QualifiedName(schema: "s", name: "b")])
    #expect(drop.cascade && drop.missingOk && drop.objectType == .table)
    #expect(file.statements[3].kind == .transaction(.begin))
    #expect(file.statements[4].kind == .variableSet(VariableSet(name: "lock_timeout", isLocal: true, isReset: false)))
  }

  /// One statement per subcommand kind: every case is spelled as libpg_query spells it, and the
  /// grammar produces every case (a kind added to the enum needs a line here).
  @Test func everyAlterTableSubcommandKindDecodes() throws {
    let examples: [AlterTableType: String] = [
      .addColumn: "ALTER TABLE t ADD COLUMN c int", .columnDefault: "ALTER TABLE t ALTER c SET DEFAULT 1",
      .dropNotNull: "ALTER TABLE t ALTER c DROP NOT NULL", .setNotNull: "ALTER TABLE t ALTER c SET NOT NULL",
      .dropExpression: "ALTER TABLE t ALTER c DROP EXPRESSION",
      .setStatistics: "ALTER TABLE t ALTER c SET STATISTICS 100",
      .setOptions: "ALTER TABLE t ALTER c SET (n_distinct = 1)",
      .resetOptions: "ALTER TABLE t ALTER c RESET (n_distinct)",
      .setStorage: "ALTER TABLE t ALTER c SET STORAGE PLAIN",
      .setCompression: "ALTER TABLE t ALTER c SET COMPRESSION pglz", .dropColumn: "ALTER TABLE t DROP COLUMN c",
      .addConstraint: "ALTER TABLE t ADD CONSTRAINT k CHECK (c > 0)",
      .alterConstraint: "ALTER TABLE t ALTER CONSTRAINT k DEFERRABLE",
      .validateConstraint: "ALTER TABLE t VALIDATE CONSTRAINT k", .dropConstraint: "ALTER TABLE t DROP CONSTRAINT k",
      .alterColumnType: "ALTER TABLE t ALTER c TYPE bigint",
      .alterColumnGenericOptions: "ALTER FOREIGN TABLE t ALTER c OPTIONS (ADD a 'b')",
      .changeOwner: "ALTER TABLE t OWNER TO r", .clusterOn: "ALTER TABLE t CLUSTER ON i",
      .dropCluster: "ALTER TABLE t SET WITHOUT CLUSTER", .setLogged: "ALTER TABLE t SET LOGGED",
      .setUnlogged: "ALTER TABLE t SET UNLOGGED", .dropOids: "ALTER TABLE t SET WITHOUT OIDS",
      .setAccessMethod: "ALTER TABLE t SET ACCESS METHOD heap", .setTablespace: "ALTER TABLE t SET TABLESPACE s",
      .setRelOptions: "ALTER TABLE t SET (fillfactor = 70)", .resetRelOptions: "ALTER TABLE t RESET (fillfactor)",
      .enableTrigger: "ALTER TABLE t ENABLE TRIGGER g", .enableAlwaysTrigger: "ALTER TABLE t ENABLE ALWAYS TRIGGER g",
      .enableReplicaTrigger: "ALTER TABLE t ENABLE REPLICA TRIGGER g",
      .disableTrigger: "ALTER TABLE t DISABLE TRIGGER g",
      .enableAllTriggers: "ALTER TABLE t ENABLE TRIGGER ALL", .disableAllTriggers: "ALTER TABLE t DISABLE TRIGGER ALL",
      .enableUserTriggers: "ALTER TABLE t ENABLE TRIGGER USER",
      .disableUserTriggers: "ALTER TABLE t DISABLE TRIGGER USER", .enableRule: "ALTER TABLE t ENABLE RULE r",
      .enableAlwaysRule: "ALTER TABLE t ENABLE ALWAYS RULE r",
      .enableReplicaRule: "ALTER TABLE t ENABLE REPLICA RULE r",
      .disableRule: "ALTER TABLE t DISABLE RULE r", .addInherit: "ALTER TABLE t INHERIT p",
      .dropInherit: "ALTER TABLE t NO INHERIT p", .addOf: "ALTER TABLE t OF ty", .dropOf: "ALTER TABLE t NOT OF",
      .replicaIdentity: "ALTER TABLE t REPLICA IDENTITY FULL",
      .enableRowSecurity: "ALTER TABLE t ENABLE ROW LEVEL SECURITY",
      .disableRowSecurity: "ALTER TABLE t DISABLE ROW LEVEL SECURITY",
      .forceRowSecurity: "ALTER TABLE t FORCE ROW LEVEL SECURITY",
      .noForceRowSecurity: "ALTER TABLE t NO FORCE ROW LEVEL SECURITY",
      .genericOptions: "ALTER FOREIGN TABLE t OPTIONS (ADD a 'b')",
      .attachPartition: "ALTER TABLE t ATTACH PARTITION p FOR VALUES IN (1)",
      .detachPartition: "ALTER TABLE t DETACH PARTITION p",
      .detachPartitionFinalize: "ALTER TABLE t DETACH PARTITION p FINALIZE",
      .addIdentity: "ALTER TABLE t ALTER c ADD GENERATED ALWAYS AS IDENTITY",
      .setIdentity: "ALTER TABLE t ALTER c SET GENERATED BY DEFAULT",
      .dropIdentity: "ALTER TABLE t ALTER c DROP IDENTITY",
    ]
    #expect(Set(examples.keys) == Set(AlterTableType.allCases))
    for (expected, sql) in examples {
      let statement = try parse(sql).statements.first
      guard case .alterTable(let alter) = statement?.kind else {
        Issue.record("\(sql): not decoded as ALTER TABLE")
        continue
      }
      #expect(alter.commands.map(\.subtype) == [expected], "\(sql)")
    }
  }

  /// Node types are read as libpg_query spells them: none of the statements the rules' examples
  /// hold is unknown.
  @Test func everyExampleStatementHasAKnownNodeType() throws {
    let sql = [
      "GRANT SELECT ON t TO r", "COMMENT ON TABLE t IS 'x'", "CREATE ROLE r", "SECURITY LABEL ON TABLE t IS 'x'",
      "ALTER FUNCTION f() OWNER TO r", "SHOW search_path", "CALL p()", "CREATE STATISTICS s ON a, b FROM t",
      "ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO r",
      "CREATE EVENT TRIGGER e ON ddl_command_start EXECUTE FUNCTION f()",
    ]
    for text in sql + TestLint.exampleSQL.map(\.sql) {
      for statement in try parse(text).statements {
        #expect(statement.nodeType != .unknown, "\(text)")
      }
    }
  }

  @Test func objectKindsDecodeFromEveryStatementThatNamesOne() throws {
    let examples: [(String, ObjectType)] = [
      ("DROP MATERIALIZED VIEW v", .matview), ("DROP FOREIGN TABLE f", .foreignTable),
      ("DROP EVENT TRIGGER e", .eventTrigger), ("DROP POLICY p ON t", .policy),
      ("ALTER TABLE t RENAME CONSTRAINT a TO b", .tabconstraint), ("ALTER MATERIALIZED VIEW v RENAME TO w", .matview),
      ("ALTER DOMAIN d RENAME CONSTRAINT a TO b", .domconstraint), ("ALTER SEQUENCE s SET SCHEMA x", .sequence),
      ("ALTER INDEX i SET (fillfactor = 70)", .index),
    ]
    for (sql, expected) in examples {
      let kind = try parse(sql).statements.first?.kind
      let decoded: ObjectType? =
        switch kind {
        case .drop(let drop): drop.objectType
        case .rename(let rename): rename.renameType
        case .setSchema(let change): change.objectType
        case .alterTable(let alter): alter.objectType
        default: nil
        }
      #expect(decoded == expected, "\(sql)")
    }
    guard case .reindex(let reindex) = try parse("REINDEX SCHEMA CONCURRENTLY s").statements.first?.kind else {
      Issue.record("REINDEX not decoded")
      return
    }
    #expect(reindex.target == .schema && reindex.concurrently)
    guard case .lockTable(let lock) = try parse("LOCK TABLE t IN SHARE ROW EXCLUSIVE MODE").statements.first?.kind
    else {
      Issue.record("LOCK TABLE not decoded")
      return
    }
    #expect(lock.mode == .shareRowExclusive)
  }

  /// A big file is parsed a run of statements at a time; what comes out is what one call gives,
  /// whatever falls at a run's edge: comments, a body with `;` inside (`BEGIN ATOMIC`), tool
  /// markers, a statement the grammar rejects.
  @Test func aFileParsedInRunsIsTheFileParsedWhole() throws {
    // The fixtures that are text (one holds a NUL on purpose).
    let fixtures = SQLLexerTests.sqlFiles(under: TestLint.repositoryRoot + "/fixtures")
      .filter { !$0.contains(0) }.compactMap { String(validating: $0, as: UTF8.self) }
    let pieces = [
      "CREATE TABLE t (id int);\n-- a comment\n/* another */ ALTER TABLE t ADD COLUMN c text;\n",
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\n",
      "-- +goose StatementBegin\nCREATE INDEX i ON t (c);\n-- +goose StatementEnd\n",
      "SELECT 'a;b', $$ ; $$, (SELECT 1; );\n", "ALTER TABLE t ADD COLUMN ;\n", "UPDATE t SET c = 'x'\n",
    ]
    // Without an error or `BEGIN ATOMIC`, every run parses alone; the last statement has no `;`.
    let valid = String(repeating: pieces[0] + pieces[2] + "SELECT 'a;b', $$ ; $$;\n", count: 8) + "UPDATE t SET c = 1"
    let texts = [fixtures.joined(separator: ";\n"), String(repeating: pieces.joined(), count: 4), valid]
    for (index, text) in texts.enumerated() {
      let source = try SourceFile(path: "t.sql", text: text)
      let whole = Parser.parse(source, chunkBytes: Int.max / 4)
      for chunkBytes in [64, 300, 4096] {
        let runs = Parser.parse(source, chunkBytes: chunkBytes)
        #expect(runs.statements == whole.statements, "text \(index), runs of \(chunkBytes) bytes")
        #expect(runs.syntaxErrors == whole.syntaxErrors, "text \(index), runs of \(chunkBytes) bytes")
      }
      #expect(!whole.statements.isEmpty)
    }
  }

  @Test func statementsStartAtTheirFirstTokenNotAtCommentsBeforeThem() throws {
    let file = try parse("SELECT 1; -- trailing\n/* block /* nested */ */\n-- line\nSELECT 2")
    #expect(file.statements.map { file.text($0.range) } == ["SELECT 1", "SELECT 2"])
    #expect(file.comments.count == 3)
  }

  @Test func oneSyntaxErrorDoesNotHideTheOtherStatements() throws {
    let file = try parse(
      "CREATE TABLE a (id int);\nSELEC 1;\nALTER TABLE a ADD COLUMN b int;\nCREATE TABLE (;\nDROP TABLE a;")
    #expect(file.statements.map(\.nodeType) == [.createStmt, .alterTableStmt, .dropStmt])
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
