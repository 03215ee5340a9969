import Foundation
import MigLintCore
import MigLintRules
import MigLintWorkspace
import Testing

@Suite struct GlobTests {
  @Test func segmentsAndDoubleStars() {
    #expect(Glob("db/*.sql").matches("db/001.sql"))
    #expect(!Glob("db/*.sql").matches("db/sub/001.sql"))
    #expect(Glob("db/**/*.sql").matches("db/001.sql"))
    #expect(Glob("db/**/*.sql").matches("db/a/b/001.sql"))
    #expect(Glob("**/generated/**").matches("/abs/path/generated/x/y.sql"))
    #expect(Glob("db/00?_*.sql").matches("./db/001_init.sql"))
    #expect(Glob("db/[0-9]*.sql").matches("db/7.sql") && !Glob("db/[0-9]*.sql").matches("db/x.sql"))
    #expect(Glob("db/**/x/*.sql").staticPrefix == "db")
  }
}

@Suite struct FileDiscoveryTests {
  func makeTree() throws -> URL {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("miglint-tree-\(UUID().uuidString)")
    for path in ["m/002_b.sql", "m/001_a.sql", "m/sub/003_c.SQL", "m/notes.txt", "m/.hidden/004.sql", "m/gen/005.sql"] {
      let url = root.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try "SELECT 1;".write(to: url, atomically: true, encoding: .utf8)
    }
    return root
  }

  @Test func directoriesGlobsAndExcludes() throws {
    let root = try makeTree()
    defer { try? FileManager.default.removeItem(at: root) }
    let base = root.path
    let files = try FileDiscovery.expand([base + "/m"], currentDirectory: base)
    #expect(
      files.map { String($0.dropFirst(base.count + 1)) } == [
        "m/001_a.sql", "m/002_b.sql", "m/gen/005.sql", "m/sub/003_c.SQL",
      ])
    let excluded = try FileDiscovery.expand([base + "/m"], exclude: [Glob(base + "/m/gen/**")], currentDirectory: base)
    #expect(excluded.count == 3)
    let globbed = try FileDiscovery.expand([base + "/m/*.sql"], currentDirectory: base)
    #expect(globbed.count == 2)
    // A file named twice is linted once.
    #expect(try FileDiscovery.expand([base + "/m/001_a.sql", base + "/m"], currentDirectory: base).count == 4)
    #expect(throws: WorkspaceError.self) { try FileDiscovery.expand([base + "/missing.sql"], currentDirectory: base) }
    #expect(throws: WorkspaceError.self) { try FileDiscovery.expand([base + "/m/*.nothing"], currentDirectory: base) }
  }

  /// Files of any size read whole, at or past their reported size: empty, a byte, around a
  /// read's chunk, and a file the system reports as empty though it has text (`/proc`).
  @Test func filesAreReadWhole() throws {
    let root = try makeTree()
    defer { try? FileManager.default.removeItem(at: root) }
    for size in [0, 1, 2, 4095, 4096, 65535, 65536, 65537, 200_000] {
      let path = root.appendingPathComponent("m/size-\(size).sql").path
      let bytes = (0..<size).map { UInt8(0x41 + $0 % 26) }
      try FileSystem.writeAtomically(bytes, to: path)
      #expect(try FileSystem.read(path) == bytes, "\(size) bytes")
      if size > 0 { #expect(throws: WorkspaceError.self) { try FileSystem.read(path, limit: size - 1) } }
    }
    let status = try FileSystem.read("/proc/self/status")
    #expect(String(decoding: status, as: UTF8.self).contains("Pid:"))
    // Past its reported size, a file is still held to the limit, from its first byte on.
    for limit in [0, 1, 10] {
      #expect(throws: WorkspaceError.self) { try FileSystem.read("/proc/self/status", limit: limit) }
    }
  }

  @Test func atomicWritesKeepPermissionsAndLeaveNoTemporaryFile() throws {
    let root = try makeTree()
    defer { try? FileManager.default.removeItem(at: root) }
    let path = root.appendingPathComponent("m/001_a.sql").path
    try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
    try FileSystem.writeAtomically(Array("SELECT 2;\n".utf8), to: path)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "SELECT 2;\n")
    let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    #expect(permissions == 0o640)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("m").path)
    #expect(!leftovers.contains { $0.hasPrefix(".miglint-") })
  }

  /// An editor saving after the last check, just before the new text takes the file's place
  /// (atomically, as a new file, or in place): its text comes back, the write is reported.
  @Test(arguments: [true, false])
  func anEditSavedDuringTheWriteIsPutBack(_ atomically: Bool) throws {
    let root = try makeTree()
    defer { try? FileManager.default.removeItem(at: root) }
    let path = root.appendingPathComponent("m/001_a.sql").path
    let original = try #require(FileManager.default.contents(atPath: path))
    let identity = try FileManager.default.attributesOfItem(atPath: path)
    let inode = try #require(identity[.systemFileNumber] as? UInt)
    let editor = "SELECT 'saved by the editor';\n"
    // The first question is the check before the rename: the file is still the one read, and the
    // editor saves right after it. The second is asked of the file that came out of the exchange.
    var asked = 0
    #expect(throws: WorkspaceError.self) {
      try FileSystem.writeAtomically(Array("SELECT 'fixed';\n".utf8), to: path) { current in
        asked += 1
        guard asked == 1 else {
          let now = try? FileManager.default.attributesOfItem(atPath: current)
          return now?[.systemFileNumber] as? UInt == inode && FileManager.default.contents(atPath: current) == original
        }
        if atomically {
          try? editor.write(toFile: path, atomically: true, encoding: .utf8)
        } else {
          let handle = FileHandle(forWritingAtPath: path)
          handle?.write(Data(editor.utf8))
          try? handle?.close()
        }
        return true
      }
    }
    #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix(editor))
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("m").path)
    #expect(!leftovers.contains { $0.hasPrefix(".miglint-") })
  }
}

