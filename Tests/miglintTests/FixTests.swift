import Foundation
import MigLintTestSupport
import Testing

/// `--fix`, `--unsafe-fixes` and `--diff` on real files.
@Suite struct FixTests {
  let migration = "CREATE INDEX i ON users (email);\nALTER TABLE users ADD COLUMN created timestamp;\n"

  @Test func fixWritesInPlaceKeepingPermissionsAndSaysWhatIsLeft() throws {
    let directory = try TestLint.makeDirectory(["migrations/001_a.sql": migration])
    let path = directory + "/migrations/001_a.sql"
    try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
    let result = try CLI.run(["migrations", "--fix"], in: directory)
    #expect(result.status == 1)  // findings remain
    #expect(result.stderr == "miglint: applied 3 fixes to 1 file; 2 findings have an unsafe fix (--unsafe-fixes)\n")
    #expect(
      try String(contentsOfFile: path, encoding: .utf8)
        == "SET lock_timeout = '5s';\nCREATE INDEX IF NOT EXISTS i ON users (email);\nALTER TABLE users ADD COLUMN IF NOT EXISTS created timestamp;\n"
    )
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    #expect((attributes[.posixPermissions] as? Int) == 0o640)
    // The report describes the fixed text; no temporary file is left behind.
    #expect(result.stdout.contains("create-index-non-concurrently"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/migrations") == ["001_a.sql"])
  }

  @Test func diffWritesNothingAndAppliesWithGit() throws {
    let directory = try TestLint.makeDirectory(["migrations/001_a.sql": migration + "DROP TABLE old;"])
    let path = directory + "/migrations/001_a.sql"
    let diff = try CLI.run(["migrations", "--diff", "--unsafe-fixes"], in: directory)
    #expect(diff.status == 1)
    #expect(diff.stdout.hasPrefix("--- migrations/001_a.sql\n+++ migrations/001_a.sql\n@@ -1,3 +1,4 @@\n"))
    #expect(diff.stdout.hasSuffix("\\ No newline at end of file\n"))
    #expect(try String(contentsOfFile: path, encoding: .utf8) == migration + "DROP TABLE old;")
    // The diff is what --fix writes.
    let copy = try TestLint.makeDirectory(["migrations/001_a.sql": migration + "DROP TABLE old;"])
    let patch = copy + "/fix.patch"
    try diff.stdout.write(toFile: patch, atomically: true, encoding: .utf8)
    let applied = try TestProcess.run("/usr/bin/env", ["git", "apply", "-p0", patch], in: copy)
    #expect(applied.status == 0, "\(applied.stderr)")
    _ = try CLI.run(["migrations", "--fix", "--unsafe-fixes"], in: directory)
    #expect(
      try String(contentsOfFile: path, encoding: .utf8)
        == String(contentsOfFile: copy + "/migrations/001_a.sql", encoding: .utf8))
    // Nothing left to fix: empty diff, exit 0.
    let again = try CLI.run(["migrations", "--diff", "--unsafe-fixes"], in: directory)
    #expect(again.status == 0 && again.stdout.isEmpty)
    #expect(again.stderr == "miglint: no fixes to apply\n")
  }

  /// Error findings of a JSON report, counted by file and rule.
  func errors(_ paths: [String], in directory: String) throws -> [String: Int] {
    let result = try CLI.run(paths + ["--format", "json", "--no-cache"], in: directory)
    let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    var counts: [String: Int] = [:]
    for item in json?["diagnostics"] as? [[String: Any]] ?? [] where item["severity"] as? String == "error" {
      counts["\(item["path"] as? String ?? "") \(item["rule"] as? String ?? "")", default: 0] += 1
    }
    return counts
  }

  /// The fix invariant: applying the safe fixes, then the unsafe ones too, never adds a finding at
  /// error severity, and a second pass changes nothing.
  func checkFixInvariant(_ paths: [String], in directory: String, _ name: String) throws {
    let before = try errors(paths, in: directory)
    for flags in [["--fix"], ["--fix", "--unsafe-fixes"]] {
      let fixed = try CLI.run(paths + flags, in: directory)
      #expect(fixed.status != 2 || name == "bad-input", "\(name): \(fixed.stderr)")
      #expect(!fixed.stderr.contains("did not settle"), "\(name): \(fixed.stderr)")
      for (key, count) in try errors(paths, in: directory) {
        #expect(count <= before[key] ?? 0, "\(name) \(flags): a fix added an error: \(key)")
      }
    }
    let second = try CLI.run(paths + ["--diff", "--unsafe-fixes"], in: directory)
    #expect(second.stdout.isEmpty, "\(name) changes again:\n\(second.stdout)")
  }

  @Test func fixesOnEveryFixtureAddNoErrorAndConverge() throws {
    let copy = try TestLint.temporaryDirectory() + "/fixtures"
    try FileManager.default.copyItem(atPath: TestLint.repositoryRoot + "/fixtures", toPath: copy)
    for fixture in try FileManager.default.contentsOfDirectory(atPath: copy).sorted() {
      let directory = copy + "/" + fixture
      let paths =
        (try? String(contentsOfFile: directory + "/args", encoding: .utf8))?
        .split(whereSeparator: \.isWhitespace).map(String.init) ?? ["migrations"]
      try checkFixInvariant(paths, in: directory, fixture)
    }
  }

  /// Every rule example as a migration of a plain directory, a golang-migrate directory (a file
  /// with several statements runs as one transaction) and a goose directory (in a transaction).
  @Test func fixesOnEveryRuleExampleInEachToolAddNoErrorAndConverge() throws {
    var files: [String: String] = [:]
    for (number, example) in TestLint.exampleSQL.enumerated() {
      let sql = example.sql.hasSuffix("\n") ? example.sql : example.sql + "\n"
      files[String(format: "plain/%04d_%@.sql", number, example.rule)] = sql
      files[String(format: "golang/%04d_%@.up.sql", number, example.rule)] = sql
      files[String(format: "golang/%04d_%@.down.sql", number, example.rule)] = "SELECT 1;\n"
      files[String(format: "goose/%05d_%@.sql", number, example.rule)] = "-- +goose Up\n" + sql
    }
    let directory = try TestLint.makeDirectory(files)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try checkFixInvariant(["plain", "golang", "goose"], in: directory, "rule examples")
  }

  @Test func aSymbolicLinkKeepsPointingAtTheFixedFile() throws {
    let directory = try TestLint.makeDirectory(["shared/001_a.sql": "DROP TABLE t;\n"])
    try FileManager.default.createDirectory(atPath: directory + "/migrations", withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(
      atPath: directory + "/migrations/001_a.sql", withDestinationPath: "../shared/001_a.sql")
    _ = try CLI.run(["migrations", "--fix"], in: directory)
    let link = try FileManager.default.destinationOfSymbolicLink(atPath: directory + "/migrations/001_a.sql")
    #expect(link == "../shared/001_a.sql")
    #expect(try String(contentsOfFile: directory + "/shared/001_a.sql", encoding: .utf8).contains("IF EXISTS"))
  }

  @Test func standardInputIsPrintedFixed() throws {
    let result = try CLI.run(["-", "--fix"], stdin: "DROP TABLE t;\n")
    #expect(result.stdout == "SET lock_timeout = '5s';\nDROP TABLE IF EXISTS t;\n")
    #expect(result.status == 1)
  }

  @Test func fixFlagsThatCannotWorkTogetherAreUsageErrors() throws {
    for arguments in [["--unsafe-fixes"], ["--fix", "--diff"], ["--diff", "--format", "json"]] {
      let result = try CLI.run(["fixtures/clean/migrations"] + arguments)
      #expect(result.status == 2, "\(arguments)")
      #expect(result.stderr.contains("--"), "\(arguments): \(result.stderr)")
    }
  }
}

