import MigLintCore
import MigLintRules
import MigLintSyntax
import MigLintTestSupport
import Testing

/// The lock model and the rules' rewrite claims, checked against a real PostgreSQL 15: each
/// statement runs in a transaction on tables with rows; `pg_locks` of the backend and
/// `pg_class.relfilenode` before and after (a change means a rewrite) are compared with what
/// miglint predicts; then the transaction rolls back.
@Suite(.serialized, .enabled(if: PostgresServer.unavailableReason == nil, "\(PostgresServer.unavailableReason ?? "")"))
struct LockModelServerTests {
  static let setup = """
    CREATE TABLE r (id bigint PRIMARY KEY);
    INSERT INTO r SELECT g FROM generate_series(1, 200) g;
    CREATE TABLE t (id bigint PRIMARY KEY, a int NOT NULL, v varchar(20), n numeric(10,2), ts timestamp, c text, j jsonb);
    INSERT INTO t SELECT g, g, 'v' || g, g, now(), 'c' || g, '{}' FROM generate_series(1, 200) g;
    CREATE INDEX t_a_idx ON t (a);
    ALTER TABLE t ADD CONSTRAINT t_pre_check CHECK (a > -100) NOT VALID;
    ALTER TABLE t ADD CONSTRAINT t_id_fk FOREIGN KEY (id) REFERENCES r (id) NOT VALID;
    CREATE MATERIALIZED VIEW mv AS SELECT id FROM t;
    CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
    """

  /// Statements and whether PostgreSQL rewrites `t`.
  static let cases: [(sql: String, rewrites: Bool)] = [
    ("CREATE INDEX t_c_idx ON t (c)", false),
    ("CREATE INDEX t_c_idx ON ONLY t (c)", false),
    ("DROP INDEX t_a_idx", false),
    ("ALTER TABLE t ADD COLUMN x int", false),
    ("ALTER TABLE t ADD COLUMN x int DEFAULT 5", false),
    ("ALTER TABLE t ADD COLUMN x timestamptz DEFAULT now()", false),
    ("ALTER TABLE t ADD COLUMN x jsonb DEFAULT '{}'::jsonb", false),
    ("ALTER TABLE t ADD COLUMN x uuid DEFAULT gen_random_uuid()", true),
    ("ALTER TABLE t ADD COLUMN x float8 DEFAULT random()", true),
    ("ALTER TABLE t ADD COLUMN x timestamptz DEFAULT clock_timestamp()", true),
    ("ALTER TABLE t ADD COLUMN x bigserial", true),
    ("ALTER TABLE t ADD COLUMN x bigint GENERATED ALWAYS AS IDENTITY", true),
    ("ALTER TABLE t ADD COLUMN x int GENERATED ALWAYS AS (a * 2) STORED", true),
    ("ALTER TABLE t ALTER COLUMN v SET NOT NULL", false),
    ("ALTER TABLE t ALTER COLUMN a DROP NOT NULL", false),
    ("ALTER TABLE t ALTER COLUMN c SET DEFAULT 'x'", false),
    ("ALTER TABLE t DROP COLUMN c", false),
    ("ALTER TABLE t RENAME COLUMN c TO d", false),
    ("ALTER TABLE t RENAME TO t2", false),
    ("ALTER TABLE t ADD CONSTRAINT t_check CHECK (a > -1)", false),
    ("ALTER TABLE t ADD CONSTRAINT t_check CHECK (a > -1) NOT VALID", false),
    ("ALTER TABLE t ADD CONSTRAINT t_fk FOREIGN KEY (a) REFERENCES r (id)", false),
    ("ALTER TABLE t ADD CONSTRAINT t_fk FOREIGN KEY (a) REFERENCES r (id) NOT VALID", false),
    ("ALTER TABLE t ADD COLUMN rid bigint REFERENCES r (id)", false),
    ("ALTER TABLE t ADD CONSTRAINT t_c_key UNIQUE (c)", false),
    ("ALTER TABLE t VALIDATE CONSTRAINT t_pre_check", false),
    ("ALTER TABLE t ALTER COLUMN a SET STATISTICS 200", false),
    ("ALTER TABLE t ALTER COLUMN c SET STORAGE EXTERNAL", false),
    ("ALTER TABLE t ALTER CONSTRAINT t_id_fk DEFERRABLE", false),
    ("ALTER TABLE t SET (fillfactor = 70)", false),
    ("ALTER TABLE t ALTER COLUMN v TYPE varchar(40)", false),
    ("ALTER TABLE t ALTER COLUMN v TYPE text", false),
    ("ALTER TABLE t ALTER COLUMN n TYPE numeric(12,2)", false),
    ("ALTER TABLE t ALTER COLUMN n TYPE numeric", false),
    ("ALTER TABLE t ALTER COLUMN v TYPE varchar(10)", true),
    ("ALTER TABLE t ALTER COLUMN a TYPE bigint", true),
    ("ALTER TABLE t ALTER COLUMN n TYPE numeric(12,3)", true),
    ("ALTER TABLE t ALTER COLUMN c TYPE varchar(50)", true),
    ("ALTER TABLE t ALTER COLUMN ts TYPE timestamp(3)", true),
    ("ALTER TABLE t ALTER COLUMN ts TYPE timestamptz USING ts", false),
    ("ALTER TABLE t ALTER COLUMN ts TYPE timestamptz USING ts::timestamptz", false),
    ("ALTER TABLE t ALTER COLUMN v TYPE text USING v", false),
    ("ALTER TABLE t SET UNLOGGED", true),
    ("TRUNCATE t CASCADE", true),
    ("CLUSTER t USING t_pkey", true),
    ("REINDEX TABLE t", false),
    ("LOCK TABLE t IN SHARE MODE", false),
    ("LOCK TABLE t", false),
    ("CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch()", false),
    ("UPDATE t SET a = a + 1 WHERE id < 10", false),
    ("REFRESH MATERIALIZED VIEW mv", false),
  ]

