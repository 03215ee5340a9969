import MigLintCore
import MigLintRules
import MigLintSyntax
import MigLintTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
  import Glibc
#endif

@Suite struct LockModeTests {
  @Test func conflictMatrixIsSymmetricAndMatchesPostgreSQL() {
    for a in LockMode.allCases {
      for b in LockMode.allCases { #expect(a.conflicts(with: b) == b.conflicts(with: a), "\(a.name) / \(b.name)") }
    }
    #expect(LockMode.accessExclusive.blocksReads)
    #expect(!LockMode.share.blocksReads && LockMode.share.blocksWrites)
    #expect(LockMode.shareRowExclusive.blocksWrites)
    #expect(!LockMode.shareUpdateExclusive.blocksWrites)
    #expect(LockMode.shareUpdateExclusive.conflicts(with: .shareUpdateExclusive))
    #expect(!LockMode.rowExclusive.conflicts(with: .rowExclusive))
  }
}

@Suite struct TypeChangeTests {
  func type(_ name: String, _ modifiers: [Int] = []) -> TypeReference {
    TypeReference(names: ["pg_catalog", name], modifiers: modifiers, hasOtherModifiers: false, arrayDimensions: 0)
  }

  @Test func binaryCoercibleChangesDoNotRewrite() {
    let pg15 = PostgresVersion(major: 15)
    #expect(TypeChange.verdict(from: type("varchar", [20]), to: type("varchar", [40]), pgVersion: pg15) == .noRewrite)
    #expect(TypeChange.verdict(from: type("varchar", [20]), to: type("varchar"), pgVersion: pg15) == .noRewrite)
    #expect(TypeChange.verdict(from: type("varchar", [20]), to: type("text"), pgVersion: pg15) == .noRewrite)
    #expect(
      TypeChange.verdict(from: type("numeric", [10, 2]), to: type("numeric", [12, 2]), pgVersion: pg15) == .noRewrite)
    #expect(TypeChange.verdict(from: type("timestamp", [3]), to: type("timestamp"), pgVersion: pg15) == .noRewrite)
    #expect(TypeChange.verdict(from: type("cidr"), to: type("inet"), pgVersion: pg15) == .noRewrite)
    #expect(TypeChange.verdict(from: type("timestamp"), to: type("timestamptz"), pgVersion: pg15) == .noRewriteIfUTC)
  }

  @Test func otherChangesRewrite() {
    let pg15 = PostgresVersion(major: 15)
    #expect(TypeChange.verdict(from: type("int4"), to: type("int8"), pgVersion: pg15) == .rewrite)
    #expect(TypeChange.verdict(from: type("varchar", [40]), to: type("varchar", [20]), pgVersion: pg15) == .rewrite)
    #expect(TypeChange.verdict(from: type("text"), to: type("varchar", [20]), pgVersion: pg15) == .rewrite)
    #expect(
      TypeChange.verdict(from: type("numeric", [10, 2]), to: type("numeric", [12, 3]), pgVersion: pg15) == .rewrite)
    #expect(TypeChange.verdict(from: type("timestamp"), to: type("timestamp", [3]), pgVersion: pg15) == .rewrite)
    #expect(
      TypeChange.verdict(from: type("timestamp"), to: type("timestamptz"), pgVersion: PostgresVersion(major: 11))
        == .rewrite)
  }

  @Test func aKnownWideningInTheSameMigrationIsQuietAndANarrowingIsNot() {
    // The table is new here, so use the catalog through a baseline-style sequence on an unknown table.
    let widening = TestLint.lint(
      "ALTER TABLE t ADD COLUMN n varchar(10);\nALTER TABLE t ALTER COLUMN n TYPE varchar(20);",
      select: ["alter-column-type"])
    #expect(widening.isEmpty)
    let narrowing = TestLint.lint(
      "ALTER TABLE t ADD COLUMN n varchar(10);\nALTER TABLE t ALTER COLUMN n TYPE varchar(5);",
      select: ["alter-column-type"])
    #expect(narrowing.count == 1)
  }
}