/// The pre-commit manifest at the repository root, as pre-commit reads and runs it.
@Suite(.enabled(if: Python.unavailableReason("yaml") == nil, "\(Python.unavailableReason("yaml") ?? "")"))
struct PreCommitHookTests {
  @Test func theManifestIsValidAndItsEntryLintsTheStagedFiles() throws {
    let manifest = TestLint.repositoryRoot + "/.pre-commit-hooks.yaml"
    let script = """
      import json, sys, yaml
      hooks = yaml.safe_load(open(sys.argv[1]))
      assert isinstance(hooks, list), "a list of hooks"
      for hook in hooks:
          for key in ("id", "name", "entry", "language"):
              assert isinstance(hook.get(key), str), key
      print(json.dumps(hooks))
      """
    let parsed = try Python.run(script, [manifest])
    #expect(parsed.status == 0, "\(parsed.stderr)")
    let hooks = try #require(try JSONSerialization.jsonObject(with: Data(parsed.stdout.utf8)) as? [[String: Any]])
    let hook = try #require(hooks.first { $0["id"] as? String == "miglint" })
    #expect(hook["language"] as? String == "swift")
    #expect(hook["types"] as? [String] == ["sql"])
    #expect(hook["pass_filenames"] as? Bool ?? true)

    // A repository with one staged migration and one that is not staged.
    let repository = try TestLint.makeDirectory([
      "db/migrations/0001_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
      "db/migrations/0002_index.sql": "CREATE INDEX users_email ON users (email);\n",
      "db/migrations/0003_draft.sql": "DROP TABLE users;\n",
      "README.txt": "not SQL\n",
    ])
    func git(_ arguments: String...) throws -> TestProcess.Output {
      try TestProcess.run(
        "/usr/bin/env", ["git", "-c", "user.name=t", "-c", "user.email=t@t"] + arguments, in: repository)
    }
    _ = try git("init", "-q")
    _ = try git("add", "db/migrations/0001_users.sql", "db/migrations/0002_index.sql", "README.txt")
    // What pre-commit passes: the staged files that `types: [sql]` selects.
    let staged = try git("diff", "--cached", "--name-only", "--diff-filter=ACMR").stdout
      .split(separator: "\n").map(String.init).filter { $0.hasSuffix(".sql") }
    #expect(staged == ["db/migrations/0001_users.sql", "db/migrations/0002_index.sql"])
    let entry = try #require(hook["entry"] as? String).split(separator: " ").map(String.init)
    let arguments = (hook["args"] as? [String]) ?? []
    let binDirectory = URL(fileURLWithPath: CLI.binary).deletingLastPathComponent().path
    let path = binDirectory + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
    let result = try TestProcess.run(
      "/usr/bin/env", entry + arguments + staged, in: repository, environment: ["PATH": path, "NO_COLOR": "1"])
    #expect(result.status == 1, "\(result.stderr)")
    #expect(result.stdout.contains("db/migrations/0002_index.sql:1:1: warning[create-index-non-concurrently]"))
    #expect(!result.stdout.contains("0003_draft"))
  }
}

