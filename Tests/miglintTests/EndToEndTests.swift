import Foundation
import MigLintTestSupport
import Testing

@testable import miglint

/// Runs the built `miglint` binary and checks its output and exit code.
enum CLI {
  /// The binary SwiftPM built next to the test bundle.
  static var binary: String {
    let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    var directory = bundle
    for _ in 0..<4 {
      let candidate = directory.appendingPathComponent("miglint").path
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      directory = directory.deletingLastPathComponent()
    }
    return TestLint.repositoryRoot + "/.build/debug/miglint"
  }

  typealias Result = TestProcess.Output

  static let cacheDirectory =
    NSTemporaryDirectory() + "miglint-test-cache-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)

  static func run(
    _ arguments: [String], in directory: String = TestLint.repositoryRoot, stdin: String? = nil,
    environment: [String: String] = [:]
  ) throws -> Result {
    // CI variables would turn markdown locations into links to the commit under test.
    var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GITHUB_") && !$0.key.hasPrefix("CI_") }
    env["NO_COLOR"] = "1"
    // The replay cache of test runs stays out of the user's ~/.cache.
    env["MIGLINT_CACHE_DIR"] = cacheDirectory
    for (key, value) in environment { env[key] = value }
    return try TestProcess.run(binary, arguments, in: directory, stdin: stdin, environment: env)
  }
}

@Suite struct FixtureTests {
  static let fixtures: [String] = {
    let root = TestLint.repositoryRoot + "/fixtures"
    return ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted()
  }()

  /// The golden of each format; text, JSON and SARIF are required, the CI formats are kept for
  /// the fixtures where they add something (escaping, input errors, history findings).
  static let goldens: [(format: String, file: String, required: Bool)] = [
    ("text", "expected.txt", true), ("json", "expected.json", true), ("sarif", "expected.sarif", true),
    ("github", "expected.github", false), ("gitlab", "expected.gitlab.json", false),
    ("junit", "expected.junit.xml", false), ("markdown", "expected.md", false),
  ]

  /// Golden files; `MIGLINT_RECORD=1 swift test` rewrites them. A missing required golden fails.
  @Test(arguments: fixtures)
  func outputMatchesGoldens(_ fixture: String) throws {
    let directory = TestLint.repositoryRoot + "/fixtures/" + fixture
    let record = ProcessInfo.processInfo.environment["MIGLINT_RECORD"] == "1"
    var exitCodes = Set<Int32>()
    // `args` holds the paths to lint when they are not `migrations` (a tool's own layout).
    let paths =
      (try? String(contentsOfFile: directory + "/args", encoding: .utf8))?
      .split(whereSeparator: \.isWhitespace).map(String.init) ?? ["migrations"]
    for (format, golden, required) in Self.goldens {
      let path = directory + "/" + golden
      if !required, !FileManager.default.fileExists(atPath: path) { continue }
      let result = try CLI.run(paths + ["--format", format], in: directory)
      exitCodes.insert(result.status)
      if record {
        try result.stdout.write(toFile: path, atomically: true, encoding: .utf8)
        continue
      }
      let expected = try String(contentsOfFile: path, encoding: .utf8)
      #expect(result.stdout == expected, "\(fixture)/\(golden) differs; re-record with MIGLINT_RECORD=1 if intended")
    }
    // Every format ends with the same exit code, and the JSON golden records it.
    #expect(exitCodes.count == 1)
    let json = try JSONSerialization.jsonObject(
      with: Data(contentsOf: URL(fileURLWithPath: directory + "/expected.json")))
    let summary = (json as? [String: Any])?["summary"] as? [String: Any]
    #expect((summary?["exitCode"] as? Int).map(Int32.init) == exitCodes.first)
  }
}

