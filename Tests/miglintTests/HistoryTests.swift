import Foundation
import MigLintTestSupport
import Testing

/// The deploy record, `--base`, `--scope` and the history seen from one file.
@Suite struct HistoryTests {
  func makeDirectory(_ files: [String: String]) throws -> String { try TestLint.makeDirectory(files) }

  /// Runs git in `directory` with a fixed identity and branch name.
  static func git(_ arguments: [String], in directory: String) throws -> TestProcess.Output {
    try TestProcess.run(
      "/usr/bin/git",
      ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"] + arguments,
      in: directory)
  }

  let migrations = [
    "db/0001_users.up.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
    "db/0001_users.down.sql": "DROP TABLE users;\n",
    "db/0002_orders.up.sql": "CREATE TABLE orders (id bigint PRIMARY KEY);\n",
    "db/0002_orders.down.sql": "DROP TABLE orders;\n",
  ]

  @Test func theSumWorkflow() throws {
    let directory = try makeDirectory(migrations)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    #expect(try CLI.run(["sum", "--check", "db"], in: directory).status == 1)  // missing
    let written = try CLI.run(["sum", "db"], in: directory)
    #expect(written.status == 0 && written.stdout.contains("db/miglint.sum: written (2 migrations, golang-migrate)"))
    #expect(try CLI.run(["sum", "--check", "db"], in: directory).status == 0)
    #expect(try CLI.run(["db"], in: directory).status == 0)
    // A line-ending change is not an edit; a real edit and a deletion are.
    try "CREATE TABLE users (id bigint PRIMARY KEY, email text);\r\n".write(
      toFile: directory + "/db/0001_users.up.sql", atomically: true, encoding: .utf8)
    #expect(try CLI.run(["db"], in: directory).status == 0)
    try "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);\n".write(
      toFile: directory + "/db/0002_orders.up.sql", atomically: true, encoding: .utf8)
    try FileManager.default.removeItem(atPath: directory + "/db/0001_users.down.sql")
    let edited = try CLI.run(["db"], in: directory)
    #expect(edited.status == 1)
    #expect(edited.stdout.contains("db/0002_orders.up.sql:1:1: error[edited-after-deploy]"))
    #expect(edited.stdout.contains("db/0001_users.up.sql:1:1: error[deleted-after-deploy]"))
    let check = try CLI.run(["sum", "--check", "db"], in: directory)
    #expect(check.status == 1)
    // It says what changed: 0002's up was edited, 0001 lost its down.
    #expect(check.stdout.contains("  edited 0002 (0002_orders.up.sql, 0002_orders.down.sql)"), "\(check.stdout)")
    #expect(check.stdout.contains("  edited 0001 (0001_users.up.sql)"), "\(check.stdout)")
    // A merge conflict in the record is a clear error naming the line.
    try "miglint.sum 1\n<<<<<<< HEAD\n".write(toFile: directory + "/db/miglint.sum", atomically: true, encoding: .utf8)
    let conflict = try CLI.run(["db"], in: directory)
    #expect(conflict.status == 2 && conflict.stderr.contains("db/miglint.sum:2: unresolved merge conflict"))
  }

