import Foundation
import MigLintCore
import MigLintRules
import MigLintSyntax
import MigLintTestSupport
import Testing

@testable import MigLintReporters

@Suite struct ReporterTests {
  /// Strings are scanned eight bytes at a time: every character that needs an escape, at every
  /// place in and around a word, reads back as itself.
  @Test func everyEscapeAtEveryPlaceReadsBack() throws {
    for special in ["\"", "\\", "\n", "\r", "\t", "\u{1F}", "\u{7F}", "\u{0}", "é", "\u{2028}", "\u{2029}", "😀", "/"] {
      for place in 0..<20 {
        let text = String(repeating: "a", count: place) + special + String(repeating: "b", count: 19 - place)
        let rendered = JSONValue.array([.string(text)]).rendered(indent: 0)
        let read = try JSONSerialization.jsonObject(with: Data(rendered.utf8)) as? [String]
        #expect(read == [text], "\(special.debugDescription) at \(place)")
        #expect(!rendered.utf8.contains { $0 < 0x20 }, "\(special.debugDescription) at \(place)")
      }
    }
  }

  /// Member names are copied a word or two at a time, by length: each length reads back whole,
  /// pretty and on one line.
  @Test(arguments: [0, 2]) func memberNamesOfEveryLengthReadBack(indent: Int) throws {
    let names: [StaticString] = [
      "", "a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh", "abcdefghi",
      "abcdefghij", "abcdefghijk", "abcdefghijkl", "abcdefghijklm", "abcdefghijklmn", "abcdefghijklmno",
      "abcdefghijklmnop", "abcdefghijklmnopq", "abcdefghijklmnopqrstuvwxyz", "é",
    ]
    var out = JSONStream(indent: indent)
    out.openObject()
    for (index, name) in names.enumerated() { out.member(name, index) }
    out.closeObject()
    let read = try JSONSerialization.jsonObject(with: Data(out.buffer.bytes)) as? [String: Int]
    let expected = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1.description, $0) })
    #expect(read == expected)
  }

  /// Numbers of every length are written as Swift writes them, short ones and long, negative too.
  @Test func numbersAreWrittenAsTheirDigits() {
    let values = Array(-120...1_200) + [9_999, 10_000, 123_456_789, Int.max, Int.min + 1]
    var out = JSONStream(indent: 0)
    out.openArray()
    for value in values {
      out.element()
      out.int(value)
    }
    out.closeArray()
    #expect(
      String(decoding: out.buffer.bytes, as: UTF8.self) == "[" + values.map(String.init).joined(separator: ",") + "]")
  }

  /// Runs recorded once and written again give the bytes the calls give, for the first element
  /// and the next, pretty and on one line, and leave the stream where the calls leave it.
  @Test(arguments: [0, 2]) func recordedRunsWriteWhatTheirCallsWrite(indent: Int) throws {
    func opening(_ out: inout JSONStream) {
      out.openObject()
      out.key("a")
    }
    func middle(_ out: inout JSONStream) {
      out.key("b")
      out.openArray()
      out.element()
      out.openObject()
      out.key("c")
    }
    func closing(_ out: inout JSONStream) {
      out.closeObject()
      out.closeArray()
      out.closeObject()
    }
    func start(_ out: inout JSONStream) {
      out.openObject()
      out.key("list")
      out.openArray()
    }
    var direct = JSONStream(indent: indent)
    var replayed = JSONStream(indent: indent)
    start(&direct)
    start(&replayed)
    var recorder = JSONStream(elementsAt: replayed.place, capacity: 64)
    recorder.element()
    _ = recorder.record { _ in }
    let runs = [recorder.record(opening), recorder.record(middle), recorder.record(closing)]
    for value in 1...3 {
      direct.element()
      opening(&direct)
      direct.int(value)
      middle(&direct)
      direct.string("x\(value)")
      closing(&direct)
      replayed.element()
      replayed.write(runs[0])
      replayed.int(value)
      replayed.write(runs[1])
      replayed.string("x\(value)")
      replayed.write(runs[2])
    }
    direct.closeArray()
    direct.closeObject()
    replayed.closeArray()
    replayed.closeObject()
    #expect(
      String(decoding: replayed.buffer.bytes, as: UTF8.self) == String(decoding: direct.buffer.bytes, as: UTF8.self))
    let read = try JSONSerialization.jsonObject(with: Data(replayed.buffer.bytes)) as? [String: [[String: Any]]]
    #expect(read?["list"]?.count == 3)
  }

  /// A result's fixes as SARIF has them: each fix's edits in order, and a fix without edits
  /// with an empty list.
  @Test func sarifFixesListTheirEditsAndAnEmptyOneStaysEmpty() throws {
    var report = try report("DROP TABLE a;\nDROP TABLE b;\n")
    report.results[0].diagnostics[0].fixes = [
      Fix(
        title: "Two", safety: .safe,
        edits: [
          Edit(range: SourceRange(start: 0, end: 0), replacement: "x"),
          Edit(range: SourceRange(start: 1, end: 3), replacement: "y\n"),
        ]),
      Fix(title: "None", safety: .unsafe, edits: []),
    ]
    let sarif = SARIFReporter().render(report)
    #expect(sarif.contains("\"replacements\": []"))
    let document = try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any]
    let results = try #require((document?["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])
    let fixes = try #require(results.first?["fixes"] as? [[String: Any]])
    let described = fixes.map { ($0["description"] as? [String: Any])?["text"] as? String }
    #expect(described == ["Two (safe)", "None (unsafe)"])
    let edits = fixes.map { fix in
      let change = (fix["artifactChanges"] as? [[String: Any]])?.first
      return (change?["replacements"] as? [[String: Any]] ?? []).map { edit in
        let region = edit["deletedRegion"] as? [String: Int]
        let text = (edit["insertedContent"] as? [String: String])?["text"] ?? ""
        return "\(region?["byteOffset"] ?? -1)+\(region?["byteLength"] ?? -1):\(text)"
      }
    }
    #expect(edits == [["0+0:x", "1+2:y\n"], []])
  }

  func report(_ sql: String, path: String = "db/001 init.sql") throws -> Report {
    let source = try SourceFile(path: path, text: sql)
    let diagnostics = TestLint.lint(sql, path: path)
    return Report(
      toolVersion: "test", results: [FileResult(path: path, source: source, diagnostics: diagnostics)],
      registry: BuiltinRules.registry, configuration: Configuration(), exitCode: 1)
  }

  /// Carets sit under the flagged text as a terminal draws the line: CJK and emoji are two
  /// columns wide.
  @Test func caretsAlignByDisplayWidth() throws {
    let sql = "UPDATE users SET name = '日本語😀' WHERE id = 1; DROP TABLE x;\n"
    let text = TextReporter(color: false).render(try report(sql))
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let header = try #require(lines.firstIndex { $0.contains("[drop-table]") })
    let caret = lines[header + 3]
    let shown = String(lines[header + 2].dropFirst(4))
    let prefix = String(shown[..<(try #require(shown.range(of: "DROP"))).lowerBound])
    #expect(TextReporter.displayWidth(prefix) == prefix.count + 4)  // three CJK characters and an emoji
    #expect(caret.dropFirst(4).prefix { $0 == " " }.count == TextReporter.displayWidth(prefix))
    #expect(TextReporter.displayWidth("e\u{301}") == 1 && TextReporter.displayWidth("a\u{200B}b") == 2)
  }

  /// Findings on one line share its code frame: it is printed under the first only.
  @Test func aLineIsFramedOnce() throws {
    let text = TextReporter(color: false).render(try report("CREATE INDEX i ON users (email);\n"))
    #expect(text.components(separatedBy: "1 | CREATE INDEX").count == 2)
    #expect(text.components(separatedBy: "= help:").count == 3)
  }

  @Test func jsonEscapesControlCharactersAndQuotes() {
    let value = JSONValue.object([("k\"", .string("a\u{1B}b\n\t\\ é \u{2028}"))])
    #expect(value.rendered(indent: 0) == #"{"k\"":"a\u001bb\n\t\\ é \u2028"}"#)
    // Escapes at both ends of a string, a lone U+2029, DEL, and numbers of every size.
    let edges = JSONValue.array([
      .string("\u{2029}x\u{7F}"), .string("\""), .int(0), .int(-42), .int(Int.min), .int(Int.max), .string(""),
    ])
    #expect(
      edges.rendered(indent: 0)
        == #"["\u2029x\u007f","\"",0,-42,-9223372036854775808,9223372036854775807,""]"#)
  }

  @Test func textEscapesControlCharactersFromTheInput() throws {
    let text = TextReporter(color: false).render(try report("DROP TABLE \"a\u{1B}[2Jb\";\n"))
    #expect(!text.contains("\u{1B}"))
    #expect(text.contains("a\\u{1b}[2Jb"))
  }

  @Test func textUnderlinesTheRangeUnderMultibyteText() throws {
    let text = TextReporter(color: false).render(try report("SELECT 'ü'; DROP TABLE t;\n"))
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let source = try #require(lines.firstIndex { $0.hasPrefix("1 | SELECT") })
    let caret = lines[source + 1]
    // The caret sits under the D of DROP, counted in characters.
    let column = try #require(lines[source].firstIndex(of: "D")).utf16Offset(in: lines[source])
    #expect(caret.firstIndex(of: "^")?.utf16Offset(in: caret) == column)
  }

  /// A SARIF fingerprint is FNV-1a of rule, path, the flagged text with its whitespace
  /// collapsed by Character, and the occurrence, NUL between them; here made the slow way, from
  /// the definition, for text that takes each way through the writer's fast path.
  @Test(arguments: [
    "DROP   TABLE\n\t a;\nDROP TABLE a;\n", "DROP\r\nTABLE a;\r\n", "DROP TABLE \"ünïcödé\";\n",
    "DROP TABLE \"a \u{301}b\";\n", "CREATE INDEX i ON t\r(c);\n  DROP\r\n\r\n TABLE\tz  ;",
    // Long names, whitespace at each place of a word.
    "DROP TABLE very_long_table_name_of_forty_bytes_or_so;\n",
    "DROP TABLE a_b_c_d_e_f_g_h;\nDROP TABLE abcdefgh  \t ijklmnop\r\n.q;\nDROP TABLE a\n.bcdefghijklmnopq_rs;\n",
    "DROP TABLE \"abcdefg é hijklmnopqrs\";\nDROP TABLE \"abcdefgh\r\nijklmnop\";\n",
    "DROP TABLE \"abcdefghijk\rlmnopqrstu\";\n",
    // Keys that come again and again: each occurrence counted.
    String(repeating: "DROP TABLE a;\nDROP TABLE b;\nDROP  TABLE a;\n", count: 20),
  ])
  func sarifFingerprintsFollowTheirDefinition(sql: String) throws {
    let report = try report(sql)
    let result = try #require(report.results.first)
    let source = try #require(result.source)
    #expect(!result.diagnostics.isEmpty)
    var seen: [String: Int] = [:]
    let expected = result.diagnostics.map { diagnostic in
      let flagged = String(decoding: source.bytes[diagnostic.range.start..<diagnostic.range.end], as: UTF8.self)
      let collapsed = flagged.split(whereSeparator: { " \n\t\r".contains($0) }).joined(separator: " ")
      let triple = diagnostic.ruleID + "\0" + diagnostic.path + "\0" + collapsed
      let occurrence = seen[triple, default: 0]
      seen[triple] = occurrence + 1
      var hash: UInt64 = 0xcbf2_9ce4_8422_2325
      for byte in (triple + "\0" + String(occurrence)).utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
      return String(hash, radix: 16).leftPadding(to: 16)
    }
    let written = SARIFReporter().render(report).split(separator: "\n").filter { $0.contains("miglintFingerprint/v1") }
      .map { $0.split(separator: "\"").last.map(String.init) ?? "" }
    #expect(written == expected)
  }

  /// Results render on several threads, a file's in pieces of at most 1,024: every finding of
  /// every file is there once, in order, whatever the number of threads.
  @Test(arguments: [1, 3]) func sarifResultsOfManyFilesAndBigOnesKeepTheirOrder(jobs: Int) throws {
    let files = [
      ("a.sql", "SELECT 1;\n"), ("b.sql", (1...1_500).map { "DROP TABLE t\($0);" }.joined(separator: "\n")),
      ("c.sql", "SELECT 1;\n"), ("d.sql", "DROP TABLE x;\nDROP TABLE x;\n"),
    ]
    let results = try files.map { path, sql in
      FileResult(path: path, source: try SourceFile(path: path, text: sql), diagnostics: TestLint.lint(sql, path: path))
    }
    let report = Report(
      toolVersion: "test", results: results, registry: BuiltinRules.registry, configuration: Configuration(),
      exitCode: 1)
    let sarif = SARIFReporter(jobs: jobs).render(report)
    let document = try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any]
    let run = try #require((document?["runs"] as? [[String: Any]])?.first)
    let written = try #require(run["results"] as? [[String: Any]])
    let located = written.map { result -> String in
      let location = (result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]
      let uri = (location?["artifactLocation"] as? [String: Any])?["uri"] as? String ?? ""
      let line = (location?["region"] as? [String: Any])?["startLine"] as? Int ?? 0
      return "\(uri):\(line):\(result["ruleId"] as? String ?? "")"
    }
    let expected = results.flatMap { result in result.diagnostics.map { "\($0.path):\($0.start.line):\($0.ruleID)" } }
    #expect(expected.count > 1_500)
    // Where they first differ (the lists are thousands long).
    #expect(located.count == expected.count)
    let difference = zip(located, expected).enumerated().first { $0.element.0 != $0.element.1 }
    #expect(difference == nil, "result \(difference?.offset ?? 0): \(String(describing: difference?.element))")
    #expect(sarif == SARIFReporter(jobs: 1).render(report))
  }

  @Test func sarifUsesURIsAndStableFingerprints() throws {
    let first = SARIFReporter().render(try report("DROP TABLE a;\nDROP TABLE a;\n"))
    #expect(first.contains("\"uri\": \"db/001%20init.sql\""))
    // The same statement moved down keeps its fingerprint; two identical ones differ.
    let moved = SARIFReporter().render(try report("\n\nDROP TABLE a;\nDROP TABLE a;\n"))
    func fingerprints(_ text: String) -> [String] {
      text.split(separator: "\n").filter { $0.contains("miglintFingerprint/v1") }.map(String.init)
    }
    #expect(fingerprints(first) == fingerprints(moved))
    #expect(Set(fingerprints(first)).count == fingerprints(first).count)
  }
}

/// Each CI format as its consumer reads it.
@Suite struct CIFormatTests {
  /// Findings of every severity, with text that needs escaping in each format: `%`, a control
  /// character, `|`, `<`, `&`, quotes, a comma and a colon in the path.
  let sql =
    "\\set x 1\nCREATE INDEX i ON t (id);\nALTER TABLE t ADD COLUMN \"a|b<c>&'\" int NOT NULL;\nDROP TABLE \"x%y\u{1}z]]>\";\n"
  let path = "db/1,a:b.sql"

  func report(_ sql: String? = nil) throws -> Report {
    let text = sql ?? self.sql
    let source = try SourceFile(path: path, text: text)
    return Report(
      toolVersion: "test",
      results: [FileResult(path: path, source: source, diagnostics: TestLint.lint(text, path: path))],
      registry: BuiltinRules.registry, configuration: Configuration(), exitCode: 1)
  }

  @Test func githubWritesOneWorkflowCommandPerFinding() throws {
    let report = try report()
    let lines = GitHubReporter().render(report).split(separator: "\n").map(String.init)
    #expect(lines.count == report.diagnostics.count)
    let command =
      /^::(error|warning|notice) file=([^,:]*),line=(\d+),col=(\d+),endLine=(\d+),endColumn=(\d+),title=([a-z-]+)::([^\r\n]*)$/
    for (line, diagnostic) in zip(lines, report.diagnostics) {
      let match = try #require(line.wholeMatch(of: command), "\(line)")
      #expect(match.1 == ["error": "error", "warning": "warning", "info": "notice"][diagnostic.severity.rawValue])
      #expect(match.2 == "db/1%2Ca%3Ab.sql")
      #expect(Int(match.3) == diagnostic.start.line && Int(match.4) == diagnostic.start.column)
      #expect(Int(match.5) == diagnostic.end.line && Int(match.6) == diagnostic.end.column)
      #expect(match.7 == diagnostic.ruleID)
      // The help follows on a second line of the annotation.
      #expect(match.8.hasSuffix("%0A" + (diagnostic.help ?? "")))
    }
    #expect(Set(lines.map { $0.prefix(while: { $0 != " " }) }) == ["::error", "::warning", "::notice"])
    #expect(lines.contains { $0.contains("x%25y\\u{1}z") })
  }

  @Test func gitlabHasTheCodeQualityFields() throws {
    let report = try report()
    let data = Data(GitLabReporter().render(report).utf8)
    let issues = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    #expect(issues.count == report.diagnostics.count)
    for (issue, diagnostic) in zip(issues, report.diagnostics) {
      #expect((issue["description"] as? String)?.hasPrefix(diagnostic.message) == true)
      #expect(issue["check_name"] as? String == diagnostic.ruleID)
      #expect(["info", "minor", "major", "critical", "blocker"].contains(issue["severity"] as? String ?? ""))
      let location = try #require(issue["location"] as? [String: Any])
      #expect(location["path"] as? String == path)
      #expect((location["lines"] as? [String: Any])?["begin"] as? Int == diagnostic.start.line)
    }
    // Unique per finding, and stable when the statements move down.
    let fingerprints = issues.compactMap { $0["fingerprint"] as? String }
    #expect(Set(fingerprints).count == issues.count)
    let moved = try JSONSerialization.jsonObject(
      with: Data(GitLabReporter().render(try self.report("\n\n" + sql)).utf8))
    #expect((moved as? [[String: Any]])?.compactMap { $0["fingerprint"] as? String } == fingerprints)
  }

  @Test(.enabled(if: Python.unavailableReason("xml.etree.ElementTree") == nil))
  func junitParsesAsXMLWithATestCasePerFailingFinding() throws {
    var report = try report()
    report.results.append(FileResult(path: "db/<bad>\u{1}.sql", source: nil, diagnostics: [], inputError: "NUL byte"))
    let xml = JUnitReporter().render(report)
    let script = """
      import sys, xml.etree.ElementTree as ET
      root = ET.fromstring(sys.stdin.read())
      suite = root.find("testsuite")
      cases = suite.findall("testcase")
      assert all(len(c.findall("failure")) + len(c.findall("error")) <= 1 for c in cases)
      print(len(cases), suite.get("tests"), len(root.findall(".//failure")), suite.get("failures"), len(root.findall(".//error")))
      """
    let result = try Python.run(script, stdin: xml)
    #expect(result.status == 0, "\(result.stderr)")
    let failing = report.diagnostics.filter { Configuration().failOn.fails($0.severity) }.count
    // A case per failing finding plus one per file (two files); failures never exceed tests.
    let cases = failing + 2
    #expect(result.stdout == "\(cases) \(cases) \(failing) \(failing) 1\n")
    // Findings below fail-on are listed, not failed.
    #expect(xml.contains("<system-out>"))
  }

  /// Read by a JUnit consumer from PyPI (`junitparser`, as CI report tools use): its totals
  /// match the file's.
  @Test(.enabled(if: Python.unavailableReason("junitparser") == nil))
  func junitReadsConsistentlyInAJUnitConsumer() throws {
    let xml = JUnitReporter().render(try report())
    let script = """
      import sys, junitparser
      xml = junitparser.JUnitXml.fromstring(sys.stdin.read())
      for suite in xml:
          cases = list(suite)
          failed = sum(1 for case in cases if not case.is_passed)
          print(suite.tests, len(cases), suite.failures, failed)
      """
    let result = try Python.run(script, stdin: xml)
    #expect(result.status == 0, "\(result.stderr)")
    let numbers = result.stdout.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
    #expect(numbers.count == 4 && numbers[0] == numbers[1] && numbers[2] == numbers[3] && numbers[2] <= numbers[0])
  }

  @Test func markdownSummarisesWithLinksAndEscapedCells() throws {
    let report = try report()
    let links = SourceLinks.fromEnvironment {
      ["GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "o/r", "GITHUB_SHA": "abc"][$0]
    }
    let text = MarkdownReporter(links: links).render(report)
    let rows = text.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| Severity") }
    #expect(rows.count == report.diagnostics.count)
    // Errors first; each row has its five cells (escaped pipes do not split).
    #expect(rows.first?.hasPrefix("| 🔴 error") == true)
    for row in rows { #expect(row.replacing("\\|", with: "").filter { $0 == "|" }.count == 6, "\(row)") }
    #expect(text.contains("(https://github.com/o/r/blob/abc/db/1%2Ca%3Ab.sql#L2)"))
    #expect(text.contains("SHARE on `t`"))
    #expect(text.contains("a\\|b&lt;c&gt;&amp;"))
    let clean = MarkdownReporter().render(try self.report("SELECT 1;\n"))
    #expect(clean == "### miglint\n\nNo problems found (1 file checked).\n")
  }
}

/// The official OASIS schema (`../shared/schemas`, or `$MIGLINT_SARIF_SCHEMA`).
enum SARIFSchema {
  static let path =
    ProcessInfo.processInfo.environment["MIGLINT_SARIF_SCHEMA"]
    ?? TestLint.repositoryRoot + "/../shared/schemas/sarif-schema-2.1.0.json"

  static let unavailableReason: String? =
    FileManager.default.fileExists(atPath: path) ? Python.unavailableReason("jsonschema") : "no SARIF schema at \(path)"
}

/// SARIF output against the schema.
@Suite(.enabled(if: SARIFSchema.unavailableReason == nil, "\(SARIFSchema.unavailableReason ?? "")"))
struct SARIFSchemaTests {
  @Test func reportsWithFixesAndUnreadableFilesAndEveryGoldenValidate() throws {
    let sql = "CREATE INDEX i ON t (c);\nALTER TABLE t ADD COLUMN d timestamp;\nDROP TABLE \"a\u{1}\";\n"
    let source = try SourceFile(path: "db/1 a.sql", text: sql)
    let report = Report(
      toolVersion: "test",
      results: [
        FileResult(path: "db/1 a.sql", source: source, diagnostics: TestLint.lint(sql, path: "db/1 a.sql")),
        FileResult(path: "/abs/2.sql", source: nil, diagnostics: [], inputError: "NUL byte"),
      ],
      registry: BuiltinRules.registry, configuration: Configuration(), exitCode: 2)
    let rendered = SARIFReporter().render(report)
    #expect(rendered.contains("\"fixes\""))
    let directory = try TestLint.temporaryDirectory()
    try rendered.write(toFile: directory + "/report.sarif", atomically: true, encoding: .utf8)
    let fixtures = TestLint.repositoryRoot + "/fixtures"
    let goldens = try FileManager.default.contentsOfDirectory(atPath: fixtures).sorted().map {
      fixtures + "/" + $0 + "/expected.sarif"
    }
    let script = """
      import json, sys, jsonschema
      schema = json.load(open(sys.argv[1]))
      for path in sys.argv[2:]:
          jsonschema.validate(json.load(open(path)), schema)
      print(len(sys.argv) - 2)
      """
    let result = try Python.run(script, [SARIFSchema.path, directory + "/report.sarif"] + goldens)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == "\(goldens.count + 1)\n")
  }
}

extension String {
  /// Zeros in front up to `length` characters.
  fileprivate func leftPadding(to length: Int) -> String {
    String(repeating: "0", count: max(0, length - count)) + self
  }
}