  static let modes: [String: LockMode] = [
    "AccessShareLock": .accessShare, "RowShareLock": .rowShare, "RowExclusiveLock": .rowExclusive,
    "ShareUpdateExclusiveLock": .shareUpdateExclusive, "ShareLock": .share,
    "ShareRowExclusiveLock": .shareRowExclusive, "ExclusiveLock": .exclusive,
    "AccessExclusiveLock": .accessExclusive,
  ]

  @Test func lockModelAndRewritesMatchTheServer() throws {
    let server = try PostgresServer()
    _ = try server.psql(Self.setup)
    let setupFile = Parser.parse(try SourceFile(path: "setup.sql", text: Self.setup))
    var catalog = Catalog()
    for statement in setupFile.statements { catalog.apply(statement) }
    let relations = ["t", "r", "mv"]
    for (sql, rewrites) in Self.cases {
      let output = try #require(
        try? server.psql(
          """
          SET TimeZone = 'UTC';
          BEGIN;
          SELECT 'before:' || relfilenode FROM pg_class WHERE relname = 't';
          \(sql);
          SELECT 'lock:' || c.relname || ':' || l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
            WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND c.relname IN ('t', 't2', 'r', 'mv');
          SELECT 'after:' || relfilenode FROM pg_class WHERE relname IN ('t', 't2') AND relkind = 'r';
          ROLLBACK;
          """), "\(sql) failed on the server")
      var observed: [String: LockMode] = [:]
      var before = "", after = ""
      for line in output.split(separator: "\n").map(String.init) {
        if line.hasPrefix("before:") { before = String(line.dropFirst(7)) }
        if line.hasPrefix("after:") { after = String(line.dropFirst(6)) }
        if line.hasPrefix("lock:") {
          let parts = line.split(separator: ":").map(String.init)
          guard parts.count == 3, let mode = Self.modes[parts[2]] else { continue }
          let relation = parts[1] == "t2" ? "t" : parts[1]  // `RENAME TO t2` renames t in place
          observed[relation] = max(observed[relation] ?? .accessShare, mode)
        }
      }
      // The lock model's prediction for the same statement.
      let parsed = Parser.parse(try SourceFile(path: "case.sql", text: sql + ";"))
      let statement = try #require(parsed.statements.first, "\(sql) did not parse")
      var predicted: [String: LockMode] = [:]
      for lock in LockModel.acquisitions(of: statement, catalog: catalog, pgVersion: .default) {
        predicted[lock.relation.name] = max(predicted[lock.relation.name] ?? .accessShare, lock.mode)
      }
      for relation in relations {
        let seen = observed[relation].flatMap { $0 > .rowShare ? $0 : nil }
        let expected = predicted[relation].flatMap { $0 > .rowShare ? $0 : nil }
        #expect(
          seen == expected,
          "\(sql): \(relation) took \(seen?.name ?? "nothing"), model says \(expected?.name ?? "nothing")")
      }
      // The rules claim a rewrite exactly when the server rewrote the table.
      #expect((before != after) == rewrites, "\(sql): relfilenode \(before) → \(after)")
      #expect(
        claimsRewrite(sql, statement, catalog) == rewrites, "\(sql): miglint's rewrite verdict differs from the server")
    }
  }

  /// Objects PostgreSQL drops without being named: the schema model must drop them too, or
  /// `down-does-not-revert-up` reports them as left over.
  static let implicitDrops: [String] = [
    // A materialized view's indexes go with it.
    """
    CREATE MATERIALIZED VIEW mv2 AS SELECT id, a FROM t;
    CREATE INDEX mv2_a_idx ON mv2 (a);
    DROP MATERIALIZED VIEW mv2;
    """,
    // An index whose predicate or expression names a dropped column goes with the column.
    """
    CREATE INDEX t_partial_idx ON t (a) WHERE c IS NOT NULL;
    CREATE INDEX t_lower_idx ON t (lower(v));
    CREATE INDEX t_kept_idx ON t (a);
    ALTER TABLE t DROP COLUMN c, DROP COLUMN v;
    """,
    // Partitions' indexes attached to a partitioned index go with it.
    """
    CREATE TABLE p (id bigint, k int) PARTITION BY RANGE (k);
    CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10);
    CREATE INDEX p_k_idx ON ONLY p (k);
    CREATE INDEX p1_k_idx ON p1 (k);
    ALTER INDEX p_k_idx ATTACH PARTITION p1_k_idx;
    DROP INDEX p_k_idx;
    """,
  ]

  @Test func implicitDropsMatchTheServer() throws {
    let server = try PostgresServer()
    _ = try server.psql(Self.setup)
    let setupFile = Parser.parse(try SourceFile(path: "setup.sql", text: Self.setup))
    for sql in Self.implicitDrops {
      let output = try server.psql(
        """
        BEGIN;
        \(sql)
        SELECT 'index:' || indexname FROM pg_indexes WHERE schemaname = 'public';
        ROLLBACK;
        """)
      let onServer = Set(
        output.split(separator: "\n").filter { $0.hasPrefix("index:") }.map { String($0.dropFirst(6)) })
      var catalog = Catalog()
      for statement in setupFile.statements { catalog.apply(statement) }
      let scenario = Parser.parse(try SourceFile(path: "case.sql", text: sql))
      #expect(scenario.syntaxErrors.isEmpty)
      var created: [String] = []
      for statement in scenario.statements {
        if case .createIndex(let index) = statement.kind, let name = index.name { created.append(name) }
        catalog.apply(statement)
      }
      for name in created {
        let inModel = catalog.index(QualifiedName(name: name)) != nil
        #expect(inModel == onServer.contains(name), "\(name): server \(onServer.contains(name)), model \(inModel)")
      }
    }
  }

  /// Views whose columns resolve in subqueries: PostgreSQL refuses to change the type of a
  /// column a view reads and allows it for one it does not; the model must tell them apart.
  @Test func viewColumnDependenciesMatchTheServer() throws {
    let schema = """
      CREATE TABLE user_ (id int PRIMARY KEY, name text);
      CREATE TABLE post (id int PRIMARY KEY, name varchar(100), creator_id int);
      CREATE TABLE comment (id int PRIMARY KEY, post_id int, creator_id int, body text);
      CREATE VIEW comment_view AS
      SELECT c.id, c.body,
        (SELECT name FROM user_ WHERE c.creator_id = user_.id) AS creator_name,
        (SELECT p.creator_id FROM post p WHERE p.id = c.post_id AND body <> '') AS post_creator
      FROM comment c;
      """
    let server = try PostgresServer()
    _ = try server.psql(schema)
    var catalog = Catalog()
    for statement in Parser.parse(try SourceFile(path: "schema.sql", text: schema)).statements {
      catalog.apply(statement)
    }
    let columns = [
      ("user_", "name"), ("post", "name"), ("post", "creator_id"), ("comment", "body"), ("comment", "creator_id"),
      ("user_", "id"),
    ]
    for (table, column) in columns {
      let refused = (try? server.psql("BEGIN; ALTER TABLE \(table) ALTER COLUMN \(column) TYPE text; ROLLBACK;")) == nil
      let modelled = !catalog.views(readingColumn: column, inTable: "public." + table).isEmpty
      #expect(modelled == refused, "\(table).\(column): server refuses \(refused), model says \(modelled)")
    }
  }

  /// The names PostgreSQL generates for unnamed constraints, which later statements drop by name.
  @Test func generatedConstraintNamesMatchTheServer() throws {
    let schema = """
      CREATE TABLE g (id int PRIMARY KEY, a int UNIQUE, b int, c int REFERENCES g (id), CHECK (a > b), CHECK (b > 0));
      """
    let server = try PostgresServer()
    _ = try server.psql(schema)
    let onServer = Set(
      try server.psql("SELECT conname FROM pg_constraint WHERE conrelid = 'g'::regclass;").split(separator: "\n")
        .map(String.init))
    var catalog = Catalog()
    for statement in Parser.parse(try SourceFile(path: "g.sql", text: schema)).statements { catalog.apply(statement) }
    let modelled = Set(catalog.table(QualifiedName(name: "g"))?.constraints.map(\.name) ?? [])
    #expect(modelled == onServer)
  }

  /// Why `non-idempotent-statement` never offers `IF NOT EXISTS` for a concurrent build: a
  /// failed build leaves an INVALID index, and the re-run with `IF NOT EXISTS` keeps it.
  @Test func aFailedConcurrentBuildLeavesAnInvalidIndexThatIfNotExistsKeeps() throws {
    let server = try PostgresServer()
    _ = try server.psql("CREATE TABLE dup (v int); INSERT INTO dup VALUES (1), (1);")
    #expect((try? server.psql("CREATE UNIQUE INDEX CONCURRENTLY dup_v_key ON dup (v);")) == nil)
    let rerun = try server.psql(
      """
      CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS dup_v_key ON dup (v);
      SELECT 'valid:' || indisvalid FROM pg_index WHERE indexrelid = 'dup_v_key'::regclass;
      """)
    #expect(rerun.contains("valid:false"))
    // The safe re-run: drop the leftover, then build (here it fails again, on the duplicates).
    _ = try server.psql("DROP INDEX CONCURRENTLY IF EXISTS dup_v_key;")
    #expect(try server.psql("SELECT count(*) FROM pg_class WHERE relname = 'dup_v_key';").contains("0"))
  }

  /// Why `drop-object` is quiet on DROP DEFAULT of a column the model saw created without one:
  /// the model's defaults are the server's (a serial's `nextval` counts), and dropping a
  /// default that does not exist succeeds and changes nothing.
  @Test func columnDefaultsMatchTheServer() throws {
    let server = try PostgresServer()
    let schema = "CREATE TABLE nd (id serial, note text, state text DEFAULT 'new', at timestamptz);\n"
    _ = try server.psql(schema)
    var catalog = Catalog()
    for statement in Parser.parse(try SourceFile(path: "schema.sql", text: schema)).statements {
      catalog.apply(statement)
    }
    let table = try #require(catalog.table(QualifiedName(schema: nil, name: "nd")))
    let onServer = try server.psql(
      "SELECT string_agg(attname, ',' ORDER BY attname) FROM pg_attrdef JOIN pg_attribute ON attrelid = adrelid AND attnum = adnum WHERE adrelid = 'nd'::regclass;"
    )
    let modelled = ["at", "id", "note", "state"].filter { table.column($0)?.hasDefault == true }
    #expect(onServer.contains(modelled.joined(separator: ",")))
    #expect(modelled == ["id", "state"])
    let after = try server.psql(
      "ALTER TABLE nd ALTER COLUMN note DROP DEFAULT; SELECT 'defaults:' || count(*) FROM pg_attrdef WHERE adrelid = 'nd'::regclass;"
    )
    #expect(after.contains("defaults:2"))
  }

  /// Whether miglint says `sql` rewrites `t`: the type-change verdict from the old type the
  /// model knows, else the rules that report a rewrite.
  private func claimsRewrite(_ sql: String, _ statement: Statement, _ catalog: Catalog) -> Bool {
    if case .alterTable(let alter) = statement.kind {
      for command in alter.commands where command.subtype == .alterColumnType {
        guard let name = command.name, let old = catalog.table(alter.relation)?.column(name)?.type,
          let new = command.newType
        else { return true }
        // The session runs with TimeZone UTC: timestamp → timestamptz keeps the table.
        if command.hasUsing, !command.usingIsColumn { return true }
        return TypeChange.verdict(from: old, to: new, pgVersion: .default) == .rewrite
      }
    }
    let rewriting = [
      "add-column-volatile-default", "add-column-serial", "add-column-generated-stored", "full-table-rewrite",
      "truncate-table",
    ]
    return TestLint.lint(sql + ";", select: rewriting).contains { rewriting.contains($0.ruleID) }
  }
}