@Suite struct ConfigurationLoaderTests {
  let registry = BuiltinRules.registry

  @Test func readsEveryKey() throws {
    let text = """
      pg-version = 12.4
      select = ["default", "ban-drop-table"]
      ignore = ["compat"]
      fail-on = "error"
      include = ["db/**/*.sql"]
      exclude = ["db/old/**"]
      require-suppression-reason = true
      lock-timeout-set-by-runner = true
      forbid = ["revoke", "alter-system"]

      [severity]
      renaming-column = "info"
      """
    let configuration = try ConfigurationLoader.parse(text, path: "miglint.toml", registry: registry)
    #expect(configuration.pgVersion == PostgresVersion(major: 12, minor: 4))
    #expect(configuration.select == ["default", "ban-drop-table"])
    #expect(configuration.ignore == ["compat"])
    #expect(configuration.failOn == .error)
    #expect(configuration.include == ["db/**/*.sql"] && configuration.exclude == ["db/old/**"])
    #expect(configuration.requireSuppressionReason && configuration.lockTimeoutSetByRunner)
    #expect(configuration.severity == ["rename-column": .info])
    #expect(configuration.forbid == ["revoke", "alter-system"])
    #expect(Set(ConfigurationLoader.keys).count == 11)
  }

  @Test(arguments: [
    ("unknown = 1", "`unknown`"),
    ("select = \"drop-table\"", "`select`"),
    ("ignore = [\"no-such-rule\"]", "no-such-rule"),
    ("pg-version = \"9.5\"", "`pg-version`"),
    ("fail-on = 3", "`fail-on`"),
    ("require-suppression-reason = \"yes\"", "`require-suppression-reason`"),
    ("[severity]\nno-such-rule = \"error\"", "severity.no-such-rule"),
    ("forbid = [\"revokes\"]", "revokes"),
    ("a = [", "invalid TOML"),
    ("[directories.\"db\"]\ntool = \"rails\"", "directories.\"db\".tool"),
    ("[directories.\"db\"]\ntransaction = \"maybe\"", "directories.\"db\".transaction"),
    ("[directories.\"db\"]\ntools = \"goose\"", "directories.\"db\".tools"),
  ])
  func errorsNameTheKey(_ text: String, _ mention: String) {
    do {
      _ = try ConfigurationLoader.parse(text, path: "cfg/miglint.toml", registry: registry)
      Issue.record("accepted: \(text)")
    } catch {
      #expect(error.description.contains("cfg/miglint.toml"), "\(error)")
      #expect(error.description.contains(mention), "\(error)")
    }
  }
}