/// Fixed migrations run on a real PostgreSQL 15 the way their tool runs them: what `--fix
/// --unsafe-fixes` writes never fails with "cannot run inside a transaction block".
@Suite(.serialized, .enabled(if: PostgresServer.unavailableReason == nil, "\(PostgresServer.unavailableReason ?? "")"))
struct FixedMigrationServerTests {
  @Test func fixedMigrationsRunAsTheirToolRunsThem() throws {
    let files = [
      // golang-migrate sends a file as one query: one statement runs alone, two run as a transaction.
      "golang/0001_email.up.sql": "CREATE INDEX users_email_idx ON users (email);\n",
      "golang/0001_email.down.sql": "DROP INDEX users_email_idx;\n",
      "golang/0002_name.up.sql":
        "CREATE INDEX users_name_idx ON users (name);\nALTER TABLE users ADD COLUMN note text;\n",
      "golang/0002_name.down.sql": "ALTER TABLE users DROP COLUMN note;\nDROP INDEX users_name_idx;\n",
      "golang/0003_reindex.up.sql": "REINDEX INDEX users_email_idx;\n",
      "golang/0003_reindex.down.sql": "SELECT 1;\n",
      // goose runs each file in a transaction unless it says NO TRANSACTION.
      "goose/00001_created.sql": "-- +goose Up\nCREATE INDEX users_created_idx ON users (created);\n",
      "goose/00002_seen.sql": "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX users_seen_idx ON users (seen);\n",
    ]
    let directory = try TestLint.makeDirectory(files)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    _ = try CLI.run(["golang", "goose", "--fix", "--unsafe-fixes"], in: directory)
    func text(_ path: String) throws -> String { try String(contentsOfFile: directory + "/" + path, encoding: .utf8) }
    // Safe fixes go first: the `SET lock_timeout` they add makes a golang-migrate file two
    // statements, one transaction, so CONCURRENTLY is not added there; only the goose file that
    // runs without a transaction gets it.
    for path in ["golang/0001_email.up.sql", "golang/0002_name.up.sql", "golang/0003_reindex.up.sql"] {
      #expect(try text(path).contains("lock_timeout = '5s';") && !text(path).contains("CONCURRENTLY"), "\(path)")
    }
    #expect(try !text("goose/00001_created.sql").contains("CONCURRENTLY"))
    #expect(try text("goose/00002_seen.sql").contains("CREATE INDEX CONCURRENTLY"))

    let server = try PostgresServer()
    _ = try server.psql(
      "CREATE TABLE users (id bigint PRIMARY KEY, email text, name text, created timestamptz, seen timestamptz);")
    for path in ["golang/0001_email.up.sql", "golang/0002_name.up.sql", "golang/0003_reindex.up.sql"] {
      #expect(throws: Never.self, "\(path)") { _ = try server.oneQuery(try text(path)) }
    }
    // goose: the up section inside BEGIN/COMMIT, or alone with NO TRANSACTION.
    let wrapped = try text("goose/00001_created.sql").replacing("-- +goose Up\n", with: "")
    #expect(throws: Never.self) { _ = try server.psql("BEGIN;\n" + wrapped + "COMMIT;\n") }
    #expect(throws: Never.self) { _ = try server.psql(try text("goose/00002_seen.sql")) }
  }
}

