import MigLintCore
import MigLintRules
import MigLintSyntax
import MigLintTestSupport
import Testing

/// Runs every rule's examples (CONTRIBUTING.md, "Adding a rule") and the checks every rule must pass.
@Suite struct RuleExampleTests {
  static let rules = BuiltinRules.registry.descriptions

  /// Where `example` is written: the line of its rule's file that holds its first line of SQL
  /// (the description's first line when the text is not found as written).
  static func location(_ text: String, _ rule: RuleDescription) -> SourceLocation {
    let lines = (try? readText(rule.sourcePath))?.split(separator: "\n", omittingEmptySubsequences: false) ?? []
    let first = text.split(separator: "\n").first.map(String.init) ?? text
    let line = lines.indices.first { $0 >= rule.sourceLine - 1 && lines[$0].contains(first) }.map { $0 + 1 }
    let file = rule.sourcePath.split(separator: "/").suffix(3).joined(separator: "/")
    return SourceLocation(fileID: file, filePath: rule.sourcePath, line: line ?? rule.sourceLine, column: 1)
  }

  /// Lints with the default rules plus the rule under test; returns that rule's findings.
  static func findings(_ rule: RuleDescription, _ sql: String, _ example: RuleExample) -> [Diagnostic] {
    all(rule, sql, example).filter { $0.ruleID == rule.id }
  }

  static func all(_ rule: RuleDescription, _ sql: String, _ example: RuleExample) -> [Diagnostic] {
    TestLint.lint(example, sql: sql, select: ["default", rule.id])
  }

  /// Rules whose examples are migrations directories (history rules, file-name notes).
  static let directoryRules = rules.filter { $0.triggering.contains { !$0.files.isEmpty } }
  /// Rules with SQL examples; their directory examples run in `directoryExamplesFireAtTheirMarkers`.
  static let sqlRules = rules.filter { $0.triggering.contains { $0.files.isEmpty } }

