import Dispatch
import MigLintCore
import MigLintSyntax

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One input to lint on its own: a file path, or standard input under a display name.
package enum Input: Sendable {
  case file(String)
  case standardInput(name: String, bytes: [UInt8])

  package var path: String {
    switch self {
    case .file(let path): path
    case .standardInput(let name, _): name
    }
  }
}

/// Reads, parses and lints on all cores; results keep the input order.
package enum Runner {
  /// Lints each input on its own (no history), in parallel.
  package static func lint(_ inputs: [Input], linter: Linter, jobs: Int) -> [FileResult] {
    Parallel.map(inputs, jobs: jobs) { lintOne($0, linter: linter) }
  }

  static func lintOne(_ input: Input, linter: Linter) -> FileResult {
    let bytes: [UInt8]
    switch input {
    case .file(let path):
      do {
        bytes = try FileSystem.read(path)
      } catch {
        return FileResult(path: path, source: nil, diagnostics: [], inputError: error.message)
      }
    case .standardInput(_, let data):
      bytes = data
    }
    do {
      let source = try SourceFile(path: input.path, data: bytes)
      return FileResult(path: input.path, source: source, diagnostics: linter.lint(source))
    } catch {
      return FileResult(path: input.path, source: nil, diagnostics: [], inputError: error.description)
    }
  }

  private enum Parsed: Sendable {
    /// The file, and the findings of the rules that do not read the history (nil when the file
    /// is not reported).
    case file(ParsedFile, [(id: String, finding: Finding)]?)
    case failed(String)
  }

  /// Lints migration sets, each in its tool's order with one schema model.
  ///
  /// Parser threads work through the files in the order the replay needs them, while this thread
  /// replays and runs the rules: the sequential part overlaps the parallel parse.
  /// With a `cache`, a set whose first reported file comes late in its history resumes from
  /// the model stored for the migrations before it, and stores it when it has to replay them.
  package static func lint(_ sets: [LoadedSet], linter: Linter, jobs: Int, cache: ReplayCache? = nil) -> [FileResult] {
    var work: [(set: Int, file: Int, ranges: [SourceRange]?)] = []
    var slotOf: [[Int?]] = []
    var resumes: [ReplayCheckpoint?] = []
    var checkpoints: [Int?] = []
    for (setIndex, loaded) in sets.enumerated() {
      // The first migration with a reported file: the history before it only builds the model.
      let first = loaded.set.migrations.firstIndex { migration in
        (migration.up + migration.down).contains { loaded.set.files[$0.file].reported }
      }
      var resume: ReplayCheckpoint?
      var checkpointAt: Int?
      if let cache, let first, first >= ReplayCache.minimumMigrations {
        resume = cache.load(loaded).flatMap { $0.migrations <= first ? $0 : nil }
        if resume?.migrations != first { checkpointAt = first }
      }
      resumes.append(resume)
      checkpoints.append(checkpointAt)
      // The sections of each file that its migrations run; files run whole have none.
      var sections: [Int: [SourceRange]] = [:]
      var whole = Set<Int>()
      for script in loaded.set.migrations.flatMap({ $0.up + $0.down }) {
        if let range = script.range {
          sections[script.file, default: []].append(range)
        } else {
          whole.insert(script.file)
        }
      }
      var order: [Int] = []
      var seen = Set<Int>()
      for migration in loaded.set.migrations[(resume?.migrations ?? 0)...] {
        for script in migration.up + migration.down where seen.insert(script.file).inserted {
          order.append(script.file)
        }
      }
      // Files outside the migrations are linted on their own, and only when asked for.
      order += loaded.set.files.indices.filter { !seen.contains($0) && loaded.set.files[$0].reported }
      var slots = [Int?](repeating: nil, count: loaded.set.files.count)
      for index in order where loaded.bytes[index] != nil {
        slots[index] = work.count
        work.append((setIndex, index, whole.contains(index) ? nil : sections[index]))
      }
      slotOf.append(slots)
    }
    let slots = Slots<Parsed>(count: work.count)
    let next = Counter()
    let workers = max(1, min(jobs, work.count))
    let parsing = DispatchGroup()
    let items = work
    DispatchQueue.global().async(group: parsing) {
      DispatchQueue.concurrentPerform(iterations: workers) { _ in
        while let index = next.take(below: items.count) {
          let (setIndex, fileIndex, ranges) = items[index]
          let file = sets[setIndex].set.files[fileIndex]
          do throws(InputError) {
            let source = try SourceFile(path: file.path, data: sets[setIndex].bytes[fileIndex] ?? [])
            let parsed = Parser.parsingEmbedded(source, functionBodies: file.reported)
            let findings = file.reported ? linter.independentFindings(parsed, in: ranges) : nil
            slots.put(index, .file(parsed, findings))
          } catch {
            slots.put(index, .failed(error.description))
          }
        }
      }
    }
    var results: [FileResult] = []
    for (setIndex, loaded) in sets.enumerated() {
      let parsed = { (index: Int) -> ParsedFile? in
        guard let slot = slotOf[setIndex][index], case .file(let file, _) = slots.wait(slot) else { return nil }
        return file
      }
      let independent = { (index: Int) -> [(id: String, finding: Finding)]? in
        guard let slot = slotOf[setIndex][index], case .file(_, let findings) = slots.wait(slot) else { return nil }
        return findings
      }
      let diagnostics = linter.lint(
        loaded.set, parsed: parsed, independent: independent, resume: resumes[setIndex],
        checkpointAt: checkpoints[setIndex], checkpoint: { cache?.save($0, for: loaded) })
      for (index, file) in loaded.set.files.enumerated() {
        var inputError = file.inputError
        if let slot = slotOf[setIndex][index], case .failed(let message) = slots.wait(slot) { inputError = message }
        let requested = index < loaded.requested.count && loaded.requested[index]
        guard requested || (file.isRecord && !diagnostics[index].isEmpty) else { continue }
        results.append(
          FileResult(
            path: file.path, source: parsed(index)?.source ?? file.source, diagnostics: diagnostics[index],
            inputError: requested ? inputError : nil))
      }
      // The set is done: let its parse trees go.
      for slot in slotOf[setIndex].compactMap({ $0 }) { slots.clear(slot) }
    }
    parsing.wait()
    return results
  }
}