  @Test func sumCheckListsNewDeletedAndRenamedMigrations() throws {
    let directory = try makeDirectory(migrations)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    _ = try CLI.run(["sum", "db"], in: directory)
    let manager = FileManager.default
    try manager.moveItem(atPath: directory + "/db/0001_users.up.sql", toPath: directory + "/db/0001_accounts.up.sql")
    try manager.moveItem(
      atPath: directory + "/db/0001_users.down.sql", toPath: directory + "/db/0001_accounts.down.sql")
    try manager.removeItem(atPath: directory + "/db/0002_orders.up.sql")
    try manager.removeItem(atPath: directory + "/db/0002_orders.down.sql")
    try "SELECT 1;\n".write(toFile: directory + "/db/0003_noop.up.sql", atomically: true, encoding: .utf8)
    let check = try CLI.run(["sum", "--check", "db"], in: directory)
    #expect(check.status == 1)
    #expect(
      check.stdout.contains(
        "  renamed 0001 (0001_users.up.sql, 0001_users.down.sql → 0001_accounts.up.sql, 0001_accounts.down.sql)\n"),
      "\(check.stdout)")
    #expect(check.stdout.contains("  new 0003 (0003_noop.up.sql)\n"))
    #expect(check.stdout.contains("  deleted 0002 (0002_orders.up.sql, 0002_orders.down.sql)\n"))
  }

  @Test func theScopeLimitsStatementRulesToPendingMigrations() throws {
    let directory = try makeDirectory(migrations)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    _ = try CLI.run(["sum", "db"], in: directory)
    try "ALTER TABLE users DROP COLUMN email;\n".write(
      toFile: directory + "/db/0003_drop_email.up.sql", atomically: true, encoding: .utf8)
    try "ALTER TABLE users ADD COLUMN email text;\n".write(
      toFile: directory + "/db/0003_drop_email.down.sql", atomically: true, encoding: .utf8)
    // 0003 is pending: only it is reported, and `users` (deployed) counts as existing.
    let pending = try CLI.run(["db", "--format", "json"], in: directory)
    #expect(pending.stdout.contains("\"rule\": \"drop-column\""))
    #expect(!pending.stdout.contains("\"path\": \"db/0001_users.down.sql\""))
    let all = try CLI.run(["db", "--format", "json", "--scope", "all"], in: directory)
    #expect(all.stdout.contains("\"path\": \"db/0001_users.down.sql\""))
    // A file added to a deployed migration is an edit of it.
    try "SELECT 1;\n".write(toFile: directory + "/db/0002_orders_extra.up.sql", atomically: true, encoding: .utf8)
    let added = try CLI.run(["db"], in: directory)
    #expect(added.stdout.contains("db/0002_orders_extra.up.sql:1:1: error[duplicate-migration-version]"))
  }

  @Test func aTableCreatedInAnEarlierPendingMigrationIsNew() throws {
    let directory = try makeDirectory(migrations)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    _ = try CLI.run(["sum", "db"], in: directory)
    try "CREATE TABLE teams (id bigint PRIMARY KEY, name text);\n".write(
      toFile: directory + "/db/0003_teams.up.sql", atomically: true, encoding: .utf8)
    try "DROP TABLE teams;\n".write(toFile: directory + "/db/0003_teams.down.sql", atomically: true, encoding: .utf8)
    try "CREATE INDEX teams_name_idx ON teams (name);\nCREATE INDEX orders_id_idx ON orders (id);\n".write(
      toFile: directory + "/db/0004_indexes.up.sql", atomically: true, encoding: .utf8)
    try "DROP INDEX teams_name_idx;\nDROP INDEX orders_id_idx;\n".write(
      toFile: directory + "/db/0004_indexes.down.sql", atomically: true, encoding: .utf8)
    // teams comes from a pending migration: nobody uses it yet. orders is deployed.
    let pending = try CLI.run(["db", "--select", "create-index-non-concurrently"], in: directory)
    #expect(!pending.stdout.contains("teams_name_idx"))
    #expect(pending.stdout.contains("db/0004_indexes.up.sql:2:1: warning[create-index-non-concurrently]"))
    // Without the deploy record, a table from an earlier migration is taken as deployed.
    try FileManager.default.removeItem(atPath: directory + "/db/miglint.sum")
    let unknown = try CLI.run(["db", "--select", "create-index-non-concurrently"], in: directory)
    #expect(unknown.stdout.contains("db/0004_indexes.up.sql:1:1: warning[create-index-non-concurrently]"))
  }

  @Test func baseTreatsFilesAtTheRefAsDeployed() throws {
    let directory = try makeDirectory(migrations)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let git = { (arguments: [String]) throws -> TestProcess.Output in try Self.git(arguments, in: directory) }
    #expect(try CLI.run(["db", "--base", "HEAD"], in: directory).stderr.contains("not inside a git repository"))
    _ = try git(["init", "-q"])
    _ = try git(["add", "."])
    _ = try git(["commit", "-qm", "deployed"])
    #expect(try CLI.run(["db", "--base", "HEAD"], in: directory).status == 0)
    try "CREATE TABLE orders (id bigint PRIMARY KEY, note text);\n".write(
      toFile: directory + "/db/0002_orders.up.sql", atomically: true, encoding: .utf8)
    try FileManager.default.removeItem(atPath: directory + "/db/0001_users.down.sql")
    try "ALTER TABLE orders ADD COLUMN total numeric;\n".write(
      toFile: directory + "/db/0003_total.up.sql", atomically: true, encoding: .utf8)
    let result = try CLI.run(["db", "--base", "HEAD"], in: directory)
    #expect(result.status == 1)
    #expect(
      result.stdout.contains(
        "db/0002_orders.up.sql:1:1: error[edited-after-deploy] `0002_orders.up.sql` changed after it was deployed (`HEAD`): databases that ran it will not run the new text, new databases will; first change on line 1: deployed `CREATE TABLE orders (id bigint PRIMARY KEY);`, now `CREATE TABLE orders (id bigint PRIMARY KEY, note text);`"
      ), "\(result.stdout)")
    #expect(result.stdout.contains("db/0001_users.down.sql:1:1: error[deleted-after-deploy]"))
    // The deleted file has no text to show: no empty code frame.
    let deleted = try #require(
      result.stdout.components(separatedBy: "\n\n").first { $0.contains("[deleted-after-deploy]") })
    #expect(!deleted.contains(" | "), "\(deleted)")
    #expect(result.stdout.contains("db/0003_total.up.sql:1:1: warning[missing-down-migration]"))
    #expect(!result.stdout.contains("0001_users.up.sql:1:1: error"))  // deployed, unchanged
  }

  @Test func oneFileFromStandardInputSeesItsDirectorysHistory() throws {
    let fixture = TestLint.repositoryRoot + "/fixtures/layout-golang-migrate"
    let result = try CLI.run(
      ["-", "--stdin-filename", "db/migrations/000006_email_type.up.sql", "--format", "json"], in: fixture,
      stdin: "ALTER TABLE users ALTER COLUMN email TYPE varchar(320);\n")
    #expect(result.status == 1)
    #expect(result.stdout.contains("\"rule\": \"alter-column-type-referenced\""))
    #expect(result.stdout.contains("000002_orders_and_view.up.sql:7"))
    // Only the named file is reported, not the rest of its directory.
    #expect(!result.stdout.contains("000004_orders_status.up.sql"))
  }

  /// Files asked for are parsed before the layout is known; the layout still decides what is
  /// linted, and which statements of a file its migrations run.
  @Test func filesParsedBeforeTheLayoutIsKnownAreLintedAsTheLayoutSays() throws {
    let directory = try makeDirectory([
      // Prisma for MySQL: never parsed as PostgreSQL, whatever the parser thought of it.
      "prisma/migrations/migration_lock.toml": "provider = \"mysql\"\n",
      "prisma/migrations/20240101000000_init/migration.sql":
        "CREATE TABLE `users` (`id` INT NOT NULL AUTO_INCREMENT, PRIMARY KEY (`id`));\n",
      // pop: the `.postgres.` file replaces the dialect-free one of the same version.
      "pop/1_users.up.sql": "CREATE TABLE users (id int PRIMARY KEY;\n",
      "pop/1_users.postgres.up.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n",
      "pop/1_users.down.sql": "DROP TABLE users;\n",
      // goose: the statement before the Up marker is in no migration.
      "goose/00001_notes.sql":
        "CREATE TABLE drafts (body varchar(20));\n-- +goose Up\nCREATE TABLE notes (id bigint PRIMARY KEY);\n"
        + "-- +goose Down\nDROP TABLE notes;\n",
    ])
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let result = try CLI.run(["prisma", "pop", "goose", "--format", "json"], in: directory)
    #expect(result.stdout.contains("\"rule\": \"unsupported-dialect\""))
    #expect(!result.stdout.contains("\"rule\": \"syntax-error\""))
    #expect(!result.stdout.contains("varchar"))
    #expect(result.status == 0 || result.status == 1)
  }

  @Test func withoutPathsMigrationDirectoriesAreFound() throws {
    let result = try CLI.run(["--format", "json"], in: TestLint.repositoryRoot + "/fixtures/layout-goose")
    #expect(result.status == 1)
    #expect(result.stdout.contains("db/migrations/00002_index_plan.sql"))
  }
}

