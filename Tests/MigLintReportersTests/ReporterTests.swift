import MigLintCore
import MigLintReporters
import MigLintRules
import MigLintSyntax
import MigLintTestSupport
import Testing

@Suite struct ReporterTests {
  func report(_ sql: String, path: String = "db/001 init.sql") throws -> Report {
    let source = try SourceFile(path: path, text: sql)
    let diagnostics = TestLint.lint(sql, path: path)
    return Report(
      toolVersion: "test", results: [FileResult(path: path, source: source, diagnostics: diagnostics)],
      registry: BuiltinRules.registry, configuration: Configuration(), exitCode: 1)
  }

  @Test func jsonEscapesControlCharactersAndQuotes() {
    let value = JSONValue.object([("k\"", .string("a\u{1B}b\n\t\\ é \u{2028}"))])
    #expect(value.rendered(indent: 0) == #"{"k\"":"a\u001bb\n\t\\ é \u2028"}"#)
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