extension LockModelServerTests {
  /// Bodies PostgreSQL accepts are never a syntax error, and these it rejects are. libpg_query
  /// compiles a body without the function's output parameters, so a bare `RETURN NEXT;` or
  /// `RETURN;` of a function with OUT or TABLE parameters needs care. (Checks PostgreSQL makes
  /// only against the function's declared type, like a bare `RETURN;` in `RETURNS int`, are not
  /// libpg_query's and not miglint's.)
  @Test func plpgsqlBodiesAreJudgedAsTheServerJudgesThem() throws {
    let server = try PostgresServer()
    let cases = [
      "CREATE FUNCTION pa(x int, OUT y int) RETURNS SETOF int LANGUAGE plpgsql AS $$ BEGIN y := 1; RETURN NEXT; END $$",
      "CREATE FUNCTION pb(x int, OUT y int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN y := 1; RETURN; END $$",
      "CREATE FUNCTION pc(x int) RETURNS TABLE (y int) LANGUAGE plpgsql AS $$ BEGIN y := 1; RETURN NEXT; END $$",
      "CREATE FUNCTION pd(a anyarray, OUT a_1d anyarray) RETURNS SETOF anyarray LANGUAGE plpgsql STRICT AS $f$ BEGIN -- ;\n FOREACH a_1d SLICE 1 IN ARRAY a LOOP RETURN NEXT; END LOOP; END $f$",
      "CREATE FUNCTION pf(x int) RETURNS SETOF int LANGUAGE plpgsql AS $$ BEGIN RETURN NEXT; END $$",
      "CREATE FUNCTION pg(x int, OUT y int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN y := 'RETURN;'; RETURN x +; END $$",
    ]
    for sql in cases {
      let accepted = (try? server.psql("BEGIN; \(sql); ROLLBACK;")) != nil
      let findings = TestLint.lint(sql + ";\n", select: ["syntax-error"]).filter { $0.ruleID == "syntax-error" }
      #expect(
        findings.isEmpty == accepted, "\(sql): server \(accepted ? "accepts" : "rejects"), \(findings.map(\.message))")
    }
  }
}