/// The replay cache: the model of a long history kept for the next run on a file after it.
@Suite struct ReplayCacheTests {
  /// 30 migrations: a view on `users.email` early, filler, and a newest one that drops the column.
  func history(viewReadsEmail: Bool = true) -> [String: String] {
    var files: [String: String] = [
      "db/0001_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
      "db/0002_view.sql": viewReadsEmail
        ? "CREATE VIEW user_emails AS SELECT id, email FROM users;\n"
        : "CREATE VIEW user_ids AS SELECT id FROM users;\n",
      "db/0030_drop_email.sql": "ALTER TABLE users DROP COLUMN email;\n",
    ]
    for number in 3..<30 {
      let name = String(format: "db/%04d_t%d.sql", number, number)
      files[name] = "CREATE TABLE t\(number) (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));\n"
    }
    return files
  }

  @Test func aWarmRunReportsWhatAColdOneDoesAndAnEarlierEditInvalidatesIt() throws {
    let directory = try TestLint.makeDirectory(history())
    let cache = try TestLint.temporaryDirectory()
    let newest = "db/0030_drop_email.sql"
    let text = "ALTER TABLE users DROP COLUMN email;\n"
    func run(_ extra: [String] = []) throws -> CLI.Result {
      try CLI.run(
        ["-", "--stdin-filename", newest, "--format", "json"] + extra, in: directory, stdin: text,
        environment: ["MIGLINT_CACHE_DIR": cache])
    }
    let cold = try run(["--no-cache"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: cache).isEmpty)
    let first = try run()
    #expect(try FileManager.default.contentsOfDirectory(atPath: cache).count == 1)
    let warm = try run()
    #expect(cold.stdout.contains("view `user_emails` (db/0002_view.sql:1)"))
    #expect(first.stdout == cold.stdout && warm.stdout == cold.stdout)
    // An edit before the file changes the key: the history is replayed again.
    try history(viewReadsEmail: false)["db/0002_view.sql"]!.write(
      toFile: directory + "/db/0002_view.sql", atomically: true, encoding: .utf8)
    let edited = try run()
    #expect(!edited.stdout.contains("user_emails"))
    #expect(edited.stdout == (try run(["--no-cache"])).stdout)
    // A damaged cache file is ignored.
    let file = try #require(try FileManager.default.contentsOfDirectory(atPath: cache).first)
    try Data("miglint-replay 1\n\u{5}garbage".utf8).write(to: URL(fileURLWithPath: cache + "/" + file))
    #expect(try run().stdout == edited.stdout)
  }
}