extension FixtureTests {
  /// A file named alone gets the findings it gets when its whole directory is linted: the replay
  /// stops after the last named migration (the end of its revert group; the end of the history
  /// when the first empty migration is named, whose finding names the later ones).
  @Test(arguments: fixtures)
  func aNamedFileGetsTheFindingsOfTheWholeRun(_ fixture: String) throws {
    let directory = TestLint.repositoryRoot + "/fixtures/" + fixture
    let paths =
      (try? String(contentsOfFile: directory + "/args", encoding: .utf8))?
      .split(whereSeparator: \.isWhitespace).map(String.init) ?? ["migrations"]
    func diagnostics(_ arguments: [String]) throws -> [String: [String]] {
      let result = try CLI.run(arguments + ["--format", "json", "--no-cache"], in: directory)
      let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
      var byPath: [String: [String]] = [:]
      for item in json?["diagnostics"] as? [[String: Any]] ?? [] {
        let path = item["path"] as? String ?? ""
        byPath[path, default: []].append("\(item["line"] ?? ""):\(item["rule"] ?? ""): \(item["message"] ?? "")")
      }
      return byPath
    }
    let whole = try diagnostics(paths)
    let files = paths.flatMap { path -> [String] in
      let root = directory + "/" + path
      let all = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
      return all.filter { $0.hasSuffix(".sql") }.map { path + "/" + $0 }.sorted()
    }
    for file in files {
      let alone = try diagnostics([file])
      #expect(alone[file] ?? [] == whole[file] ?? [], "\(fixture): \(file)")
    }
  }
}