@Suite struct VersionAndConfigurationTests {
  @Test func parsesSupportedVersionsOnly() {
    #expect(PostgresVersion(parsing: "15") == PostgresVersion(major: 15))
    #expect(PostgresVersion(parsing: "12.4") == PostgresVersion(major: 12, minor: 4))
    #expect(PostgresVersion(parsing: "9.6") == PostgresVersion(major: 9, minor: 6))
    for bad in ["9.5", "19", "", "fifteen", "15.", "-1", "15.1.2"] {
      #expect(PostgresVersion(parsing: bad) == nil, "\(bad)")
    }
  }

  @Test func selectIgnoreAndCategories() {
    let registry = BuiltinRules.registry
    var configuration = Configuration()
    #expect(registry.enabledIDs(configuration).contains("drop-table"))
    configuration.ignore = ["compat"]
    #expect(!registry.enabledIDs(configuration).contains("drop-table"))
    configuration.select = ["ban-drop-table"]  // squawk's id
    configuration.ignore = []
    #expect(registry.enabledIDs(configuration) == ["drop-table"])
    configuration.select = ["all"]
    #expect(registry.enabledIDs(configuration).count == registry.descriptions.count)
  }

  @Test func severityOverridesAndFailLevels() {
    let diagnostics = TestLint.lint("DROP TABLE users;", select: ["drop-table"]) { $0.severity["drop-table"] = .info }
    #expect(diagnostics.map(\.severity) == [.info])
    #expect(!FailLevel.warning.fails(.info) && FailLevel.warning.fails(.warning) && FailLevel.info.fails(.info))
    #expect(!FailLevel.never.fails(.error) && !FailLevel.error.fails(.warning))
  }
}

@Suite struct SuppressionTests {
  @Test func fileSuppressionsAliasesAndReasons() {
    let sql =
      "-- miglint-ignore-file drop-table, renaming-column -- legacy cleanup\nDROP TABLE a;\nALTER TABLE b RENAME COLUMN c TO d;\nDROP TABLE e;"
    #expect(TestLint.lint(sql, select: ["drop-table", "rename-column", "unused-suppression"]).isEmpty)
  }

  @Test func aNextStatementSuppressionCoversOnlyTheNextStatement() {
    let sql = "-- miglint-ignore drop-table\nDROP TABLE a;\nDROP TABLE b;"
    let found = TestLint.lint(sql, select: ["drop-table"])
    #expect(found.map(\.start.line) == [3])
  }

  @Test func reasonsCanBeRequired() {
    let sql = "-- miglint-ignore drop-table\nDROP TABLE a;"
    let found = TestLint.lint(sql, select: ["drop-table", "invalid-suppression"]) { $0.requireSuppressionReason = true }
    #expect(found.map(\.ruleID) == ["invalid-suppression"])
  }

  @Test func lookalikeCommentsAreNotSuppressions() {
    let sql = "-- miglint-ignored drop-table\n-- see miglint-ignore drop-table\nDROP TABLE a;"
    #expect(TestLint.lint(sql, select: ["drop-table", "invalid-suppression"]).map(\.ruleID) == ["drop-table"])
  }
}

@Suite struct CatalogTests {
  func messages(_ sql: String, _ rule: String) -> [String] {
    TestLint.lint(sql, select: [rule]).filter { $0.ruleID == rule }.map(\.message)
  }

  @Test func renamesKeepForeignKeysViewsAndIndexesAttached() {
    let sql = """
      CREATE TABLE users (id bigint PRIMARY KEY, email text);
      CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));
      CREATE VIEW user_emails AS SELECT u.id, u.email FROM users AS u;
      ALTER TABLE users RENAME TO accounts;
      ALTER TABLE orders RENAME TO purchases;
      ALTER TABLE accounts RENAME COLUMN email TO address;
      CREATE INDEX accounts_address_idx ON accounts (address);
      ALTER TABLE accounts DROP COLUMN address;
      DROP TABLE accounts;
      """
    let dropped = messages(sql, "drop-column-referenced")
    #expect(dropped.count == 1)
    #expect(dropped.first?.contains("view `user_emails` (test.sql:3)") == true)
    let table = messages(sql, "drop-table-referenced")
    #expect(table.first?.contains("foreign key `orders_user_id_fkey` of `purchases` (test.sql:2)") == true)
  }