/// Warm and cold runs give the same report, byte for byte: the cache may only save time.
@Suite struct ReplayCacheDifferentialTests {
  /// Runs `arguments` without the cache, then twice with an empty cache of its own (the first run
  /// writes it, the second resumes from it), and returns the three JSON reports.
  func coldFirstWarm(_ arguments: [String], in directory: String, cache: String) throws -> [String] {
    let environment = ["MIGLINT_CACHE_DIR": cache, "MIGLINT_CACHE_MIN_MIGRATIONS": "1"]
    let args = arguments + ["--format", "json"]
    let cold = try CLI.run(args + ["--no-cache"], in: directory, environment: environment)
    let first = try CLI.run(args, in: directory, environment: environment)
    let warm = try CLI.run(args, in: directory, environment: environment)
    #expect(cold.status == first.status && cold.status == warm.status)
    return [cold.stdout, first.stdout, warm.stdout]
  }

  /// SQL files below `path`, sorted.
  func sqlFiles(_ path: String, in directory: String) -> [String] {
    let base = directory + "/" + path
    let found = FileManager.default.enumerator(atPath: base)?.compactMap { $0 as? String } ?? []
    return found.filter { $0.hasSuffix(".sql") }.sorted().map { path == "." ? $0 : path + "/" + $0 }
  }