@Suite struct CommandLineTests {
  @Test func exitCodesFollowFailOn() throws {
    let fixture = TestLint.repositoryRoot + "/fixtures/golang-migrate-basic"
    #expect(try CLI.run(["migrations"], in: fixture).status == 1)
    #expect(try CLI.run(["migrations", "--fail-on", "never"], in: fixture).status == 0)
    #expect(try CLI.run(["migrations", "--fail-on", "error"], in: fixture).status == 1)
    #expect(
      try CLI.run(["migrations", "--fail-on", "error", "--ignore", "add-column-not-null-without-default"], in: fixture)
        .status == 0)
    #expect(try CLI.run([TestLint.repositoryRoot + "/fixtures/clean/migrations"]).status == 0)
  }

  @Test func usageAndConfigurationErrorsExitWithTwoAndNameTheProblem() throws {
    let cases: [([String], String)] = [
      (["--format", "yaml", "x.sql"], "yaml"),
      (["--select", "drop-tabel", "fixtures/clean"], "drop-tabel"),
      (["--pg-version", "8.4", "fixtures/clean"], "--pg-version"),
      (["does/not/exist.sql"], "does/not/exist.sql"),
      (["--config", "nope.toml", "fixtures/clean"], "nope.toml"),
      (["--scope", "sometimes", "fixtures/clean"], "--scope"),
      (["--base", "no-such-ref-anywhere", "fixtures/clean"], "unknown git ref `no-such-ref-anywhere`"),
      (["--jobs", "0", "fixtures/clean"], "--jobs"),
    ]
    for (arguments, mention) in cases {
      let result = try CLI.run(arguments)
      #expect(result.status == 2, "\(arguments)")
      // Input errors are part of the text report; the others go to standard error.
      #expect((result.stderr + result.stdout).contains(mention), "\(arguments): \(result.stderr)")
    }
  }

  @Test func badConfigurationFilesNameTheKey() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("miglint-config-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try "SELECT 1;\n".write(to: directory.appendingPathComponent("a.sql"), atomically: true, encoding: .utf8)
    let cases: [(String, String)] = [
      ("colour = true\n", "`colour`"),
      ("fail-on = \"sometimes\"\n", "`fail-on`"),
      ("select = [\"drop-tabel\"]\n", "drop-tabel"),
      ("[severity]\ndrop-table = \"fatal\"\n", "severity.drop-table"),
      ("pg-version = \"19\"\n", "`pg-version`"),
      ("select = [\n", "miglint.toml:"),
    ]
    for (text, mention) in cases {
      try text.write(to: directory.appendingPathComponent("miglint.toml"), atomically: true, encoding: .utf8)
      let result = try CLI.run(["a.sql"], in: directory.path)
      #expect(result.status == 2, "\(text)")
      #expect(result.stderr.contains(mention) && result.stderr.contains("miglint.toml"), "\(text): \(result.stderr)")
    }
  }

  @Test func standardInputUsesTheGivenName() throws {
    let result = try CLI.run(["-", "--stdin-filename", "db/001.sql", "--format", "json"], stdin: "DROP TABLE users;\n")
    #expect(result.status == 1)
    #expect(result.stdout.contains("\"path\": \"db/001.sql\""))
  }

  @Test func outputFileIsWrittenAndStdoutStaysEmpty() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("miglint-\(UUID().uuidString).sarif").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let result = try CLI.run(["fixtures/golang-migrate-basic/migrations", "--format", "sarif", "--output", path])
    #expect(result.status == 1)
    #expect(result.stdout.isEmpty)
    #expect(try String(contentsOfFile: path, encoding: .utf8).contains("\"version\": \"2.1.0\""))
  }

  @Test func rulesAndExplain() throws {
    let rules = try CLI.run(["rules", "--format", "json"])
    #expect(rules.status == 0)
    let list = try JSONSerialization.jsonObject(with: Data(rules.stdout.utf8)) as? [[String: Any]]
    #expect(list?.contains { $0["id"] as? String == "create-index-non-concurrently" } == true)
    let explain = try CLI.run(["explain", "ban-drop-table"])
    #expect(explain.status == 0 && explain.stdout.hasPrefix("# `drop-table`"))
    #expect(try CLI.run(["explain", "nope"]).status == 2)
    #expect(try CLI.run(["--version"]).stdout.hasPrefix("0."))
  }

  @Test func parallelRunsGiveTheSameOutputAsSerialOnes() throws {
    let arguments = ["fixtures", "--format", "json", "--fail-on", "never"]
    let serial = try CLI.run(arguments + ["--jobs", "1"])
    let parallel = try CLI.run(arguments + ["--jobs", "8"])
    #expect(serial.stdout == parallel.stdout)
    #expect(!serial.stdout.isEmpty)
  }

  @Test func noColorUnlessATerminal() throws {
    let result = try CLI.run(["fixtures/golang-migrate-basic/migrations"], environment: ["NO_COLOR": "1"])
    #expect(!result.stdout.contains("\u{1B}["))
  }
}

@Suite struct ArgumentTests {
  /// The command line as `check` reads it: options anywhere, `--name=value`, a short name,
  /// repeated lists, the last of a repeated value, `-` and `--` for paths.
  @Test func checkReadsOptionsAndPathsInAnyOrder() throws {
    let check = try Check.parse([
      "a.sql", "--format=json", "-o", "out.json", "--select", "drop-table", "b", "--select=lock", "--fail-on",
      "error", "--fail-on", "never", "-", "--no-cache", "--jobs", "3", "--", "--odd.sql", "-o",
    ])
    #expect(check.paths == ["a.sql", "b", "-", "--odd.sql", "-o"])
    #expect(check.format == .json && check.output == "out.json" && check.select == ["drop-table", "lock"])
    #expect(check.failOn == .never && check.noCache && check.jobs == 3 && !check.fix)
    #expect(try Check.parse(["-o=r.txt"]).output == "r.txt")
  }

