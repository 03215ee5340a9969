import Foundation
import MigLintCore
import MigLintRules
import MigLintSyntax
import MigLintTestSupport
import Testing

@testable import MigLintWorkspace

@Suite struct LayoutTests {
  static let fixtures: [String] = {
    let root = TestLint.repositoryRoot + "/fixtures"
    return ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter { $0.hasPrefix("layout-") }
      .sorted()
  }()

  /// `fixtures/layout-<tool>` holds that tool's real layout; `args` names the directory to lint.
  @Test(arguments: fixtures)
  func eachToolIsDetectedOnItsFixture(_ fixture: String) throws {
    let directory = TestLint.repositoryRoot + "/fixtures/" + fixture
    let argument = try String(contentsOfFile: directory + "/args", encoding: .utf8).split(whereSeparator: \.isNewline)[
      0]
    let layout = try Project().layout(of: argument == "." ? directory : directory + "/" + argument)
    #expect(layout.tool.rawValue == String(fixture.dropFirst("layout-".count)))
    #expect(layout.migrations.count >= 3, "\(fixture): \(layout.migrations.map(\.version))")
  }

  /// A file named alone gets the findings it gets when its whole directory is linted: the files
  /// after it are not read (layouts that order by names), nor replayed, and change nothing.
  @Test(arguments: fixtures)
  func aFileNamedAloneGetsItsFindingsOfTheWholeDirectory(_ fixture: String) throws {
    let directory = TestLint.repositoryRoot + "/fixtures/" + fixture
    let argument = try String(contentsOfFile: directory + "/args", encoding: .utf8).split(whereSeparator: \.isNewline)[
      0]
    let root = argument == "." ? directory : directory + "/" + argument
    let linter = Linter(registry: BuiltinRules.registry, configuration: Configuration())
    let project = Project()
    let lint = { (paths: [String]) in
      try Runner.lint(try project.list(paths), project: project, linter: linter, jobs: 2)
    }
    let shown = { (result: FileResult?) in
      result?.diagnostics.map { "\($0.ruleID) \($0.range.start)-\($0.range.end) \($0.message) \($0.help ?? "")" }
    }
    let whole = try lint(try FileDiscovery.expand([root]))
    #expect(whole.count >= 3)
    for result in whole {
      let alone = try lint([result.path])
      #expect(alone.map(\.path) == [result.path])
      #expect(shown(alone.first) == shown(result), "\(result.path)")
    }
  }

  /// Naming a migration of a directory that names order (golang-migrate) reads the history up to
  /// it; one whose layout reads its scripts (goose sections) reads them all.
  @Test func namingAFileReadsTheHistoryTheRunNeeds() throws {
    let texts = ["1_a": "CREATE TABLE a (id int);\n", "2_b": "CREATE TABLE b (id int);\n", "3_c": "SELECT 1;\n"]
    let names = Dictionary(uniqueKeysWithValues: texts.map { ($0.key + ".up.sql", $0.value) })
    let sections = Dictionary(uniqueKeysWithValues: texts.map { ($0.key + ".sql", "-- +goose Up\n" + $0.value) })
    let (golangMigrate, goose) = (try TestLint.makeDirectory(names), try TestLint.makeDirectory(sections))
    defer {
      try? FileManager.default.removeItem(atPath: golangMigrate)
      try? FileManager.default.removeItem(atPath: goose)
    }
    let read = { (directory: String, named: String) throws -> [String] in
      let project = Project()
      let loaded = try project.load(try #require(try project.list([directory + "/" + named]).first))
      return loaded.set.files.filter { $0.bytes != nil }.map { FileSystem.baseName($0.path) }
    }
    #expect(try read(golangMigrate, "1_a.up.sql") == ["1_a.up.sql"])
    #expect(try read(golangMigrate, "2_b.up.sql") == ["1_a.up.sql", "2_b.up.sql"])
    #expect(try read(goose, "1_a.sql") == ["1_a.sql", "2_b.sql", "3_c.sql"])
  }

  /// A tool added to `MigrationTool` needs its fixture (CONTRIBUTING.md, "Adding a migration tool").
  @Test func everyToolHasItsFixture() {
    #expect(
      Set(Self.fixtures.map { String($0.dropFirst("layout-".count)) }) == Set(MigrationTool.allCases.map(\.rawValue)))
  }

  @Test func rootsOfNestedLayouts() throws {
    #expect(Layouts.root(of: "db/migrations/0001_a.up.sql") == "db/migrations")
    #expect(Layouts.root(of: "migrations/2024-01-01-000000_posts/up.sql") == "migrations")
    #expect(Layouts.root(of: "prisma/migrations/20240101000000_init/migration.sql") == "prisma/migrations")
    #expect(Layouts.root(of: "0001_a.sql") == "")
    let sqitch = TestLint.repositoryRoot + "/fixtures/layout-sqitch"
    #expect(Layouts.root(of: sqitch + "/deploy/items.sql") == sqitch)
  }

  @Test func versionsCompareByTheirNumbers() {
    #expect(Layouts.versionLess("2.1", "10"))
    #expect(Layouts.versionLess("0009", "10"))
    #expect(Layouts.versionLess("1.1", "1.10"))
    #expect(!Layouts.versionLess("20240102", "20240101"))
    #expect(Layouts.versionLess("1", "1.1"))
  }