  @Test func starViewsReadOnlyTheColumnsThatExistedWhenCreated() {
    let sql = """
      CREATE TABLE users (id bigint PRIMARY KEY, email text);
      CREATE VIEW everything AS SELECT * FROM users;
      ALTER TABLE users ADD COLUMN note text;
      ALTER TABLE users DROP COLUMN note;
      ALTER TABLE users DROP COLUMN email;
      """
    let found = TestLint.lint(sql, select: ["drop-column-referenced"])
    #expect(found.map(\.start.line) == [5])
  }

  @Test func functionBodiesThatNameTheColumnBreakAtRunTime() {
    let sql = """
      CREATE TABLE users (id bigint PRIMARY KEY, email text);
      CREATE FUNCTION users_email(u bigint) RETURNS text LANGUAGE plpgsql AS $$
      BEGIN
        RETURN (SELECT email FROM users WHERE id = u);
      END;
      $$;
      ALTER TABLE users DROP COLUMN email;
      """
    let found = messages(sql, "drop-column-referenced")
    #expect(found.first?.contains("breaks function `users_email` (test.sql:2) at run time") == true)
  }
}

/// The replay cache's encoding of the schema model.
@Suite struct SnapshotTests {
  func replayed(_ sql: String) throws -> Catalog {
    var catalog = Catalog()
    for statement in Parser.parse(try SourceFile(path: "m.sql", text: sql)).statements { catalog.apply(statement) }
    return catalog
  }

  func snapshot(_ catalog: Catalog) -> [UInt8] {
    var writer = ByteWriter()
    catalog.snapshot(into: &writer)
    return writer.bytes
  }