  /// Each malformed command line gets its own message, naming what was wrong.
  @Test func badCommandLinesSayWhatIsWrong() throws {
    let cases: [([String], String)] = [
      (["--fromat", "json"], "Unknown option '--fromat'. Did you mean '--format'?"),
      (["--zzz"], "Unknown option '--zzz'."),
      (["-x"], "Unknown option '-x'."),
      (["--fix=yes"], "The flag '--fix' takes no value."),
      (["--format"], "Missing value for '--format <format>'."),
      (["--format", "yaml"], "Use one of: text, json, sarif, github, gitlab, junit, markdown."),
      (["--jobs", "many"], "The value 'many' is invalid for '--jobs <jobs>'."),
      (["--jobs", "0"], "--jobs must be at least 1"),
      (["--fix", "--diff"], "use it instead of --fix"),
    ]
    for (words, message) in cases {
      do {
        _ = try Check.parse(words)
        Issue.record("\(words) parsed")
      } catch let error as UsageError {
        #expect(error.message.contains(message) && error.command == "check", "\(words): \(error.message)")
      } catch {
        Issue.record("\(words): \(error)")
      }
    }
    #expect(throws: UsageError.self) { try Explain.parse([]) }
    #expect(throws: UsageError.self) { try Explain.parse(["a", "b"]) }
    #expect(throws: UsageError.self) { try Lsp.parse(["x"]) }
    #expect(throws: UsageError.self) { try Lsp.parse(["--socket=9000"]) }
    #expect(try Lsp.parse(["--stdio"]).stdio)
    #expect(throws: HelpRequest.self) { try Sum.parse(["--check", "-h"]) }
  }

  /// Usage errors go to standard error with the usage line, exit 2, and stay on their lines;
  /// help goes to standard output and exits 0. Commands are found by name; the rest is `check`.
  @Test func theCommandLineSpeaksAsMiglint() throws {
    for arguments in [["--bogus"], ["check", "--bogus"], ["--format", "yaml", "x.sql"], ["--jobs"]] {
      let result = try CLI.run(arguments)
      #expect(result.status == 2, "\(arguments)")
      #expect(result.stderr.hasPrefix("Error: "), "\(arguments): \(result.stderr)")
      #expect(result.stderr.contains("\nUsage: miglint check") && !result.stderr.contains("\\u{a}"), "\(result.stderr)")
      #expect(result.stderr.contains("See 'miglint check --help'"), "\(result.stderr)")
    }
    for (arguments, usage) in [
      (["check", "--help"], "USAGE: miglint check"), (["--help"], "USAGE: miglint <command>"),
      (["check", "-h"], "USAGE: miglint check"), (["help", "sum"], "USAGE: miglint sum"), (["help"], "COMMANDS:"),
      (["explain", "--help"], "USAGE: miglint explain <rule>"),
    ] {
      let result = try CLI.run(arguments)
      #expect(result.status == 0 && result.stdout.contains(usage), "\(arguments): \(result.stdout)")
    }
    let unknown = try CLI.run(["help", "lint"])
    #expect(unknown.status == 2 && unknown.stderr.contains("Unknown command 'lint'"), "\(unknown.stderr)")
    #expect(try CLI.run(["--version"]).stdout == "0.1.0\n")
    #expect(try CLI.run(["rules", "--format", "json"]).stdout.hasPrefix("["))
  }

  /// The README documents every flag of `check`, and `check --help` lists each.
  @Test func theReadmeDocumentsEveryFlag() throws {
    let readme = try String(contentsOfFile: TestLint.repositoryRoot + "/README.md", encoding: .utf8)
    let help = try CLI.run(["check", "--help"]).stdout
    #expect(Check.options.count > 20)
    for option in Check.options {
      #expect(readme.contains("`--\(option.name)"), "--\(option.name) is not in README.md")
      #expect(help.contains(option.usage), "\(option.usage) is not in check --help")
    }
  }

