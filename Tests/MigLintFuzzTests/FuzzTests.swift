import Foundation
import MigLintCore
import MigLintORM
import MigLintReporters
import MigLintRules
import MigLintSyntax
import MigLintTestSupport
import MigLintWorkspace
import Testing

/// A fixed-seed fuzz run over every reader of repository input: the SQL front end (preprocessor,
/// parser boundary, embedded bodies, suppressions), the rules and reporters, the fixer, the
/// configuration, sum file and replay-cache readers. Inputs are the rule examples and fixtures,
/// mutated: bytes flipped, ranges cut, repeated and spliced, hostile fragments inserted.
///
/// `swift test` runs a short campaign; a long one is
/// `MIGLINT_FUZZ_ITERATIONS=200000 MIGLINT_FUZZ_SEED=$RANDOM swift test --filter Fuzz`
/// (a failure names the seed and iteration, which replays it).
@Suite struct FuzzTests {
  static let iterations = Mutator.iterations
  static let seed = Mutator.seed

  /// Every SQL text miglint ships an example or fixture of.
  static let corpus: [[UInt8]] = {
    var texts = BuiltinRules.registry.descriptions.flatMap { rule in
      (rule.triggering + rule.nonTriggering).flatMap { example in
        [example.stripped.sql] + (example.files + (example.deployed ?? [])).map { RuleExample($0.text).stripped.sql }
      }
    }
    texts += files(under: TestLint.repositoryRoot + "/fixtures") { $0.hasSuffix(".sql") }
    return texts.filter { !$0.isEmpty }.map { Array($0.utf8) }
  }()

  static func files(under root: String, _ matching: (String) -> Bool) -> [String] {
    let paths = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
    return paths.sorted().filter(matching).compactMap { try? String(contentsOfFile: root + "/" + $0, encoding: .utf8) }
  }

  static let everyRule: Configuration = {
    var configuration = Configuration()
    configuration.select = ["all"]
    return configuration
  }()

  /// Lints one file with every rule.
  static func lint(_ source: SourceFile) -> FileResult {
    let linter = Linter(registry: BuiltinRules.registry, configuration: everyRule)
    return FileResult(path: source.path, source: source, diagnostics: linter.lint(source))
  }