  @Test(arguments: directoryRules)
  func directoryExamplesFireAtTheirMarkers(_ rule: RuleDescription) throws {
    for example in rule.triggering where !example.files.isEmpty {
      var markers: [String] = []
      for file in example.files {
        for offset in RuleExample(file.text).stripped.markers { markers.append("\(file.path)@\(offset)") }
      }
      let found = try TestLint.lintDirectory(example, select: ["default", rule.id]).filter {
        $0.diagnostic.ruleID == rule.id
      }
      if markers.isEmpty {
        // Findings about files that are gone point into miglint.sum.
        #expect(!found.isEmpty, "\(rule.id) did not fire on \(example.files.map(\.path))")
      } else {
        #expect(
          found.map { "\($0.file)@\($0.diagnostic.range.start)" }.sorted() == markers.sorted(),
          "\(rule.id) on \(example.files.map(\.path)): \(found.map { ($0.file, $0.diagnostic.message) })")
      }
    }
  }

  /// Every rule's non-triggering directory examples (also those of rules whose triggering
  /// examples are SQL).
  @Test(arguments: rules.filter { $0.nonTriggering.contains { !$0.files.isEmpty } })
  func directoryNonTriggeringExamplesStayQuiet(_ rule: RuleDescription) throws {
    for example in rule.nonTriggering where !example.files.isEmpty {
      let found = try TestLint.lintDirectory(example, select: ["default", rule.id]).filter {
        $0.diagnostic.ruleID == rule.id
      }
      #expect(found.isEmpty, "\(rule.id) fired on \(example.files.map(\.path)): \(found.map(\.diagnostic.message))")
    }
  }

  @Test(arguments: sqlRules)
  func triggeringExamplesFireAtTheirMarkers(_ rule: RuleDescription) {
    #expect(!rule.triggering.isEmpty, "\(rule.id) has no triggering example")
    for example in rule.triggering where example.files.isEmpty {
      let (sql, markers) = example.stripped
      let at = Self.location(example.sql, rule)
      #expect(!markers.isEmpty, "\(rule.id): triggering example without ▶ marker:\n\(example.sql)", sourceLocation: at)
      let starts = Self.findings(rule, sql, example).map(\.range.start)
      #expect(starts.sorted() == markers.sorted(), "\(rule.id) on:\n\(example.sql)", sourceLocation: at)
    }
  }

  @Test(arguments: sqlRules)
  func nonTriggeringExamplesStayQuiet(_ rule: RuleDescription) {
    #expect(!rule.nonTriggering.isEmpty, "\(rule.id) has no non-triggering example")
    for example in rule.nonTriggering where example.files.isEmpty {
      let found = Self.findings(rule, example.stripped.sql, example)
      #expect(
        found.isEmpty, "\(rule.id) fired on:\n\(example.sql)\n\(found.map(\.message))",
        sourceLocation: Self.location(example.sql, rule))
    }
  }

  @Test(arguments: sqlRules)
  func aSuppressionCommentSilencesIt(_ rule: RuleDescription) throws {
    for example in rule.triggering where example.files.isEmpty && !example.skips.contains(.suppression) {
      let (sql, markers) = example.stripped
      let parsed = Parser.parse(try SourceFile(path: "t.sql", text: sql))
      // Put the comment on its own line before each statement (or rejected statement) with a marker.
      let targets = parsed.statements.map(\.range) + parsed.syntaxErrors.map(\.range)
      let starts = Set(markers.compactMap { marker in targets.first { $0.start <= marker && marker <= $0.end }?.start })
      var bytes = Array(sql.utf8)
      for start in starts.sorted(by: >) {
        bytes.insert(contentsOf: Array("-- miglint-ignore \(rule.id) -- reviewed\n".utf8), at: start)
      }
      // Findings outside any statement (psql lines, placeholders) take a file-level suppression.
      if starts.count < markers.count {
        bytes.insert(contentsOf: Array("-- miglint-ignore-file \(rule.id) -- reviewed\n".utf8), at: 0)
      }
      let suppressed = String(decoding: bytes, as: UTF8.self)
      let all = Self.all(rule, suppressed, example)
      let at = Self.location(example.sql, rule)
      #expect(!all.contains { $0.ruleID == rule.id }, "\(rule.id) not silenced in:\n\(suppressed)", sourceLocation: at)
      #expect(
        !all.contains { $0.ruleID == "unused-suppression" }, "suppression unused in:\n\(suppressed)", sourceLocation: at
      )
    }
  }

  @Test(arguments: sqlRules)
  func theSameSQLInACommentOrStringDoesNotFire(_ rule: RuleDescription) {
    for example in rule.triggering where example.files.isEmpty {
      let sql = example.stripped.sql
      let at = Self.location(example.sql, rule)
      if !example.skips.contains(.inComment) {
        let commented = "/*\n\(sql.replacing("*/", with: "* /"))\n*/\nSELECT 1;\n"
        #expect(Self.findings(rule, commented, example).isEmpty, "\(rule.id) in a comment", sourceLocation: at)
      }
      if !example.skips.contains(.inString) {
        let quoted = "SELECT $quoted$\(sql)$quoted$;\n"
        #expect(Self.findings(rule, quoted, example).isEmpty, "\(rule.id) in a string", sourceLocation: at)
      }
    }
  }

  /// SwiftLint-style corrections: each one's text fixes to exactly the text it gives, and a rule
  /// with a fix shows at least one.
  @Test(arguments: rules)
  func correctionsGiveTheirExactText(_ rule: RuleDescription) {
    #expect(rule.fixSafety == nil || !rule.corrections.isEmpty, "\(rule.id) has a fix but no correction")
    #expect(rule.fixSafety != nil || rule.corrections.isEmpty, "\(rule.id) has corrections but no fix")
    for correction in rule.corrections {
      let at = Self.location(correction.before, rule)
      let example = RuleExample(correction.before)
      #expect(!Self.findings(rule, correction.before, example).isEmpty, "\(rule.id) does not fire", sourceLocation: at)
      let fixed = TestLint.fixed(example, sql: correction.before, rule: rule)
      #expect(fixed == correction.after, "\(rule.id) fixes to:\n\(fixed)", sourceLocation: at)
    }
  }

  @Test(arguments: sqlRules)
  func positionsSurviveAMultibytePrefix(_ rule: RuleDescription) {
    let prefix = "-- Überprüfung 🚀 データ\n"
    for example in rule.triggering where example.files.isEmpty {
      let (sql, markers) = example.stripped
      let found = Self.findings(rule, prefix + sql, example)
      #expect(found.map(\.range.start).sorted() == markers.map { $0 + prefix.utf8.count }.sorted(), "\(rule.id)")
      for diagnostic in found {
        // The line after the prefix, and a column counted in characters, not bytes.
        let before = sql.utf8.prefix(diagnostic.range.start - prefix.utf8.count)
        let lastLine =
          String(decoding: before, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).last ?? ""
        #expect(diagnostic.start.line == String(decoding: before, as: UTF8.self).filter { $0 == "\n" }.count + 2)
        #expect(diagnostic.start.column == lastLine.unicodeScalars.count + 1)
      }
    }
  }

  @Test(arguments: sqlRules.filter { $0.fixSafety != nil })
  func fixesApplyParseAndRemoveTheFinding(_ rule: RuleDescription) throws {
    var applied = 0
    for example in rule.triggering where example.files.isEmpty {
      let sql = example.stripped.sql
      let before = Self.findings(rule, sql, example)
      for diagnostic in before {
        for fix in diagnostic.fixes {
          #expect(fix.safety == rule.fixSafety, "\(rule.id): fix safety differs from the description")
          var bytes = Array(sql.utf8)
          for edit in fix.edits.sorted(by: { $0.range.start > $1.range.start }) {
            bytes.replaceSubrange(edit.range.start..<edit.range.end, with: Array(edit.replacement.utf8))
          }
          let fixed = String(decoding: bytes, as: UTF8.self)
          let parsed = Parser.parse(try SourceFile(path: "t.sql", text: fixed))
          #expect(parsed.syntaxErrors.isEmpty, "\(rule.id): fixed SQL does not parse:\n\(fixed)")
          let after = Self.findings(rule, fixed, example)
          #expect(after.count < before.count, "\(rule.id): finding remains after fix:\n\(fixed)")
          applied += 1
        }
      }
    }
    #expect(applied > 0, "\(rule.id) declares a fix but no triggering example produces one")
  }
}

extension RuleDescription: CustomTestStringConvertible {
  public var testDescription: String { id }
}