  /// Every key of `miglint.toml` that a run may want to change has its flag.
  @Test func configurationKeysHaveTheirFlags() throws {
    let directory = try TestLint.makeDirectory([
      "migrations/0001_a.sql": "DROP TABLE legacy;\n",
      "migrations/0002_b.sql": "-- miglint-ignore drop-table\nDROP TABLE old;\n",
      "migrations/0003_c.sql": "ALTER TABLE accounts ADD COLUMN note text;\n",
      "other/0001_c.sql": "DROP TABLE gone;\n",
    ])
    func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
      let result = try CLI.run(["--no-cache"] + arguments, in: directory)
      return (result.status, result.stdout, result.stderr)
    }
    #expect(try run(["migrations"]).stdout.contains("warning[drop-table]"))
    #expect(try run(["migrations", "--severity", "drop-table=info"]).stdout.contains("info[drop-table]"))
    #expect(!(try run(["migrations"]).stdout.contains("gives no reason")))
    #expect(try run(["migrations", "--require-suppression-reason"]).stdout.contains("gives no reason"))
    #expect(try run(["migrations"]).stdout.contains("missing-lock-timeout"))
    #expect(!(try run(["migrations", "--lock-timeout-set-by-runner"]).stdout.contains("missing-lock-timeout")))
    let included = try run(["--include", "other/*.sql"]).stdout
    #expect(included.contains("other/0001_c.sql") && !included.contains("migrations/"), "\(included)")
    let excluded = try run(["--exclude", "other/*"]).stdout
    #expect(!excluded.contains("other/0001_c.sql") && excluded.contains("migrations/"), "\(excluded)")
    let bad = try run(["migrations", "--severity", "drop-tabel=info"])
    #expect(bad.status == 2 && bad.stderr.contains("--severity") && bad.stderr.contains("drop-tabel"), "\(bad.stderr)")
  }

  @Test func pathsMayComeBeforeAndAfterOptions() throws {
    let result = try CLI.run([
      "fixtures/clean/migrations/0001_safe.sql", "--format", "json",
      "fixtures/clean/migrations/0002_concurrent_index.sql",
      "--", "--odd-name.sql",
    ])
    #expect(result.status == 2)  // --odd-name.sql does not exist, and is taken as a path
    #expect(result.stderr.contains("--odd-name.sql"))
    let ok = try CLI.run(["check", "fixtures/clean/migrations", "--format", "json"])
    #expect(ok.status == 0)
    #expect(ok.stdout.contains("0002_concurrent_index.sql"))
  }
}

/// Every path given is linted or named with the reason it was not; nothing is skipped silently.
@Suite struct InputProblemTests {
  let good = ["m/001_good.sql": "SELECT 1;\n", "m/002_index.sql": "CREATE INDEX i ON users (email);\n"]

  @Test func aMissingPathIsReportedAndTheRestIsLinted() throws {
    let directory = try TestLint.makeDirectory(good)
    let text = try CLI.run(["m/002_index.sql", "nonexistent.sql"], in: directory)
    #expect(text.status == 2)
    #expect(text.stdout.contains("create-index-non-concurrently"))
    #expect(text.stdout.contains("nonexistent.sql") && text.stdout.contains("no such file or directory"))
    let json = try CLI.run(["m/002_index.sql", "nonexistent.sql", "--format", "json"], in: directory)
    #expect(json.status == 2)
    #expect(json.stdout.contains("\"unreadableFiles\": 1"))
    #expect(json.stderr.contains("nonexistent.sql: no such file or directory"))
  }

  @Test func anEmptyDirectoryOrAnUnmatchedGlobIsAnError() throws {
    let directory = try TestLint.makeDirectory(good.merging(["empty/README.md": "notes\n"]) { $1 })
    let empty = try CLI.run(["m", "empty"], in: directory)
    #expect(empty.status == 2)
    #expect(empty.stdout.contains("empty") && empty.stdout.contains("no .sql file"))
    #expect(empty.stdout.contains("create-index-non-concurrently"))
    let glob = try CLI.run(["m", "db/**/*.sql"], in: directory)
    #expect(glob.status == 2 && glob.stdout.contains("no file matches this pattern"))
  }