  @Test(arguments: FixtureTests.fixtures)
  func everyFixtureFileReportsTheSameWarmAsCold(_ fixture: String) throws {
    let directory = TestLint.repositoryRoot + "/fixtures/" + fixture
    let paths =
      (try? String(contentsOfFile: directory + "/args", encoding: .utf8))?
      .split(whereSeparator: \.isWhitespace).map(String.init) ?? ["migrations"]
    let cache = try TestLint.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: cache) }
    for file in paths.flatMap({ sqlFiles($0, in: directory) }).suffix(6) {
      let reports = try coldFirstWarm([file], in: directory, cache: cache)
      #expect(reports[1] == reports[0], "\(fixture)/\(file): first cached run differs from --no-cache")
      #expect(reports[2] == reports[0], "\(fixture)/\(file): warm run differs from --no-cache")
    }
  }

  /// A diesel history of 300 migrations with downs: tables, `SELECT *` views, indexes, checks,
  /// trigger functions, enums, renames and foreign keys, then ten migrations that drop, alter and
  /// rename what the earlier ones built.
  static func history() -> [String: String] {
    var files: [String: String] = [:]
    func migration(_ number: Int, _ up: String, _ down: String) {
      let folder = String(format: "migrations/2020-01-01-%06d_m%d", number, number)
      files[folder + "/up.sql"] = up + "\n"
      files[folder + "/down.sql"] = down + "\n"
    }
    for number in 0..<290 {
      let t = "t\(number - number % 10)"
      switch number % 10 {
      case 0:
        migration(number, "CREATE TABLE \(t) (id bigint PRIMARY KEY, a text, b int);", "DROP TABLE \(t);")
      case 1:
        migration(number, "CREATE VIEW v\(number) AS SELECT * FROM \(t);", "DROP VIEW v\(number);")
      case 2:
        migration(number, "ALTER TABLE \(t) ADD COLUMN c text;", "ALTER TABLE \(t) DROP COLUMN c;")
      case 3:
        migration(number, "CREATE INDEX ix\(number) ON \(t) (a, b);", "DROP INDEX ix\(number);")
      case 4:
        migration(
          number, "ALTER TABLE \(t) ADD CONSTRAINT ck\(number) CHECK (b IS NOT NULL) NOT VALID;",
          "ALTER TABLE \(t) DROP CONSTRAINT ck\(number);")
      case 5:
        migration(
          number,
          """
          CREATE FUNCTION f\(number)() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN UPDATE \(t) SET c = 'x' WHERE id = NEW.id; RETURN NEW; END $$;
          CREATE TRIGGER tr\(number) BEFORE UPDATE OF a ON \(t) FOR EACH ROW EXECUTE FUNCTION f\(number)();
          """, "DROP TRIGGER tr\(number) ON \(t);\nDROP FUNCTION f\(number)();")
      case 6:
        migration(
          number, "CREATE TYPE e\(number) AS ENUM ('a', 'b');\nALTER TABLE \(t) ADD COLUMN e e\(number);",
          "ALTER TABLE \(t) DROP COLUMN e;\nDROP TYPE e\(number);")
      case 7:
        migration(
          number, "ALTER TABLE \(t) RENAME COLUMN a TO a2;", "ALTER TABLE \(t) RENAME COLUMN a2 TO a;")
      case 8:
        migration(
          number, "CREATE TABLE r\(number) (id bigint PRIMARY KEY, t_id bigint REFERENCES \(t) (id));",
          "DROP TABLE r\(number);")
      default:
        migration(
          number, "ALTER TABLE \(t) ADD COLUMN nick text;\nCREATE VIEW w\(number) AS SELECT id, nick FROM \(t);",
          "DROP VIEW w\(number);\nALTER TABLE \(t) DROP COLUMN nick;")
      }
    }
    migration(290, "ALTER TABLE t0 DROP COLUMN b;", "ALTER TABLE t0 ADD COLUMN b int;")
    migration(291, "ALTER TABLE t10 ADD COLUMN late text;", "ALTER TABLE t10 DROP COLUMN late;")
    migration(292, "ALTER TABLE t20 ALTER COLUMN b SET NOT NULL;", "ALTER TABLE t20 ALTER COLUMN b DROP NOT NULL;")
    migration(293, "ALTER TABLE t30 ALTER COLUMN b TYPE bigint;", "ALTER TABLE t30 ALTER COLUMN b TYPE int;")
    migration(294, "DROP TABLE t40;", "CREATE TABLE t40 (id bigint PRIMARY KEY);")
    migration(295, "ALTER TABLE t50 DROP COLUMN nick;", "ALTER TABLE t50 ADD COLUMN nick text;")
    migration(296, "ALTER TABLE t60 RENAME TO t60_old;", "ALTER TABLE t60_old RENAME TO t60;")
    migration(297, "ALTER TABLE t70 DROP COLUMN a2;", "ALTER TABLE t70 ADD COLUMN a2 text;")
    migration(298, "ALTER TYPE e76 ADD VALUE 'c';", "SELECT 1;")
    migration(299, "ALTER TABLE t80 DROP COLUMN c;", "ALTER TABLE t80 ADD COLUMN c text;")
    return files
  }

  @Test func aLongHistoryReportsTheSameWarmAsColdAndAfterAnEarlyEdit() throws {
    let directory = try TestLint.makeDirectory(Self.history())
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let cache = try TestLint.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: cache) }
    let late = (290..<300).flatMap { number in
      ["up.sql", "down.sql"].map { String(format: "migrations/2020-01-01-%06d_m%d/", number, number) + $0 }
    }
    for files in [late, Array(late.suffix(2)), [late[0]]] {
      let reports = try coldFirstWarm(files, in: directory, cache: cache)
      #expect(reports[0].contains("\"rule\""))
      #expect(reports[1] == reports[0] && reports[2] == reports[0], "\(files.count) files named")
    }
    // An edit to an early migration changes the key: the next run replays the history again.
    let early = directory + "/migrations/2020-01-01-000002_m2/up.sql"
    try "ALTER TABLE t0 ADD COLUMN c text, ADD COLUMN d text;\n".write(toFile: early, atomically: true, encoding: .utf8)
    let reports = try coldFirstWarm(late, in: directory, cache: cache)
    #expect(reports[1] == reports[0] && reports[2] == reports[0], "after an edit to migration 2")
  }
}

