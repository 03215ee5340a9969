import Dispatch
import MigLintCore
import MigLintORM
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
      if Layouts.isScript(input.path) { return lintORMFile(source, linter: linter) }
      return FileResult(path: input.path, source: source, diagnostics: linter.lint(source))
    } catch {
      return FileResult(path: input.path, source: nil, diagnostics: [], inputError: error.description)
    }
  }

  /// An ORM migration on its own (`--no-history`): the SQL its `up` and `down` send, linted as
  /// one migration without a tool's transaction, with the calls miglint could not follow. A
  /// JavaScript file that is not a migration has nothing to report.
  private static func lintORMFile(_ source: SourceFile, linter: Linter) -> FileResult {
    guard let orm = ORMMigration.detect(source.bytes) else {
      return FileResult(path: source.path, source: source, diagnostics: [])
    }
    let migration = ORMMigration(source.bytes, orm: orm, path: source.path)
    guard let up = migration.up else { return FileResult(path: source.path, source: source, diagnostics: []) }
    let generated = GeneratedSource(source: source, map: migration.map, generatedLength: migration.sql.count)
    var file = MigrationFile(path: source.path, bytes: migration.sql, source: nil, reported: true, requested: true)
    file.generatedFrom = generated
    let tool = MigrationTool(orm)
    let set = MigrationSet(
      files: [file],
      migrations: [
        Migration(
          version: "", name: "", up: [MigrationScript(file: 0, range: up, direction: .up, transaction: nil)],
          down: migration.down.map { [MigrationScript(file: 0, range: $0, direction: .down, transaction: nil)] } ?? [])
      ],
      observations: migration.unanalysable.map {
        SetObservation(file: 0, .unanalysableCode($0.reason, tool: tool), at: $0.range)
      })
    let parsed = (try? SourceFile(path: source.path, data: migration.sql)).map { Parser.parsingEmbedded($0) }
    let diagnostics = linter.lint(set, parsed: { _ in parsed })[0]
    return FileResult(
      path: source.path, source: source,
      diagnostics: diagnostics.map { $0.located(in: generated) }.sorted(by: Linter.order))
  }

  // Indirect: a slot is kept for every file of a directory, most of them never parsed when one
  // file is named; a parsed file inline would make each slot a few hundred bytes.
  private indirect enum Parsed: Sendable {
    /// The file, and the findings of the rules that do not read the history by statement (nil
    /// when the file is not reported).
    case file(ParsedFile, [[RuleFinding]]?)
    case failed(String)
    /// Linted: the parsed file was let go, its source kept for the report.
    case released(SourceFile)
  }

  /// A file for a parser thread.
  private struct ParseJob: Sendable {
    var path: String
    var bytes: [UInt8]
    var reported: Bool
    /// Its place in the replay's order; nil for a file asked for, parsed before the order is known.
    var place: Int? = nil

    func run(_ linter: Linter) -> Parsed {
      do throws(InputError) {
        let source = try SourceFile(path: path, data: bytes)
        let parsed = Parser.parsingEmbedded(source, functionBodies: reported)
        return .file(parsed, reported ? linter.independentFindings(parsed) : nil)
      } catch {
        return .failed(error.description)
      }
    }
  }

  /// Lints the migration sets of listed directories, each in its tool's order with one schema
  /// model.
  ///
  /// Parser threads start on the files asked for while this thread builds the layouts; once the
  /// layouts are known they work through the files in the order the replay needs them, while
  /// this thread replays and runs the rules: the sequential parts overlap the parallel parse.
  /// With a `cache`, a set whose first reported file comes late in its history resumes from
  /// the model stored for the migrations before it, and stores it when it has to replay them.
  /// With `exiting` (the command line, which exits once the report is written), the models
  /// and the directories' bytes are left for the exit to reclaim: freeing a model read from the
  /// cache object by object costs a sixth of a warm run.
  package static func lint(
    _ listings: [Listing], project: Project, linter: Linter, jobs: Int, cache: ReplayCache? = nil,
    exiting: Bool = false
  ) throws(WorkspaceError) -> [FileResult] {
    // One slot per listed file; a set's own files come first, in the listing's order.
    var firstSlot: [Int] = []
    var slotCount = 0
    for listing in listings {
      firstSlot.append(slotCount)
      slotCount += listing.files.count
    }
    let queue = JobQueue<ParseJob>(count: slotCount)
    let slots = Slots<Parsed>(count: slotCount)
    // Files asked for are parsed whatever the layout turns out to be, unless a deploy record
    // may leave them out of the report (then the history decides what is parsed).
    var early: [(slot: Int, job: ParseJob)] = []
    for (number, listing) in listings.enumerated() where project.reportsEveryRequestedFile(listing) {
      for (index, file) in listing.files.enumerated() where listing.requested.containsPath(file.path) {
        // ORM files are parsed once the layout has read them into SQL.
        guard let bytes = file.bytes, file.readError == nil, Layouts.otherDialect(file.name) == nil, !file.isScript
        else { continue }
        early.append((firstSlot[number] + index, ParseJob(path: file.path, bytes: bytes, reported: true)))
      }
    }
    // Parsed files wait in memory for the replay: the parse may run this far ahead of it.
    let frontier = Frontier(width: 64)
    let parse: @Sendable () -> Void = {
      while let (slot, job) = queue.take() {
        if let place = job.place { frontier.wait(for: place) }
        slots.put(slot, job.run(linter))
      }
    }
    // Below this thread's priority: the replay here is what the run waits for, and the parse
    // runs ahead of it; given an equal share, the replay would fall behind and finish alone.
    // As many threads as there are files to parse, up to `jobs`: one file named in a long
    // history may be all there is, and a thread costs more than it parses then. More start
    // once the layouts say how many files the replay needs.
    let started = min(jobs, max(1, early.count))
    var parsing = [WorkerThreads(count: started, background: true, parse)]
    queue.schedule(early)
    let prefetched = prefetch(listings, project: project, cache: cache)
    var sets: [LoadedSet] = []
    do {
      for listing in listings { sets.append(try project.load(listing)) }
    } catch {
      queue.close(droppingPending: true)
      frontier.open()
      for group in parsing { group.wait() }
      throw error
    }
    defer {
      frontier.open()
      for group in parsing { group.wait() }
    }
    var work: [(slot: Int, job: ParseJob)] = []
    var ranges: [[SourceRange]?] = Array(repeating: nil, count: slotCount)
    // Where each scheduled slot stands in the parse order; nil for slots never parsed.
    var position = [Int?](repeating: nil, count: slotCount)
    let plans = sets.indices.map { plan(sets[$0], cache: cache, prefetched: prefetched($0)) }
    for (setIndex, loaded) in sets.enumerated() {
      for (index, sections) in plans[setIndex].files where index < listings[setIndex].files.count {
        guard let bytes = loaded.set.files[index].bytes else { continue }
        let slot = firstSlot[setIndex] + index
        let file = loaded.set.files[index]
        work.append((slot, ParseJob(path: file.path, bytes: bytes, reported: file.reported, place: work.count)))
        ranges[slot] = sections
        position[slot] = work.count - 1
      }
    }
    queue.schedule(work)
    queue.close()
    if min(jobs, work.count) > started {
      parsing.append(WorkerThreads(count: min(jobs, work.count) - started, background: true, parse))
    }
    // The replay usually waits for the parse. When a file is not parsed yet, it waits for the
    // next few in the queue's order too: one wake-up per batch instead of one per file.
    let awaited = { (slot: Int) -> Parsed in
      frontier.reach(position[slot] ?? 0)
      if let value = slots.value(slot) { return value }
      _ = slots.wait(work[min((position[slot] ?? 0) + 7, work.count - 1)].slot)
      return slots.wait(slot)
    }
    var results: [FileResult] = []
    for (setIndex, loaded) in sets.enumerated() {
      let slotOf = { (index: Int) -> Int? in
        let slot = firstSlot[setIndex] + index
        return index < listings[setIndex].files.count && position[slot] != nil ? slot : nil
      }
      let parsed = { (index: Int) -> ParsedFile? in
        guard let slot = slotOf(index), case .file(let file, _) = awaited(slot) else { return nil }
        return file
      }
      let independent = { (index: Int) -> [RuleFinding]? in
        guard let slot = slotOf(index), case .file(let file, let findings?) = awaited(slot) else { return nil }
        return Linter.independentFindings(findings, of: file, in: ranges[slot])
      }
      let diagnostics = linter.lint(
        loaded.set, parsed: parsed, independent: independent, resume: plans[setIndex].resume,
        checkpointAt: plans[setIndex].checkpointAt, checkpoint: { cache?.save($0, for: loaded) },
        finished: { index in
          // Not waited for: a file after the replay's end may never be parsed.
          if let slot = slotOf(index), case .file(let file, _) = slots.value(slot) {
            slots.put(slot, .released(file.source))
          }
        })
      // The replay may have stopped before the set's last files: those not parsed yet are not
      // parsed at all, unless they were asked for (their input errors are reported); the next
      // sets' files still are.
      let nextSet = setIndex + 1 < firstSlot.count ? firstSlot[setIndex + 1] : slotCount
      queue.schedule(
        work.filter { item in
          item.slot >= nextSet
            || (item.slot >= firstSlot[setIndex] && loaded.set.files[item.slot - firstSlot[setIndex]].requested)
        })
      for (index, file) in loaded.set.files.enumerated() {
        let requested = loaded.set.files[index].requested
        guard requested || (file.isRecord && !diagnostics[index].isEmpty) else { continue }
        var inputError = file.inputError
        var source = file.source
        if let slot = slotOf(index) {
          frontier.reach(position[slot] ?? 0)
          switch slots.wait(slot) {
          case .failed(let message): inputError = message
          case .released(let parsedSource): source = parsedSource
          case .file(let parsed, _): source = parsed.source
          }
        }
        // A JavaScript or TypeScript file that is no migration (a helper) is not reported.
        if Layouts.isScript(file.path), file.generatedFrom == nil, inputError == nil { continue }
        var result = FileResult(
          path: file.path, source: source, diagnostics: diagnostics[index],
          inputError: requested ? inputError : nil)
        if let generated = file.generatedFrom {
          result.source = generated.source
          let tool = loaded.directory.tool
          result.diagnostics = result.diagnostics.map { diagnostic in
            var located = diagnostic.located(in: generated)
            if let help = tool.help(located.ruleID) { located.help = help }
            return located
          }.sorted(by: Linter.order)
        }
        result.directory = loaded.directory
        results.append(result)
      }
      // The set is done: let its parse trees go.
      for index in listings[setIndex].files.indices { if let slot = slotOf(index) { slots.clear(slot) } }
    }
    if exiting { KeptUntilExit.keep((plans, sets)) }
    return results
  }

  /// Values a process about to exit never frees (one retain that is never released).
  private final class KeptUntilExit<Value>: Sendable where Value: Sendable {
    let value: Value
    private init(_ value: Value) { self.value = value }
    static func keep(_ value: Value) { _ = Unmanaged.passRetained(KeptUntilExit(value)) }
  }

  /// What the replay of one set needs: where it resumes, where it leaves a checkpoint, and the
  /// files it reads in that order, with the sections of each that its migrations run.
  private struct SetPlan {
    var resume: ReplayCheckpoint?
    var checkpointAt: Int?
    /// File indexes in replay order; sections nil for a file run whole.
    var files: [(index: Int, sections: [SourceRange]?)]
  }

  /// Reads the cache entries of the listings that seem to name a late file of a long history,
  /// on a thread of its own while this one builds the layouts (decoding a model is a third of a
  /// warm run). Guessed from the listing, whose order is nearly always the migrations' order: a
  /// wrong guess costs a decode on another core, or the overlap. A language server keeps its
  /// models in memory instead. Returns, for a listing's number, nil when its entry is not read
  /// ahead, else what waits for the entry (nil when there is none).
  private static func prefetch(
    _ listings: [Listing], project: Project, cache: ReplayCache?
  ) -> (Int) -> (() -> ReplayCache.Entry?)? {
    guard let cache, cache.memory == nil else { return { _ in nil } }
    let late = listings.indices.filter { number in
      let files = listings[number].files
      let first = files.firstIndex { listings[number].requested.containsPath($0.path) }
      return first.map { $0 >= cache.minimumMigrations } ?? false
    }
    guard !late.isEmpty else { return { _ in nil } }
    let entries = Slots<ReplayCache.Entry?>(count: listings.count)
    let roots = late.map { ($0, project.directory(of: listings[$0])) }
    _ = WorkerThreads(count: 1, background: false) {
      for (number, root) in roots { entries.put(number, cache.entry(forDirectory: root)) }
    }
    return { number in late.contains(number) ? { entries.wait(number) } : nil }
  }

  /// - Parameter prefetched: waits for the set's cache entry when it is read ahead (``prefetch``).
  private static func plan(
    _ loaded: LoadedSet, cache: ReplayCache?, prefetched: (() -> ReplayCache.Entry?)?
  ) -> SetPlan {
    // The first migration with a reported file: the history before it only builds the model.
    let first = loaded.set.migrations.firstIndex { migration in
      (migration.up + migration.down).contains { loaded.set.files[$0.file].reported }
    }
    var plan = SetPlan(files: [])
    if let cache, let first, first >= cache.minimumMigrations {
      // An entry read ahead was most likely stored at `first`: its key is computed while the
      // entry is decoded.
      let stored =
        prefetched.map { wait in
          let expected = (first, ReplayCache.key(loaded, migrations: first))
          return cache.checkpoint(from: wait(), for: loaded, expecting: expected)
        } ?? cache.load(loaded)
      plan.resume = stored.flatMap { $0.migrations <= first ? $0 : nil }
      if plan.resume?.migrations != first { plan.checkpointAt = first }
    }
    var sections: [Int: [SourceRange]] = [:]
    var whole = Set<Int>()
    for script in loaded.set.migrations.flatMap({ $0.up + $0.down }) {
      if let range = script.range {
        sections[script.file, default: []].append(range)
      } else {
        whole.insert(script.file)
      }
    }
    var seen = Set<Int>()
    for migration in loaded.set.migrations[(plan.resume?.migrations ?? 0)...] {
      for script in migration.up + migration.down where seen.insert(script.file).inserted {
        plan.files.append((script.file, whole.contains(script.file) ? nil : sections[script.file]))
      }
    }
    // Files outside the migrations are linted on their own, and only when asked for. Files the
    // record has findings on (edited after deploy) are parsed for positions even when the replay
    // resumes past them: those findings come from the record, not the replay.
    let recordFindings = Set(loaded.set.observations.map(\.file))
    for index in loaded.set.files.indices
    where !seen.contains(index) && (loaded.set.files[index].reported || recordFindings.contains(index)) {
      plan.files.append((index, nil))
    }
    return plan
  }
}
