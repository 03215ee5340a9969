import MigLintCore
import MigLintSyntax
import MigLintTestSupport
import Testing

@testable import MigLintWorkspace

@Suite struct FixerTests {
  func edit(_ start: Int, _ end: Int) -> Edit { Edit(range: SourceRange(start: start, end: end), replacement: "x") }

  @Test func editsConflictWhenTheirOrderWouldMatter() {
    #expect(Fixer.conflict(edit(0, 5), edit(3, 8)))
    #expect(!Fixer.conflict(edit(0, 5), edit(5, 8)))  // replacements that only touch
    #expect(Fixer.conflict(edit(5, 5), edit(5, 5)))  // two insertions at one place
    #expect(Fixer.conflict(edit(5, 5), edit(5, 8)))  // an insertion at an end of a replacement
    #expect(Fixer.conflict(edit(8, 8), edit(5, 8)))
    #expect(!Fixer.conflict(edit(4, 4), edit(5, 8)))
  }

  /// Fixes one file `m.sql` holding `bytes`, linted with the built-in rules.
  func fix(bytes: [UInt8], allowing safety: FixSafety) throws -> Fixer.Outcome {
    try Fixer.run(allowing: safety) { (replacements: [String: [UInt8]]) throws(InputError) -> [FileResult] in
      let source = try SourceFile(path: "m.sql", data: replacements["m.sql"] ?? bytes)
      return [FileResult(path: "m.sql", source: source, diagnostics: TestLint.lint(source.text, path: "m.sql"))]
    }
  }

  func fix(_ sql: String, allowing safety: FixSafety = .unsafe) throws -> (text: String, outcome: Fixer.Outcome) {
    let outcome = try fix(bytes: Array(sql.utf8), allowing: safety)
    let text = outcome.changes.first.map { String(decoding: $0.fixed, as: UTF8.self) } ?? sql
    return (text, outcome)
  }

  @Test func overlappingFixesAreAppliedOneAtATimeUntilNothingChanges() throws {
    // CONCURRENTLY and IF EXISTS both insert after `INDEX`; the timeout goes before the statement.
    let (text, outcome) = try fix("DROP INDEX i;\n")
    #expect(text == "SET lock_timeout = '5s';\nDROP INDEX CONCURRENTLY IF EXISTS i;\n")
    #expect(outcome.applied == 3)
    #expect(outcome.notes.isEmpty)
    // Converged: the fixed text offers nothing more.
    #expect(try fix(text).outcome.changes.isEmpty)
  }

  @Test func safeFixesLeaveUnsafeOnesAlone() throws {
    let (text, _) = try fix("CREATE INDEX i ON t (c);\n", allowing: .safe)
    #expect(text == "SET lock_timeout = '5s';\nCREATE INDEX IF NOT EXISTS i ON t (c);\n")
  }

  @Test func aFileWithASyntaxErrorIsNotTouched() throws {
    let (_, outcome) = try fix("CREATE INDEX i ON t (c);\nSELEC 1;\n")
    #expect(outcome.changes.isEmpty && outcome.applied == 0)
    #expect(outcome.notes == ["m.sql: not fixed: it has a syntax error"])
  }

  @Test func aByteOrderMarkAndCRLFLineEndsAreKept() throws {
    let outcome = try fix(bytes: [0xEF, 0xBB, 0xBF] + Array("DROP TABLE t;\r\n".utf8), allowing: .safe)
    let fixed = "SET lock_timeout = '5s';\r\nDROP TABLE IF EXISTS t;\r\n"
    #expect(outcome.changes.first?.fixed == [0xEF, 0xBB, 0xBF] + Array(fixed.utf8))
  }

  @Test func aFileChangedSinceItWasReadIsNotWritten() throws {
    let directory = try TestLint.makeDirectory(["m.sql": "DROP TABLE t;\n"])
    let path = directory + "/m.sql"
    #expect(throws: WorkspaceError.self) {
      try FileSystem.replace(path, expecting: Array("DROP TABLE u;\n".utf8), with: [])
    }
    #expect(try FileSystem.read(path) == Array("DROP TABLE t;\n".utf8))
    try FileSystem.replace(path, expecting: Array("DROP TABLE t;\n".utf8), with: Array("SELECT 1;\n".utf8))
    #expect(try FileSystem.read(path) == Array("SELECT 1;\n".utf8))
  }
}