  @Test func symbolicLinksThatLeadNowhereAreNamed() throws {
    let directory = try TestLint.makeDirectory(good)
    try FileManager.default.createSymbolicLink(atPath: directory + "/loop.sql", withDestinationPath: "loop.sql")
    try FileManager.default.createSymbolicLink(atPath: directory + "/m/003_gone.sql", withDestinationPath: "gone.sql")
    let named = try CLI.run(["loop.sql", "m"], in: directory)
    #expect(named.status == 2)
    #expect(named.stdout.contains("loop.sql") && named.stdout.contains("symbolic link loop"))
    #expect(
      named.stdout.contains("m/003_gone.sql")
        && named.stdout.contains("symbolic link to `gone.sql`, which does not exist"))
  }

  @Test func anExcludedPathSaysSoAndAMissingDirectorySettingIsAWarning() throws {
    let directory = try TestLint.makeDirectory(
      good.merging([
        "miglint.toml": "exclude = [\"m/001_good.sql\"]\n\n[directories.\"db/nope\"]\ntool = \"goose\"\n"
      ]) { $1 })
    let result = try CLI.run(["m/001_good.sql", "m/002_index.sql"], in: directory)
    #expect(result.status == 1)
    #expect(result.stderr.contains("m/001_good.sql: excluded by `exclude` in miglint.toml"))
    #expect(result.stderr.contains("[directories.\"db/nope\"]") && result.stderr.contains("does not exist"))
  }
}

extension InputProblemTests {
  @Test func rulePagesGoIntoADirectoryThatDoesNotExistYet() throws {
    let directory = try TestLint.temporaryDirectory()
    let result = try CLI.run(["rules", "--markdown", "docs/rules"], in: directory)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(FileManager.default.fileExists(atPath: directory + "/docs/rules/drop-table.md"))
  }

  @Test func findingsOnALockingStatementNameTheLock() throws {
    let sql = """
      CREATE VIEW v AS SELECT email FROM users;
      ALTER TABLE users ADD COLUMN plan text NOT NULL;
      ALTER TABLE users DROP COLUMN email;
      """
    let result = try CLI.run(["-", "--format", "json"], stdin: sql)
    let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    let diagnostics = json?["diagnostics"] as? [[String: Any]] ?? []
    for rule in ["add-column-not-null-without-default", "drop-column-referenced"] {
      let found = try #require(diagnostics.first { $0["rule"] as? String == rule }, "\(rule)")
      #expect((found["lock"] as? [String: Any])?["mode"] as? String == "ACCESS EXCLUSIVE", "\(rule)")
    }
  }
}

/// Reads are bounded: only regular files, never past the size limit.
@Suite struct BoundedReadTests {
  @Test func aFIFOOrADeviceNamedAsAPathIsReportedNotRead() throws {
    let directory = try TestLint.temporaryDirectory()
    #expect(mkfifo(directory + "/pipe.sql", 0o644) == 0)
    try FileManager.default.createSymbolicLink(atPath: directory + "/zero.sql", withDestinationPath: "/dev/zero")
    let result = try CLI.run(["pipe.sql", "zero.sql"], in: directory)
    #expect(result.status == 2)
    #expect(result.stdout.components(separatedBy: "not a regular file").count == 3, "\(result.stdout)")
  }

  /// Found in a migrations folder, a FIFO or a link to a device is named too, and the rest is linted.
  @Test func aFIFOInAFolderIsReportedNotSkipped() throws {
    let directory = try TestLint.makeDirectory(["m/001_a.sql": "DROP TABLE a;\n"])
    #expect(mkfifo(directory + "/m/002_pipe.sql", 0o644) == 0)
    try FileManager.default.createSymbolicLink(atPath: directory + "/m/003_zero.sql", withDestinationPath: "/dev/zero")
    let result = try CLI.run(["m"], in: directory)
    #expect(result.status == 2)
    #expect(result.stdout.contains("m/002_pipe.sql") && result.stdout.contains("m/003_zero.sql"), "\(result.stdout)")
    #expect(result.stdout.components(separatedBy: "not a regular file").count == 3, "\(result.stdout)")
    #expect(result.stdout.contains("drop-table"))
  }