  @Test func flywayAndPopFileNames() {
    #expect(Layouts.flywayName("V1_1__add_email.sql")?.version == "1.1")
    #expect(Layouts.flywayName("R__views.sql")?.prefix == "R")
    #expect(Layouts.flywayName("V__broken.sql") == nil)
    #expect(Layouts.splitName("20240101_users.postgres.autocommit.up.sql")?.qualifiers == ["postgres", "autocommit"])
    #expect(Layouts.otherDialect("1_users.mysql.up.sql") == "mysql")
    #expect(Layouts.otherDialect("1_mysql_import.up.sql") == nil)
  }

  @Test func markerSectionsKeepTheirByteRanges() throws {
    let text = "-- +goose NO TRANSACTION\n-- +goose Up\nSELECT 1;\n-- +goose Down\r\nSELECT 2;\n"
    let sections = Sections(markerPrefix: Goose().markerPrefix, bytes: Array(text.utf8))
    let up = try #require(sections.up)
    let down = try #require(sections.down)
    #expect(String(decoding: Array(text.utf8)[up.start..<up.end], as: UTF8.self) == "SELECT 1;\n")
    #expect(String(decoding: Array(text.utf8)[down.start..<down.end], as: UTF8.self) == "SELECT 2;\n")
    #expect(sections.upWithoutTransaction && sections.downWithoutTransaction)
    let dbmate = Sections(
      markerPrefix: Dbmate().markerPrefix, bytes: Array("-- migrate:up transaction:false\nSELECT 1;\n".utf8))
    #expect(dbmate.upWithoutTransaction && dbmate.down == nil)
  }

  @Test func sqitchReworkedChangesUseTheirTaggedScripts() {
    let plan = SqitchPlan(
      """
      %project=x
      users 2024-01-01T00:00:00Z A <a@b> # first
      @v1 2024-01-02T00:00:00Z A <a@b>
      orders 2024-01-03T00:00:00Z A <a@b>
      @v2 2024-01-04T00:00:00Z A <a@b>
      users [users@v1] 2024-01-05T00:00:00Z A <a@b> # reworked
      """)
    #expect(plan.changes.map(\.name) == ["users", "orders", "users"])
    #expect(plan.changes.map(\.reworkedAt) == ["v1", nil, nil])
  }

  @Test func theDirectoryConfigurationOverridesTheTool() throws {
    let directory = try TestLint.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try "CREATE INDEX CONCURRENTLY a_idx ON a (b);\nSELECT 1;\n".write(
      toFile: directory + "/001_a.sql", atomically: true, encoding: .utf8)
    var project = Project(directories: [directory: DirectorySettings(tool: .plain, transaction: .perFile)])
    let layout = try project.layout(of: directory)
    #expect(layout.tool == .plain)
    #expect(layout.migrations.first?.up.first?.transaction?.reason.contains("per-file") == true)
    project = Project()
    #expect(try project.layout(of: directory).migrations.first?.up.first?.transaction == nil)
  }
}

@Suite struct DeployRecordTests {
  @Test func sha256MatchesKnownDigests() {
    #expect(DeployRecord.hash([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(DeployRecord.hash(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    let long = Array(String(repeating: "a", count: 1_000).utf8)
    #expect(DeployRecord.hash(long) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
  }

  @Test func lineEndingsAndABOMDoNotChangeTheHash() {
    let lf = DeployRecord.hash(Array("SELECT 1;\nSELECT 2;\n".utf8))
    #expect(DeployRecord.hash(Array("SELECT 1;\r\nSELECT 2;\r\n".utf8)) == lf)
    #expect(DeployRecord.hash([0xEF, 0xBB, 0xBF] + Array("SELECT 1;\rSELECT 2;\r".utf8)) == lf)
    #expect(DeployRecord.hash(Array("SELECT 1; \nSELECT 2;\n".utf8)) != lf)
  }

  @Test func aRecordRoundTrips() throws {
    let record = DeployRecord(entries: [
      .init(version: "0001", files: [("0001 a.up.sql", String(repeating: "ab", count: 32))], line: 0)
    ])
    let parsed = try DeployRecord.parse(Array(record.render().utf8), path: "miglint.sum")
    #expect(parsed.entries.map(\.version) == ["0001"])
    #expect(parsed.entries[0].files[0].path == "0001 a.up.sql")
  }

  @Test(arguments: [
    ("0001 a.sql sha256:00\n", "miglint.sum:1", "header"),
    ("miglint.sum 1\n0001 a.sql\n", "miglint.sum:2", "expected"),
    ("miglint.sum 1\n0001 a.sql md5:00\n", "miglint.sum:2", "sha256"),
    ("miglint.sum 1\n<<<<<<< HEAD\n", "miglint.sum:2", "merge conflict"),
    (
      "miglint.sum 1\n0001 a.sql sha256:\(String(repeating: "0", count: 64))\n0001 b.sql sha256:\(String(repeating: "0", count: 64))\n",
      "miglint.sum:3", "twice"
    ),
  ])
  func malformedRecordsNameTheLine(_ text: String, _ subject: String, _ mention: String) {
    do {
      _ = try DeployRecord.parse(Array(text.utf8), path: "miglint.sum")
      Issue.record("accepted: \(text)")
    } catch {
      #expect(error.subject == subject, "\(error)")
      #expect(error.message.contains(mention), "\(error)")
    }
  }
}