  @Test func aModelReadBackAnswersLikeTheOriginal() throws {
    let original = try replayed(
      """
      CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, note varchar(20)[]);
      CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));
      CREATE INDEX users_email_note ON users (email, note);
      ALTER TABLE users ADD CONSTRAINT email_check CHECK (email <> '') NOT VALID;
      CREATE MATERIALIZED VIEW emails AS SELECT u.email FROM users AS u;
      CREATE VIEW everything AS SELECT * FROM orders;
      CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.email := lower(NEW.email); RETURN NEW; END $$;
      CREATE TRIGGER users_touch BEFORE UPDATE OF email ON users FOR EACH ROW EXECUTE FUNCTION touch();
      CREATE POLICY own ON users USING (email = current_user);
      """)
    let bytes = snapshot(original)
    var reader = ByteReader(bytes)
    let restored = try Catalog(snapshot: &reader)
    #expect(reader.isAtEnd)
    #expect(snapshot(restored) == bytes)
    // The reverse look-ups are rebuilt: dependents of a column and of a table are the same.
    func describe(_ dependents: [Catalog.Dependent]) -> [String] {
      dependents.map { "\($0.description) \($0.origin?.location ?? "")" }
    }
    for column in ["id", "email", "note"] {
      #expect(
        describe(restored.dependents(ofColumn: column, inTable: "public.users"))
          == describe(original.dependents(ofColumn: column, inTable: "public.users")))
    }
    #expect(original.dependents(ofColumn: "email", inTable: "public.users").count >= 5)
    #expect(restored.hasIndex(on: QualifiedName(name: "users"), leading: ["email"]))
    #expect(restored.table(QualifiedName(name: "users"))?.column("note")?.type?.modifiers == [20])
  }

  @Test func truncatedOrCorruptBytesAreAnErrorNotACrash() throws {
    let bytes = snapshot(try replayed("CREATE TABLE users (id bigint PRIMARY KEY, email text);"))
    for length in stride(from: 0, to: bytes.count - 1, by: 3) {
      var reader = ByteReader(Array(bytes.prefix(length)))
      let restored = try? Catalog(snapshot: &reader)
      #expect(restored == nil, "prefix of \(length) bytes")
    }
    var reader = ByteReader([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
    #expect(throws: SnapshotError.self) { try Catalog(snapshot: &reader) }
  }
}

@Suite struct ParallelTests {
  @Test func aJobQueueRunsTheNewOrderAndSkipsStartedJobs() {
    let queue = JobQueue<String>(count: 4)
    queue.schedule([(0, "a"), (1, "b"), (2, "c")])
    #expect(queue.take()?.job == "a")
    // Rescheduled: 0 has started (skipped), 2 comes before 3, 1 is no longer wanted.
    queue.schedule([(0, "a"), (2, "c"), (3, "d")])
    queue.close()
    #expect(queue.take()?.slot == 2)
    #expect(queue.take()?.slot == 3)
    #expect(queue.take() == nil)
  }

  @Test func workersWaitForJobsUntilTheQueueCloses() {
    let queue = JobQueue<Int>(count: 100)
    let results = Slots<Int>(count: 100)
    let workers = WorkerThreads(count: 3, background: true) {
      while let (slot, job) = queue.take() { results.put(slot, job * 2) }
    }
    queue.schedule((0..<50).map { ($0, $0) })
    queue.schedule((0..<100).map { ($0, $0) })
    queue.close()
    workers.wait()
    #expect((0..<100).map { results.wait($0) } == (0..<100).map { $0 * 2 })
  }

  @Test func workersStayWithinTheFrontierUntilItOpens() {
    let frontier = Frontier(width: 4)
    let queue = JobQueue<Int>(count: 100)
    let done = Slots<Bool>(count: 100)
    queue.schedule((0..<100).map { ($0, $0) })
    queue.close()
    let workers = WorkerThreads(count: 3, background: false) {
      while let (slot, place) = queue.take() {
        frontier.wait(for: place)
        done.put(slot, true)
      }
    }
    // Nothing was asked for yet: at most places 0 to 4 are made.
    for place in 0...4 { #expect(done.wait(place)) }
    usleep(50_000)
    #expect((5..<100).allSatisfy { done.value($0) == nil })
    frontier.reach(10)
    #expect(done.wait(14))
    usleep(50_000)
    #expect((15..<100).allSatisfy { done.value($0) == nil })
    frontier.open()
    workers.wait()
    #expect((0..<100).allSatisfy { done.value($0) == true })
  }

  /// Something whose end is counted.
  final class Held: Sendable {
    let value: Int
    let gone: Tally
    init(_ value: Int, gone: Tally) {
      self.value = value
      self.gone = gone
    }
    deinit { gone.count.add(1, ordering: .relaxed) }
  }

  final class Tally: Sendable {
    let count = Atomic<Int>(0)
    var value: Int { count.load(ordering: .relaxed) }
  }

  @Test(arguments: [1, 3]) func handedOverElementsAreLetGoAndTheValuesKeepTheirOrder(jobs: Int) {
    let gone = Tally()
    var elements = (0..<50).map { Held($0, gone: gone) }
    let values = Parallel.map(handingOver: &elements, jobs: jobs) { (element) -> Int in
      let value = element.value
      element = Held(-1, gone: gone)
      return value
    }
    #expect(elements.isEmpty)
    #expect(values == Array(0..<50))
    // The 50 elements and the 50 put in their place: nothing is held once the map returns.
    #expect(gone.value == 100)
  }

  @Test func eachHandedOverElementIsLetGoBeforeTheNextIsMade() {
    let gone = Tally()
    var elements = (0..<20).map { Held($0, gone: gone) }
    let goneBefore = Parallel.map(handingOver: &elements, jobs: 1) { (element) -> Int in
      let before = gone.value
      element = Held(-1, gone: gone)
      return before
    }
    // Each element made earlier, and what was put in its place, is gone.
    #expect(goneBefore == (0..<20).map { 2 * $0 })
  }

  #if os(Linux)
    /// What is let go ends on another thread, not on the caller's.
    @Test func aValueLetGoEndsOnAnotherThread() {
      final class Ends: Sendable {
        let thread: Slots<pthread_t>
        init(_ thread: Slots<pthread_t>) { self.thread = thread }
        deinit { thread.put(0, pthread_self()) }
      }
      let thread = Slots<pthread_t>(count: 1)
      Parallel.letGo([Ends(thread)])
      #expect(pthread_equal(thread.wait(0), pthread_self()) == 0)
    }

    @Test func backgroundPriorityStaysWithTheWorkerThreads() {
      let which = __priority_which_t(PRIO_PROCESS.rawValue)
      let before = getpriority(which, 0)
      let seen = Slots<Int32>(count: 1)
      WorkerThreads(count: 1, background: true) { seen.put(0, getpriority(which, 0)) }.wait()
      #expect(seen.wait(0) > before || before == 19)
      #expect(getpriority(which, 0) == before)
    }
  #endif
}

/// The transaction state machine on its own: what each statement does to the transaction, the
/// settings and the locks held.
@Suite struct TransactionStateTests {
  /// The state after each statement of `sql`, replayed over a model where `users` exists.
  func states(_ sql: String, tool: ToolTransaction? = nil) throws -> [MigrationState] {
    let file = Parser.parse(try SourceFile(path: "t.sql", text: sql))
    var catalog = Catalog()
    catalog.apply(Parser.parse(try SourceFile(path: "0.sql", text: "CREATE TABLE users (id int);")).statements[0])
    catalog.newSince = 1_000
    var state = MigrationState()
    state.transaction.tool = tool
    var result: [MigrationState] = []
    for statement in file.statements {
      let locks = LockModel.acquisitions(of: statement, catalog: catalog, pgVersion: .default)
      state.advance(past: statement, locks: locks, catalog: catalog)
      catalog.apply(statement)
      result.append(state)
    }
    return result
  }

  @Test func anExplicitBlockHoldsItsLocksUntilCommit() throws {
    let after = try states(
      "BEGIN; ALTER TABLE users ADD COLUMN a int; CREATE INDEX i ON users (id); COMMIT; SELECT 1;")
    #expect(after[0].transaction.explicitBlock && after[0].transaction.beginOffset == 0)
    #expect(after[1].transaction.locks["public.users"]?.mode == .accessExclusive)
    #expect(after[1].transaction.firstAccessExclusive?.relation.name == "users")
    // A weaker lock on the same table does not replace the stronger one.
    #expect(after[2].transaction.locks["public.users"]?.mode == .accessExclusive)
    #expect(after[2].transaction.alteredTables == ["public.users"])
    #expect(!after[3].transaction.inTransaction && after[3].transaction.locks.isEmpty)
    #expect(after[4].blockingLockTaken)
  }

  @Test func withoutATransactionEachStatementIsItsOwn() throws {
    let after = try states("ALTER TABLE users ADD COLUMN a int; SELECT 1;")
    #expect(after[0].transaction.locks.isEmpty && after[0].transaction.firstAccessExclusive == nil)
    #expect(after[0].blockingLockTaken)
  }

  @Test func settingsAreSetAndReset() throws {
    let after = try states("SET lock_timeout = '1s'; SET statement_timeout = 0; RESET lock_timeout;")
    #expect(after[1].settings == ["lock_timeout", "statement_timeout"])
    #expect(after[2].settings == ["statement_timeout"])
  }

  @Test func aRenamedTableKeepsItsLocks() throws {
    let after = try states("BEGIN; ALTER TABLE users ADD COLUMN a int; ALTER TABLE users RENAME TO people;")
    #expect(after[2].transaction.locks["public.users"] == nil)
    #expect(after[2].transaction.locks["public.people"]?.mode == .accessExclusive)
    #expect(after[2].transaction.firstAccessExclusive?.relation.name == "people")
  }

  @Test func aCommitEndsTheToolsTransactionUnlessItIsOneQuery() throws {
    let perFile = ToolTransaction(reason: "goose runs this file in a transaction", optOut: "")
    let escaped = try states("COMMIT; CREATE INDEX CONCURRENTLY i ON users (id);", tool: perFile)
    #expect(escaped[0].transaction.tool == nil && escaped[0].escapedToolTransaction != nil)
    #expect(escaped[0].toolCommitsAtEnd && !escaped[1].transaction.inTransaction)
    let oneQuery = ToolTransaction(reason: "one query", optOut: "", singleQuery: true)
    let kept = try states("COMMIT; SELECT 1;", tool: oneQuery)
    #expect(kept[0].transaction.tool != nil && kept[1].transaction.inTransaction)
  }

  @Test func addedEnumValuesAreRememberedForTheTransaction() throws {
    let after = try states("BEGIN; ALTER TYPE mood ADD VALUE 'meh'; COMMIT;")
    #expect(after[1].transaction.addedEnumValues == ["meh"])
    #expect(after[2].transaction.addedEnumValues.isEmpty)
  }
}