  @Test func standardInputStopsAtTheSizeLimit() throws {
    let big = String(repeating: "-- filler line for the size limit\n", count: (64 << 20) / 34 + 10)
    let result = try CLI.run(["-"], stdin: big)
    #expect(result.status == 2)
    #expect(result.stderr.contains("above the limit"))
  }

  @Test func aReplayCacheEntryThatIsAFIFOIsAMiss() throws {
    var files: [String: String] = [:]
    for number in 1...25 { files[String(format: "db/%04d_t.sql", number)] = "CREATE TABLE t\(number) (id int);\n" }
    let directory = try TestLint.makeDirectory(files)
    let cache = try TestLint.temporaryDirectory()
    let newest = "db/0025_t.sql"
    let first = try CLI.run([newest, "--format", "json"], in: directory, environment: ["MIGLINT_CACHE_DIR": cache])
    let entry = try #require(try FileManager.default.contentsOfDirectory(atPath: cache).first)
    try FileManager.default.removeItem(atPath: cache + "/" + entry)
    #expect(mkfifo(cache + "/" + entry, 0o644) == 0)
    let again = try CLI.run([newest, "--format", "json"], in: directory, environment: ["MIGLINT_CACHE_DIR": cache])
    #expect(again.stdout == first.stdout)
  }
}

/// Nothing from a repository reaches the terminal raw, and a bad configuration byte is named.
@Suite struct UntrustedInputTests {
  @Test func controlCharactersFromInputAreEscapedOnStandardError() throws {
    let directory = try TestLint.makeDirectory([
      "db/0001_a.sql": "SELECT 1;\n",
      "db/miglint.sum": "miglint.sum 1\n0001 \u{1B}[31mred\u{7} " + String(repeating: "x", count: 5_000) + "\n",
    ])
    let result = try CLI.run(["db"], in: directory)
    #expect(result.status == 2)
    #expect(!result.stderr.contains("\u{1B}") && !result.stderr.contains("\u{7}"))
    #expect(result.stderr.contains("\\u{1b}"))
    #expect(result.stderr.count < 1_000)
    let github = try CLI.run(["bad\u{1B}\tname.sql", "--format", "github"], in: directory)
    #expect(!github.stdout.contains("\u{1B}") && !github.stdout.contains("\t"))
  }

  @Test func aNULByteInTheConfigurationIsAnErrorNamingItsOffset() throws {
    let directory = try TestLint.makeDirectory([
      "db/0001_a.sql": "SELECT 1;\n", "miglint.toml": "fail-on = \"warning\"\n\u{0}ignore = [\"drop-table\"]\n",
    ])
    let result = try CLI.run(["db"], in: directory)
    #expect(result.status == 2)
    #expect(result.stderr.contains("miglint.toml: NUL byte at byte offset 20"))
  }
}

extension InputProblemTests {
  /// A folder whose path is longer than PATH_MAX is named; the other folders are still linted.
  @Test(.enabled(if: Python.executable != nil, "python3 creates the deep folder"))
  func aFolderPastPathMaxIsReportedAndTheRestLinted() throws {
    let directory = try TestLint.makeDirectory(["ok/001.sql": "DROP TABLE t;\n"])
    let script = """
      import os, sys
      os.chdir(sys.argv[1])
      for _ in range(25):
          os.mkdir("d" * 200)
          os.chdir("d" * 200)
      open("001.sql", "w").write("SELECT 1;\\n")
      """
    #expect(try TestProcess.run(Python.executable ?? "python3", ["-c", script, directory]).status == 0)
    let result = try CLI.run(["."], in: directory)
    #expect(result.status == 2)
    #expect(result.stdout.contains("drop-table"))
    #expect(result.stdout.contains("File name too long"))
  }
}