extension HistoryTests {
  /// Every name the file system allows reads back from the record; an editor's BOM is fine.
  @Test func theRecordReadsBackNamesWithWhiteSpaceAndControlCharacters() throws {
    let directory = try makeDirectory([
      "db/0001_users table.up.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n",
      "db/0002_tab\there.up.sql": "SELECT 1;\n",
      "db/0003_line\nbreak%.up.sql": "SELECT 2;\n",
    ])
    defer { try? FileManager.default.removeItem(atPath: directory) }
    #expect(try CLI.run(["sum", "db"], in: directory).status == 0)
    #expect(try CLI.run(["db"], in: directory).status != 2)
    #expect(try CLI.run(["sum", "--check", "db"], in: directory).status == 0)
    let record = directory + "/db/miglint.sum"
    let text = try String(contentsOfFile: record, encoding: .utf8)
    #expect(text.contains("0002_tab%09here.up.sql") && text.contains("0003_line%0Abreak%25.up.sql"))
    try ("\u{FEFF}" + text).write(toFile: record, atomically: true, encoding: .utf8)
    #expect(try CLI.run(["sum", "--check", "db"], in: directory).status == 0)
    #expect(try CLI.run(["db"], in: directory).status != 2)
  }
}

extension ReplayCacheTests {
  /// Every single-bit flip of a cache entry is a miss: the output stays that of a cold run.
  @Test func aDamagedEntryIsNeverUsed() throws {
    let directory = try TestLint.makeDirectory(history())
    let cache = try TestLint.temporaryDirectory()
    let newest = "db/0030_drop_email.sql"
    func run() throws -> String {
      try CLI.run([newest, "--format", "json"], in: directory, environment: ["MIGLINT_CACHE_DIR": cache]).stdout
    }
    let cold = try run()
    let entry = cache + "/" + (try #require(try FileManager.default.contentsOfDirectory(atPath: cache).first))
    let original = try Array(Data(contentsOf: URL(fileURLWithPath: entry)))
    // Flip one bit in each of a spread of bytes past the header.
    for offset in stride(from: 17, to: original.count, by: max(1, original.count / 40)) {  // past "miglint-replay 3\n"
      var damaged = original
      damaged[offset] ^= 0x10
      try Data(damaged).write(to: URL(fileURLWithPath: entry))
      #expect(try run() == cold, "bit flip at \(offset) changed the report")
    }
  }
}

extension HistoryTests {
  /// File names git would quote (non-ASCII, tab, quote, backslash) are read as they are.
  @Test func baseReadsNamesGitWouldQuote() throws {
    let directory = try makeDirectory([
      "db/0001_caf\u{E9}.sql": "CREATE TABLE cafe (id bigint PRIMARY KEY);\n",
      "db/0002_ta\tb \"q\" \\.sql": "CREATE TABLE tab (id bigint PRIMARY KEY);\n",
    ])
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let git = { (arguments: [String]) throws -> TestProcess.Output in try Self.git(arguments, in: directory) }
    _ = try git(["init", "-q"])
    _ = try git(["add", "."])
    _ = try git(["commit", "-qm", "deployed"])
    let clean = try CLI.run(["db", "--base", "HEAD", "--format", "json"], in: directory)
    #expect(
      !clean.stdout.contains("out-of-order-migration") && !clean.stdout.contains("after-deploy"), "\(clean.stdout)")
    try "CREATE TABLE cafe (id bigint PRIMARY KEY, name text);\n".write(
      toFile: directory + "/db/0001_caf\u{E9}.sql", atomically: true, encoding: .utf8)
    let edited = try CLI.run(["db", "--base", "HEAD", "--format", "json"], in: directory)
    #expect(edited.stdout.contains("\"rule\": \"edited-after-deploy\""))
  }
}