/// The commit this repository's checkout is at.
enum RepositoryHead {
  static let commit: String? = {
    let result = try? TestProcess.run("/usr/bin/env", ["git", "rev-parse", "HEAD"], in: TestLint.repositoryRoot)
    return result?.status == 0 ? result?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil
  }()
}

/// The README's pre-commit recipe, as written, with the real `pre-commit` from PyPI: a scratch
/// repository installs the hook from this repository at its current commit, and a commit of a
/// migration that takes a blocking lock is stopped. The first run builds miglint in release mode.
@Suite(
  .enabled(if: Python.unavailableReason("pre_commit") == nil, "\(Python.unavailableReason("pre_commit") ?? "")"),
  .enabled(if: RepositoryHead.commit != nil, "the repository has no commit to pin")
)
struct PreCommitRecipeTests {
  /// The YAML block of the README's pre-commit section.
  func recipe() throws -> String {
    let readme = try String(contentsOfFile: TestLint.repositoryRoot + "/README.md", encoding: .utf8)
    let section = try #require(readme.range(of: "### pre-commit"))
    let rest = readme[section.upperBound...]
    let start = try #require(rest.range(of: "```yaml\n"))
    let end = try #require(rest[start.upperBound...].range(of: "```"))
    return String(rest[start.upperBound..<end.lowerBound])
  }

  @Test func theRecipeAsWrittenStopsACommitWithAFinding() throws {
    let head = try #require(RepositoryHead.commit)
    let config = try recipe()
      .replacing("https://github.com/miglint/miglint", with: TestLint.repositoryRoot)
      .replacing("<full commit sha>", with: head)
    #expect(config.contains("rev: \(head)"))
    let repository = try TestLint.makeDirectory([
      ".pre-commit-config.yaml": config,
      "db/migrations/0001_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
    ])
    let cache = try TestLint.temporaryDirectory()
    defer {
      try? FileManager.default.removeItem(atPath: repository)
      try? FileManager.default.removeItem(atPath: cache)
    }
    let environment = [
      "PRE_COMMIT_HOME": cache, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
      "GIT_COMMITTER_EMAIL": "t@example.com",
    ]
    let inherited = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    func run(_ arguments: [String]) throws -> TestProcess.Output {
      try TestProcess.run("/usr/bin/env", arguments, in: repository, environment: inherited)
    }
    #expect(try run(["git", "init", "-q"]).status == 0)
    #expect(try run(["git", "add", "-A"]).status == 0)
    #expect(try run(["git", "commit", "-q", "-m", "users", "--no-verify"]).status == 0)
    let install = try run([Python.executable ?? "python3", "-m", "pre_commit", "install"])
    #expect(install.status == 0, "\(install.stderr)")
    try "CREATE INDEX users_email_idx ON users (email);\n".write(
      toFile: repository + "/db/migrations/0002_email.sql", atomically: true, encoding: .utf8)
    #expect(try run(["git", "add", "db/migrations/0002_email.sql"]).status == 0)
    let commit = try run(["git", "commit", "-m", "index"])
    #expect(commit.status != 0, "the hook let the commit through")
    #expect(
      (commit.stdout + commit.stderr).contains("create-index-non-concurrently"), "\(commit.stdout)\(commit.stderr)")
    // A migration without findings commits.
    try "-- miglint-ignore-file create-index-non-concurrently, missing-lock-timeout -- small table\n"
      .appending("CREATE INDEX users_email_idx ON users (email);\n")
      .write(toFile: repository + "/db/migrations/0002_email.sql", atomically: true, encoding: .utf8)
    #expect(try run(["git", "add", "db/migrations/0002_email.sql"]).status == 0)
    let clean = try run(["git", "commit", "-q", "-m", "index"])
    #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
  }
}