/// The TOML reader: malformed files (among them ones a C++ TOML library aborted the process on)
/// are errors with a line and column; valid files with brackets in strings and arrays read.
extension ConfigurationLoaderTests {
  @Test(arguments: [
    ("[((directories]", "1:2"), ("[[ (a]]", "1:2"), ("x = 1\n[\n", "2:2"), ("[ \u{2603}]", "1:3"),
    ("a = [1]\n\t[@]", "2:3"), ("a = ,", "1:5"), ("a = ]", "1:5"), ("a = { b = }", "1:11"), ("a = [1,,]", "1:8"),
    ("a = \"x", "1:7"), ("a = 1\na = 2", "2:6"), ("[a]\n[a]", "2:4"), ("a = 1979-05-27", "1:15"),
    ("a = 0x1F", "1:9"), ("a = \"\\q\"", "1:8"), ("a = 01", "1:7"), ("a = 1 b = 2", "1:7"),
    (String(repeating: "a = ", count: 1) + String(repeating: "[", count: 100), "1:"),
  ])
  func malformedTOMLIsAnErrorWithAPosition(_ text: String, _ position: String) {
    do {
      _ = try ConfigurationLoader.parse(text, path: "miglint.toml", registry: registry)
      Issue.record("accepted: \(text)")
    } catch {
      #expect(error.description.hasPrefix("miglint.toml:\(position)"), "\(error)")
      #expect(error.description.contains("invalid TOML"), "\(error)")
    }
  }

  @Test func theTOMLReaderReadsTheSyntaxAConfigurationUses() throws {
    let text = #"""
      # comment
      pg-version = "14"  # trailing comment
      "select" = ['default', "lock", """multi""", \#u{27}\#u{27}\#u{27}lit\#u{27}\#u{27}\#u{27}]
      fail-on = "warning"
      require-suppression-reason = true
      [severity]
      drop-column = "error"
      [directories]
      "db/a" = { tool = "goose", transaction = "none" }
      [directories."db/b"]
      tool = "plain"
      """#
    let table = try TOML.parse(text)
    #expect(table["pg-version"]?.string == "14")
    #expect(table["select"]?.array?.compactMap(\.string) == ["default", "lock", "multi", "lit"])
    #expect(table["fail-on"]?.string == "warning")
    #expect(table["directories"]?.table?["db/a"]?.table?["tool"]?.string == "goose")
    #expect(table["directories"]?.table?["db/b"]?.table?["tool"]?.string == "plain")
    #expect(try TOML.parse("a.b = 1_000\nc = -2.5e3\nd = false\n")["a"]?.table?["b"]?.int == 1000)
    #expect(try TOML.parse("c = -2.5e3")["c"]?.double == -2500)
    #expect(try TOML.parse("s = \"\"\"\nx \\\n   y\"\"\"")["s"]?.string == "x y")
  }

  @Test func bracketsInsideValuesAreNotHeaders() throws {
    let text = """
      include = [
        "db/[(]*.sql",
        '[(x',
        \"\"\"
      [(not a header\"\"\",
      ]
      [directories."db/[("] # a comment [(
      tool = "goose"
      """
    let configuration = try ConfigurationLoader.parse(text, path: "miglint.toml", registry: registry)
    #expect(configuration.include == ["db/[(]*.sql", "[(x", "[(not a header"])
  }
}

/// Globs match segment by segment without backtracking.
extension GlobTests {
  @Test func doubleStarsMatchAnyDepthAndRepeatedOnesCollapse() {
    let deep = (0..<26).map { "d\($0)" }.joined(separator: "/") + "/0001.sql"
    #expect(Glob("**/0001.sql").matches(deep))
    #expect(Glob("d0/**/d25/*.sql").matches(deep))
    #expect(!Glob("d0/**/d26/*.sql").matches(deep))
    // Twelve `**` in a row (a repository's config can say so): one, as fast as one.
    let repeated = Glob(Array(repeating: "**", count: 12).joined(separator: "/") + "/nothing.sql")
    #expect(!repeated.matches(deep))
    #expect(Glob(Array(repeating: "**", count: 12).joined(separator: "/") + "/0001.sql").matches(deep))
    #expect(Glob("db/*.sql").matches("db/a.sql") && !Glob("db/*.sql").matches("db/x/a.sql"))
    #expect(Glob("**").matches("a/b") && Glob("a/**").matches("a"))
  }
}

/// Where an edited deployed file first differs from what was deployed.
@Suite struct FirstChangeTests {
  @Test func aChangePastTheShownPartOfALongLineIsFound() throws {
    let long = "CREATE TABLE t (" + (0..<12).map { "column_\($0) int" }.joined(separator: ", ")
    let old = Array("SELECT 1;\n\(long));\nSELECT 2;\n".utf8)
    let new = Array("SELECT 1;\n\(long), extra int);\nSELECT 2;\n".utf8)
    let change = try #require(Project.firstChange(from: old, to: new))
    #expect(change.line == 2)
    #expect(change.old.hasSuffix("…") && change.new.hasSuffix("…"))
    #expect(Project.firstChange(from: old, to: old) == nil)
  }
}