extension ReplayCacheDifferentialTests {
  /// Findings about deployed files (edited, added to, renamed after deploy) stay when the warm
  /// run resumes past those files: they come from the record, not the replay.
  @Test func findingsOnDeployedFilesSurviveTheCache() throws {
    let directory = try TestLint.makeDirectory([
      "sql/001_init.sql": "CREATE TABLE events (id bigint PRIMARY KEY);\n",
      "sql/002_kind.sql": "ALTER TABLE events ADD COLUMN kind text;\n",
    ])
    defer { try? FileManager.default.removeItem(atPath: directory) }
    #expect(try CLI.run(["sum", "sql"], in: directory).status == 0)
    try "CREATE TABLE events (id bigint PRIMARY KEY, note text);\n".write(
      toFile: directory + "/sql/001_init.sql", atomically: true, encoding: .utf8)
    try "CREATE INDEX CONCURRENTLY events_kind ON events (kind);\n".write(
      toFile: directory + "/sql/003_index.sql", atomically: true, encoding: .utf8)
    let cache = try TestLint.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: cache) }
    let reports = try coldFirstWarm(["sql"], in: directory, cache: cache)
    #expect(reports[0].contains("\"rule\": \"edited-after-deploy\""))
    #expect(reports[1] == reports[0] && reports[2] == reports[0])
  }
}