  /// Every invariant on one mutated migration; returns what failed.
  static func check(_ bytes: [UInt8]) -> [String] {
    var failures: [String] = []
    guard let source = try? SourceFile(path: "db/001_fuzz.sql", data: bytes) else { return [] }
    let result = lint(source)
    for diagnostic in result.diagnostics {
      let range = diagnostic.range
      if range.start < 0 || range.end > source.bytes.count || range.start > range.end {
        failures.append("\(diagnostic.ruleID): range \(range.start)..<\(range.end) outside \(source.bytes.count) bytes")
      }
      if diagnostic.start.line < 1 || diagnostic.start.line > source.lineStarts.count || diagnostic.start.column < 1
        || diagnostic.end.line < diagnostic.start.line || diagnostic.end.line > source.lineStarts.count
      {
        failures.append("\(diagnostic.ruleID): position \(diagnostic.start)–\(diagnostic.end) outside the file")
      }
      for edit in diagnostic.fixes.flatMap(\.edits) where edit.range.start < 0 || edit.range.end > source.bytes.count {
        failures.append("\(diagnostic.ruleID): fix edits \(edit.range.start)..<\(edit.range.end), outside the file")
      }
    }
    let report = Report(
      toolVersion: "fuzz", results: [result], registry: BuiltinRules.registry, configuration: everyRule,
      exitCode: result.diagnostics.isEmpty ? 0 : 1)
    for format in OutputFormat.allCases {
      let output = format.render(report, color: false)
      switch format {
      case .json, .sarif, .gitlab:
        if (try? JSONSerialization.jsonObject(with: Data(output.utf8))) == nil {
          failures.append("\(format) output is not JSON")
        }
      case .junit:
        if !output.hasPrefix("<?xml") || output.contains("\u{1B}") { failures.append("junit output is not clean XML") }
      case .text, .markdown, .github:
        // Terminal and log formats never carry a raw control character from the input.
        if output.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" || $0.value == 0x7F }) {
          failures.append("\(format) output has a raw control character")
        }
      }
    }
    // Fixing twice is fixing once: the text `--fix --unsafe-fixes` leaves has nothing left to fix.
    let once = Fixer.run(allowing: .unsafe) { replacements in
      [lint((try? SourceFile(path: source.path, data: replacements[source.path] ?? bytes)) ?? source)]
    }
    if let fixed = once.changes.first?.fixed, !once.notes.contains(where: { $0.contains("did not settle") }),
      let again = try? SourceFile(path: source.path, data: fixed)
    {
      let twice = Fixer.run(allowing: .unsafe) { replacements in
        [lint((try? SourceFile(path: source.path, data: replacements[source.path] ?? fixed)) ?? again)]
      }
      if twice.applied != 0 { failures.append("fixing again applied \(twice.applied) more fixes") }
    }
    return failures
  }

  @Test func mutatedMigrationsKeepEveryInvariant() {
    var random = Mutator.Random(state: Self.seed)
    for iteration in 0..<Self.iterations {
      let input = Mutator.mutate(random.pick(Self.corpus), others: Self.corpus, &random)
      let failures = Self.check(input)
      #expect(
        failures.isEmpty,
        "seed \(Self.seed) iteration \(iteration): \(failures)\n\(String(decoding: input.prefix(2000), as: UTF8.self))")
    }
  }

  /// ORM migrations (the fixtures' `.js`/`.ts` files and the fact tables' calls, mutated, with
  /// JavaScript fragments): never a crash, and every part of the SQL maps into the file.
  @Test func mutatedORMMigrationsMapIntoTheirFile() {
    var seeds = Self.files(under: TestLint.repositoryRoot + "/fixtures") { $0.hasSuffix(".js") || $0.hasSuffix(".ts") }
      .map { Array($0.utf8) }
    let fragments = ["`", "${", "}", "/", "//", "/*", "=>", "(", ")", "{", "[", "'", "\\", "await ", "class "]
      .map { Array($0.utf8) }
    seeds += fragments
    var random = Mutator.Random(state: Self.seed)
    for iteration in 0..<Self.iterations {
      let input = Mutator.mutate(random.pick(seeds), others: seeds, &random)
      for orm in ORM.allCases {
        let migration = ORMMigration(input, orm: orm)
        let sql = migration.sql
        let outside = [migration.up, migration.down].compactMap { $0 }.filter { $0.end > sql.count }
        let mapped = stride(from: 0, to: sql.count, by: max(1, sql.count / 50)).map {
          migration.map.original(SourceRange(start: $0, end: min(sql.count, $0 + 3)))
        }
        let outOfFile = mapped.filter { $0.start < 0 || $0.end > input.count }
        #expect(
          outside.isEmpty && outOfFile.isEmpty && !sql.contains(0),
          "seed \(Self.seed) iteration \(iteration) (\(orm)): \(outOfFile.prefix(3))\n\(String(decoding: input.prefix(2000), as: UTF8.self))"
        )
      }
    }
  }

  /// Configuration files: an error or a configuration, never a crash.
  @Test func mutatedConfigurationsAreReadOrRejected() {
    var seeds = Self.files(under: TestLint.repositoryRoot + "/fixtures") { $0.hasSuffix("miglint.toml") }
    seeds += BuiltinRules.registry.descriptions.flatMap {
      ($0.triggering + $0.nonTriggering).compactMap(\.configuration)
    }
    seeds.append("[directories]\n\"db\" = { tool = \"goose\", include = [\"**/*.sql\"], exclude = [\"**/**/old\"] }\n")
    let corpus = seeds.map { Array($0.utf8) }
    var random = Mutator.Random(state: Self.seed)
    var read = 0
    for _ in 0..<Self.iterations {
      let text = String(decoding: Mutator.mutate(random.pick(corpus), others: corpus, &random), as: UTF8.self)
      if (try? ConfigurationLoader.parse(text, path: "miglint.toml", registry: BuiltinRules.registry)) != nil {
        read += 1
      }
    }
    #expect(read > 0)  // the mutations leave some files valid: the reader is exercised past the first error
  }

  /// Sum files: an error or a record that writes back to itself.
  @Test func mutatedSumFilesAreReadOrRejected() throws {
    let corpus = Self.files(under: TestLint.repositoryRoot + "/fixtures") { $0.hasSuffix("miglint.sum") }.map {
      Array($0.utf8)
    }
    try #require(!corpus.isEmpty)
    var random = Mutator.Random(state: Self.seed)
    for iteration in 0..<Self.iterations {
      let bytes = Mutator.mutate(random.pick(corpus), others: corpus, &random)
      guard let record = try? DeployRecord.parse(bytes, path: "miglint.sum") else { continue }
      let written = record.render()
      let reread = try? DeployRecord.parse(Array(written.utf8), path: "miglint.sum")
      #expect(reread?.render() == written, "seed \(Self.seed) iteration \(iteration)")
    }
  }

  /// Replay-cache payloads past the checksum: an error or a model that encodes back the same.
  @Test func mutatedModelSnapshotsAreReadOrRejected() throws {
    var corpus: [[UInt8]] = []
    for sql in Self.corpus.prefix(200) {
      guard let source = try? SourceFile(path: "m.sql", data: sql) else { continue }
      var catalog = Catalog()
      for statement in Parser.parse(source).statements { catalog.apply(statement) }
      var writer = ByteWriter()
      catalog.snapshot(into: &writer)
      corpus.append(writer.bytes)
    }
    var random = Mutator.Random(state: Self.seed)
    for iteration in 0..<Self.iterations {
      var reader = ByteReader(Mutator.mutate(random.pick(corpus), others: corpus, &random))
      guard let catalog = try? Catalog(snapshot: &reader) else { continue }
      var writer = ByteWriter()
      catalog.snapshot(into: &writer)
      var again = ByteReader(writer.bytes)
      let copy = try? Catalog(snapshot: &again)
      var rewritten = ByteWriter()
      copy?.snapshot(into: &rewritten)
      #expect(rewritten.bytes == writer.bytes, "seed \(Self.seed) iteration \(iteration)")
    }
  }
}
