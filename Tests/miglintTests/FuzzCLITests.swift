import Foundation
import MigLintTestSupport
import Testing

/// The whole program on mutated projects: each fixture copied, its migrations (and sometimes its
/// file names, `miglint.toml` and `miglint.sum`) mutated, then linted cold and warm through the
/// replay cache and fixed. Per-input invariants (positions, every format, the readers) are in
/// `MigLintFuzzTests`; here: the exit code, the JSON, warm = cold, and fixing twice = once.
@Suite struct FuzzCLITests {
  static let rounds = max(6, Mutator.iterations / 40)

  @Test func mutatedProjectsExitCleanlyAndTheCacheChangesNothing() throws {
    let root = TestLint.repositoryRoot + "/fixtures"
    let fixtures = try FileManager.default.contentsOfDirectory(atPath: root).sorted()
    var random = Mutator.Random(state: Mutator.seed)
    for round in 0..<Self.rounds {
      var failed = false
      func check(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { failed = true }
        #expect(condition, Comment(rawValue: message()))
      }
      let fixture = random.pick(fixtures)
      let directory = try TestLint.temporaryDirectory()
      defer { try? FileManager.default.removeItem(atPath: directory) }
      let project = directory + "/p"
      try FileManager.default.copyItem(atPath: root + "/" + fixture, toPath: project)
      let paths =
        (try? String(contentsOfFile: project + "/args", encoding: .utf8))?
        .split(whereSeparator: \.isWhitespace).map(String.init) ?? ["migrations"]
      let files = (FileManager.default.enumerator(atPath: project)?.compactMap { $0 as? String } ?? []).sorted()
      let texts = files.compactMap { FileManager.default.contents(atPath: project + "/" + $0).map { [UInt8]($0) } }
      for file in files
      where file.hasSuffix(".sql") || (file.hasSuffix("miglint.toml") || file.hasSuffix(".sum")) && random.below(4) == 0
      {
        let path = project + "/" + file
        guard let bytes = FileManager.default.contents(atPath: path) else { continue }
        try Data(Mutator.mutate([UInt8](bytes), others: texts, &random)).write(to: URL(fileURLWithPath: path))
        // A renamed migration moves in the history or stops looking like one.
        if file.hasSuffix(".sql"), random.below(6) == 0 {
          var name = Array((file as NSString).lastPathComponent)
          name.insert(random.pick(Array("_-. 0é~")), at: random.below(name.count + 1))
          try FileManager.default.moveItem(
            atPath: path, toPath: (path as NSString).deletingLastPathComponent + "/" + String(name))
        }
      }
      // A failing round's project is kept for replay, named in the message.
      let kept = NSTemporaryDirectory() + "miglint-fuzz-\(Mutator.seed)-\(round)"
      try? FileManager.default.removeItem(atPath: kept)
      try FileManager.default.copyItem(atPath: project, toPath: kept)
      let context = "seed \(Mutator.seed) round \(round) (\(fixture), kept in \(kept))"
      defer { if !failed { try? FileManager.default.removeItem(atPath: kept) } }
      let environment = ["MIGLINT_CACHE_DIR": directory + "/cache", "MIGLINT_CACHE_MIN_MIGRATIONS": "1"]
      let cold = try CLI.run(paths + ["--format", "json"], in: project, environment: environment)
      let warm = try CLI.run(paths + ["--format", "json"], in: project, environment: environment)
      check([0, 1, 2].contains(cold.status), "\(context): exit \(cold.status)\n\(cold.stderr.prefix(3000))")
      check(cold.status == 2 || !cold.stdout.isEmpty, "\(context): no report")
      if !cold.stdout.isEmpty {
        check(
          (try? JSONSerialization.jsonObject(with: Data(cold.stdout.utf8))) != nil, "\(context): report is not JSON")
      }
      check(warm.status == cold.status && warm.stdout == cold.stdout, "\(context): the warm cache changed the report")

      let fixed = try CLI.run(paths + ["--fix", "--unsafe-fixes"], in: project, environment: environment)
      check([0, 1, 2].contains(fixed.status), "\(context): --fix exit \(fixed.status)\n\(fixed.stderr.prefix(3000))")
      guard !fixed.stderr.contains("did not settle") else { continue }
      let again = try CLI.run(paths + ["--diff", "--unsafe-fixes"], in: project, environment: environment)
      check(again.stdout.isEmpty, "\(context): a second --fix would change more\n\(again.stdout.prefix(3000))")
    }
  }
}