extension HistoryTests {
  /// A file's diagnostics are made once no later migration reads it, a batch of files at a time
  /// (`History.swift`, `Completion`): findings that arrive after a file's own migration (the
  /// first empty migration naming the later ones), that come from the directory (a duplicate
  /// version), or that depend on its down (advice dropped there, a down that does not revert)
  /// are the same at the start of a long history, finished early, as at its end.
  @Test func findingsAreTheSameForFilesFinishedEarlyAndLate() throws {
    var files: [String: String] = [:]
    func add(_ number: Int, _ name: String, up: String, down: String) {
      let stem = String(format: "db/%04d_%@", number, name)
      files[stem + ".up.sql"] = up
      files[stem + ".down.sql"] = down
    }
    let count = 400
    for number in 1...count {
      add(
        number, "t\(number)", up: "CREATE TABLE t\(number) (id bigint PRIMARY KEY);\n", down: "DROP TABLE t\(number);\n"
      )
    }
    // The same four cases early (finished in the first batches) and late (finished at the end).
    for base in [10, count - 10] {
      add(base, "t\(base)", up: "", down: "")
      add(
        base + 1, "t\(base + 1)", up: "ALTER TABLE t1 ADD COLUMN c\(base) text;\n",
        down: "ALTER TABLE t1 DROP COLUMN c\(base);\n")
      add(
        base + 2, "t\(base + 2)", up: "CREATE TABLE t\(base + 2) (id bigint PRIMARY KEY);\n",
        down: "SELECT 1;\n")
      files[String(format: "db/%04d_again.up.sql", base + 3)] = "CREATE TABLE again\(base) (id bigint);\n"
    }
    let directory = try TestLint.makeDirectory(files)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let result = try CLI.run(["db", "--format", "json", "--no-cache"], in: directory)
    let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    let found = (json?["diagnostics"] as? [[String: Any]] ?? []).map { item in
      "\((item["path"] as? String ?? "").replacing(directory + "/", with: "")) \(item["rule"] as? String ?? "")"
    }
    func expected(_ base: Int) -> [String] {
      [
        String(format: "db/%04d_t%d.down.sql down-does-not-revert-up", base + 2, base + 2),
        String(format: "db/%04d_t%d.up.sql duplicate-migration-version", base + 3, base + 3),
      ]
    }
    for base in [10, count - 10] {
      for line in expected(base) { #expect(found.contains(line), "\(line): \(found)") }
      // The down drops the column its own up added: no advice about running code there.
      #expect(!found.contains(String(format: "db/%04d_t%d.down.sql drop-column", base + 1, base + 1)), "\(found)")
    }
    // One empty-migration finding, on the first, naming the other.
    let empty = found.filter { $0.hasSuffix(" empty-migration") }
    #expect(empty == [String(format: "db/%04d_t10.up.sql empty-migration", 10)], "\(found)")
    let messages = (json?["diagnostics"] as? [[String: Any]] ?? []).filter {
      $0["rule"] as? String == "empty-migration"
    }
    .compactMap { $0["message"] as? String }
    #expect(messages.first?.contains(String(count - 10)) == true, "\(messages)")
  }
}