/// `--fix` writes only what it may, keeps what the file was, and says only what it did.
@Suite struct FixWriteTests {
  let text = "CREATE INDEX i ON users (email);\n"

  @Test func readOnlyAndHardLinkedFilesAreRefusedAndNotCounted() throws {
    let directory = try TestLint.makeDirectory(["m/001_a.sql": text, "m/002_b.sql": text])
    let readOnly = directory + "/m/001_a.sql"
    try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: readOnly)
    try FileManager.default.linkItem(atPath: directory + "/m/002_b.sql", toPath: directory + "/other-name.sql")
    let result = try CLI.run(["m", "--fix"], in: directory)
    #expect(result.status == 2)
    #expect(result.stderr.contains("m/001_a.sql: read-only: fixes not written"))
    #expect(result.stderr.contains("m/002_b.sql: has 2 hard links"))
    #expect(result.stderr.contains("applied 0 fixes to 0 files"), "\(result.stderr)")
    #expect(try String(contentsOfFile: readOnly, encoding: .utf8) == text)
    #expect(try String(contentsOfFile: directory + "/other-name.sql", encoding: .utf8) == text)
  }

  @Test(.enabled(if: getuid() == 0, "needs root to give the file to another user"))
  func theOwnerAndModeOfAFixedFileAreKept() throws {
    let directory = try TestLint.makeDirectory(["m/001_a.sql": text])
    let path = directory + "/m/001_a.sql"
    try FileManager.default.setAttributes([.posixPermissions: 0o600, .ownerAccountID: 65534], ofItemAtPath: path)
    let result = try CLI.run(["m", "--fix"], in: directory)
    #expect(result.stderr.contains("applied"), "\(result.stderr)")
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    #expect((attributes[.ownerAccountID] as? Int) == 65534)
    #expect((attributes[.posixPermissions] as? Int) == 0o600)
    #expect(try String(contentsOfFile: path, encoding: .utf8) != text)
  }

  @Test func temporariesOfProcessesThatAreGoneAreRemoved() throws {
    let directory = try TestLint.makeDirectory(["m/001_a.sql": text])
    // A pid far above any live one (pid_max is at most 4194304).
    let stale = directory + "/m/.miglint-99999999-abcdef"
    try "partial".write(toFile: stale, atomically: false, encoding: .utf8)
    #expect(try CLI.run(["sum", "m"], in: directory).status == 0)
    #expect(!FileManager.default.fileExists(atPath: stale))
  }
}

/// A repository's configuration cannot make miglint read or write outside the project.
@Suite struct ProjectBoundaryTests {
  @Test func includeGlobsAndSymbolicLinksStayInsideTheProject() throws {
    let outside = try TestLint.makeDirectory(["secret.sql": "CREATE INDEX s ON secrets (k);\n"])
    let project = try TestLint.makeDirectory([
      "miglint.toml": "include = [\"../\(URL(fileURLWithPath: outside).lastPathComponent)/*.sql\", \"db/*.sql\"]\n",
      "db/0001_a.sql": "CREATE INDEX i ON users (email);\n",
    ])
    try FileManager.default.createSymbolicLink(
      atPath: project + "/db/0002_link.sql", withDestinationPath: "/etc/passwd")
    let result = try CLI.run(["--fix", "--unsafe-fixes"], in: project)
    #expect(result.status == 2)
    // The outside file is neither read nor fixed; the link to /etc/passwd is not followed.
    #expect(try String(contentsOfFile: outside + "/secret.sql", encoding: .utf8) == "CREATE INDEX s ON secrets (k);\n")
    #expect(!result.stdout.contains("root:") && !result.stderr.contains("root:"))
    #expect(result.stdout.contains("not read unless named itself"), "\(result.stdout)")
    #expect(try String(contentsOfFile: project + "/db/0001_a.sql", encoding: .utf8).contains("CONCURRENTLY"))
  }

  @Test func aFileOutsideTheProjectIsNeverWritten() throws {
    let outside = try TestLint.makeDirectory(["x.sql": "CREATE INDEX s ON secrets (k);\n"])
    let project = try TestLint.makeDirectory(["miglint.toml": "fail-on = \"warning\"\n"])
    let result = try CLI.run([outside + "/x.sql", "--fix"], in: project)
    #expect(result.stderr.contains("outside the project"), "\(result.stderr)")
    #expect(try String(contentsOfFile: outside + "/x.sql", encoding: .utf8) == "CREATE INDEX s ON secrets (k);\n")
  }
}
