import MigLintSyntax

/// The schema model after the first `migrations` migrations of a set: where a replay can resume
/// (the replay cache keeps one per migrations directory).
package struct ReplayCheckpoint: Sendable {
  package var migrations: Int
  package var catalog: Catalog

  package init(migrations: Int, catalog: Catalog) {
    self.migrations = migrations
    self.catalog = catalog
  }
}

extension Linter {
  /// Lints a migration set in the tool's order with one schema model replayed over all of it.
  ///
  /// `parsed(i)` gives file `i` of the set parsed (it may wait for a parser thread); nil when the
  /// file could not be read. `independent(i)`, when not nil, gives the findings of the rules
  /// that do not read the history, already computed for file `i` (``independentFindings(_:of:in:)``).
  /// With `resume`, the migrations before its count are not replayed (none of their files may be
  /// reported); `checkpoint` receives the model before migration `checkpointAt`. `finished(i)`
  /// says that file `i` is not asked for again: its parsed form may be let go.
  ///
  /// The replay stops after the last migration with a reported file (``lastNeeded(_:_:)``): what
  /// comes later changes nothing reported, and is neither parsed nor asked for. It goes on only
  /// when the first empty migration is reported, whose finding names the later empty ones.
  /// Returns each file's diagnostics, by file index.
  package func lint(
    _ set: MigrationSet, parsed fetch: (Int) -> ParsedFile?,
    independent: (Int) -> [RuleFinding]? = { _ in nil },
    resume: ReplayCheckpoint? = nil, checkpointAt: Int? = nil, checkpoint: (ReplayCheckpoint) -> Void = { _ in },
    finished: (Int) -> Void = { _ in }
  ) -> [[Diagnostic]] {
    let groupEnds = Self.revertGroupEnds(set)
    let lastNeeded = Self.lastNeeded(set, groupEnds)
    // Files the replay asked for; after an early stop, the others are not parsed.
    var asked = [Bool](repeating: false, count: set.files.count)
    var stoppedEarly = false
    func parsed(_ index: Int) -> ParsedFile? {
      asked[index] = true
      return fetch(index)
    }
    var raw = [[RuleFinding]](repeating: [], count: set.files.count)
    // Fetched when a file is first linted, so that the parser threads stay ahead of this one.
    var fetched = [Bool](repeating: false, count: set.files.count)
    var precomputed = [Bool](repeating: false, count: set.files.count)
    func hasIndependentFindings(_ index: Int) -> Bool {
      if !fetched[index] {
        fetched[index] = true
        if set.files[index].reported, let findings = independent(index) {
          raw[index] += findings
          precomputed[index] = true
        }
      }
      return precomputed[index]
    }
    var rulesRan = [Bool](repeating: false, count: set.files.count)
    var catalog = resume?.catalog ?? Catalog()
    let start = resume?.migrations ?? 0
    let pendingStamp = set.firstPending.map { 2 * $0 } ?? Int.max
    let checksRevert =
      registry.ruleID(judging: .downDoesNotRevert).map(enabled.contains) ?? false
    var claimed = [Bool](repeating: false, count: set.files.count)
    var empty: [(migration: Migration, script: MigrationScript)] = []
    // Where the current revert group starts, and the model before it (to compare the group's
    // downs with). Its downs wait for the group's last up.
    var groupStart: (number: Int, catalog: Catalog?)?
    // A file's diagnostics are made as soon as no later migration reads it, a batch of files at
    // a time, and its parse tree and raw findings let go: holding every file's until the end
    // was most of a run's memory.
    var diagnostics = [[Diagnostic]](repeating: [], count: set.files.count)
    var completion = Completion(set, groupEnds: groupEnds)
    func finalizeCompleted(all: Bool) {
      let batch = completion.take(all: all)
      guard !batch.isEmpty else { return }
      // What the diagnostics need of each file's parse is taken and the parse let go before they
      // are made, and each file's findings are handed over to the one making its diagnostics: a
      // big file's parse, findings and diagnostics were alive at once (twice its findings).
      var work: [(index: Int, file: FinishingFile?, findings: [RuleFinding])] = []
      for index in batch {
        let file = completion.needsParse(index, asked: asked[index], stoppedEarly: stoppedEarly) ? parsed(index) : nil
        var findings = completion.prepared(raw[index], of: index, judged: { judged($0, at: $1) }, advice: adviceRules)
        raw[index] = []
        // A file without a parse or a finding has no diagnostics: only the others are made (the
        // files after an early stop are most of a directory).
        guard file != nil || !findings.isEmpty else { continue }
        guard set.files[index].isSQL, let file else {
          work.append((index, nil, findings))
          continue
        }
        if rulesRan[index] { findings.insert(contentsOf: fileFindings(file), at: 0) }
        work.append((index, finishing(file), findings))
      }
      for index in batch { finished(index) }
      let ran = rulesRan
      let indices = work.map(\.index)
      // While the replay goes on, the parser threads have the other cores: a batch is made here;
      // at the end, on all cores.
      let made = Parallel.map(handingOver: &work, jobs: all ? configuration.jobs : 1) { (item) -> [Diagnostic] in
        var findings: [RuleFinding] = []
        swap(&findings, &item.findings)
        guard let file = item.file else { return set.files[item.index].source.map { finalize($0, findings) } ?? [] }
        return finalize(file, findings, rulesRan: ran[item.index])
      }
      for (index, fileDiagnostics) in zip(indices, made) { diagnostics[index] = fileDiagnostics }
    }
    for (number, migration) in set.migrations.enumerated() where number >= start {
      if number > lastNeeded, empty.first.map({ !set.files[$0.script.file].reported }) ?? true {
        stoppedEarly = true
        break
      }
      defer {
        completion.migrationDone(number)
        finalizeCompleted(all: false)
      }
      // Inside a group the model lacks the downs still to come: no checkpoint there.
      if number == checkpointAt, groupStart == nil {
        checkpoint(ReplayCheckpoint(migrations: number, catalog: catalog))
      }
      if migration.revertGroup != nil, groupStart == nil { groupStart = (number, checksRevert ? catalog : nil) }
      let upStamp = 2 * number
      let checksRevert = checksRevert && !migration.down.isEmpty && migration.revertGroup == nil
      if checksRevert { catalog.beginJournal() }
      catalog.newSince = min(upStamp, pendingStamp)
      catalog.origin.stamp = upStamp
      var parsesCleanly = true
      var upIsEmpty = true
      for script in migration.up {
        guard let file = parsed(script.file) else { continue }
        parsesCleanly = parsesCleanly && file.syntaxErrors.isEmpty && file.templatedErrors.isEmpty
        let mode = RunMode(independentRulesRan: hasIndependentFindings(script.file))
        let count = run(script, of: file, set, &catalog, mode: mode, &raw, &rulesRan, &claimed)
        if count > 0 || !file.skipped.isEmpty || !file.syntaxErrors.isEmpty { upIsEmpty = false }
      }
      if upIsEmpty, let script = migration.up.first, let file = parsed(script.file),
        !isDeliberatelyEmpty(script, file, set)
      {
        empty.append((migration, script))
        // The first empty migration's finding names the others: it waits for the end.
        completion.hold(script.file)
      }
      let upJournal = checksRevert ? catalog.endJournal() : nil
      if let group = migration.revertGroup {
        if number + 1 == set.migrations.count || set.migrations[number + 1].revertGroup != group, let begin = groupStart
        {
          let members = set.migrations[begin.number...number]
          // Fetched before `raw` is lent to the group's run.
          let precomputed = Dictionary(
            members.flatMap(\.down).map { ($0.file, hasIndependentFindings($0.file)) }, uniquingKeysWith: { $0 || $1 })
          lintGroupDowns(
            members, from: begin.number, before: begin.catalog, set, &catalog, pendingStamp: pendingStamp,
            parsed: parsed, independentRulesRan: precomputed, &raw, &rulesRan, &claimed)
          groupStart = nil
        }
        continue
      }
      guard !migration.down.isEmpty else { continue }
      // The down runs against the schema after the up; the history goes on from the up.
      catalog.beginJournal()
      catalog.newSince = min(upStamp + 1, pendingStamp)
      catalog.origin.stamp = upStamp + 1
      var downIsEmpty = true
      for script in migration.down {
        guard let file = parsed(script.file) else { continue }
        parsesCleanly = parsesCleanly && file.syntaxErrors.isEmpty && file.templatedErrors.isEmpty
        let mode = RunMode(
          compatNewSince: min(upStamp, pendingStamp), independentRulesRan: hasIndependentFindings(script.file))
        if run(script, of: file, set, &catalog, mode: mode, &raw, &rulesRan, &claimed) > 0 { downIsEmpty = false }
      }
      let downJournal = catalog.endJournal()
      if let upJournal, parsesCleanly, !downIsEmpty,
        let finding = revertFinding(migration, upJournal: upJournal, downJournal: downJournal, catalog, parsed)
      {
        raw[migration.down[0].file].append(finding)
      }
      catalog.restore(downJournal)
    }
    // One finding a directory: the first empty migration names the others.
    if let first = empty.first,
      let finding = emptyFinding(
        first.migration, first.script, parsed(first.script.file), others: empty.dropFirst().map(\.migration.version))
    {
      raw[first.script.file].append(finding)
    }
    // Files of the set that are no migration's script (verify scripts, seeds): linted on their own.
    for index in set.files.indices where !claimed[index] && set.files[index].isSQL && set.files[index].reported {
      guard let file = parsed(index) else { continue }
      var own = Catalog()
      var state = MigrationState()
      let mode = RunMode(independentRulesRan: hasIndependentFindings(index))
      run(file, file.statements.indices, &own, &state, mode: mode, into: &raw[index])
      rulesRan[index] = true
    }
    // The model is not read again: let go before the last files' diagnostics are made, while
    // they are made.
    let model = consume catalog
    catalog = Catalog()
    Parallel.letGo(model)
    groupStart = nil
    finalizeCompleted(all: true)
    return diagnostics
  }

  /// Which files of a set no later migration reads, in the order they become so, and what is
  /// added to a file's raw findings when it is done (advice dropped from downs, observations).
  private struct Completion {
    private let set: MigrationSet
    /// The last migration that reads each file (the last of its revert group for a group's
    /// files); -1 for a file no migration reads (done at the end).
    private var lastUse: [Int]
    private var held = Set<Int>()
    private var done: [Bool]
    private var ready: [Int] = []
    private var downs: [Int: [MigrationScript]] = [:]
    private var observations: [Int: [SetObservation]] = [:]

    /// - Parameter groupEnds: ``revertGroupEnds(_:)`` of `set`.
    init(_ set: MigrationSet, groupEnds: [Int]) {
      self.set = set
      lastUse = Array(repeating: -1, count: set.files.count)
      done = Array(repeating: false, count: set.files.count)
      for (number, migration) in set.migrations.enumerated() {
        let last = groupEnds[number]
        for script in migration.up + migration.down { lastUse[script.file] = max(lastUse[script.file], last) }
        for script in migration.down { downs[script.file, default: []].append(script) }
      }
      for observed in set.observations { observations[observed.file, default: []].append(observed) }
    }

    /// Keeps `file` until the end.
    mutating func hold(_ file: Int) { held.insert(file) }

    /// Whether `file`'s diagnostics need its parse: when the replay read it, when the replay did
    /// not stop early (it read everything it needed), or when something is reported on it
    /// (findings of the deploy record on a file after the replay's end).
    func needsParse(_ file: Int, asked: Bool, stoppedEarly: Bool) -> Bool {
      asked || !stoppedEarly || set.files[file].reported || observations[file] != nil
    }

    /// Migration `number` is replayed: the files it was the last to read are done.
    mutating func migrationDone(_ number: Int) {
      for script in set.migrations[number].up + set.migrations[number].down
      where lastUse[script.file] == number && !held.contains(script.file) && !done[script.file] {
        done[script.file] = true
        ready.append(script.file)
      }
    }

    /// The files to finalize now: a batch once enough are ready, or every file not yet taken.
    mutating func take(all: Bool) -> [Int] {
      if all {
        for index in done.indices where !done[index] {
          done[index] = true
          ready.append(index)
        }
      } else if ready.count < 128 {
        return []
      }
      defer { ready = [] }
      return ready
    }

    /// A done file's raw findings as they are reported: a down reverts its own up, so advice
    /// about changing a schema that others use does not apply there; then the observations.
    func prepared(
      _ raw: [RuleFinding], of file: Int, judged: (Observation, SourceRange) -> RuleFinding?, advice: Set<String>
    )
      -> [RuleFinding]
    {
      var findings = raw
      for script in downs[file] ?? [] where !findings.isEmpty {
        findings.removeAll { advice.contains($0.id) && script.contains($0.finding.range.start) }
      }
      for observed in observations[file] ?? [] {
        // Observations locate themselves in the file; an ORM file's findings are located in its SQL.
        let range = set.files[file].generatedFrom.map { $0.generated(observed.range) } ?? observed.range
        if let finding = judged(observed.observation, range) { findings.append(finding) }
      }
      return findings
    }
  }

  /// For each migration, the last of its revert group (a run of consecutive migrations of one
  /// group, whose downs run after its last up); itself for a migration in none.
  private static func revertGroupEnds(_ set: MigrationSet) -> [Int] {
    var ends = Array(set.migrations.indices)
    for number in set.migrations.indices.reversed().dropFirst()
    where set.migrations[number].revertGroup != nil
      && set.migrations[number + 1].revertGroup == set.migrations[number].revertGroup
    {
      ends[number] = ends[number + 1]
    }
    return ends
  }

  /// The last migration with a reported file, to the end of its revert group; -1 when none is
  /// reported.
  private static func lastNeeded(_ set: MigrationSet, _ groupEnds: [Int]) -> Int {
    set.migrations.lastIndex { migration in
      (migration.up + migration.down).contains { set.files[$0.file].reported }
    }.map { groupEnds[$0] } ?? -1
  }

  /// Runs one script's statements; returns how many statements it has.
  private func run(
    _ script: MigrationScript, of file: ParsedFile, _ set: MigrationSet, _ catalog: inout Catalog, mode: RunMode,
    _ raw: inout [[RuleFinding]], _ rulesRan: inout [Bool], _ claimed: inout [Bool]
  ) -> Int {
    let entry = set.files[script.file]
    claimed[script.file] = true
    rulesRan[script.file] = rulesRan[script.file] || entry.reported
    var mode = mode
    mode.rules = entry.reported
    let statements = file.statements.indices.filter { script.contains(file.statements[$0].range.start) }
    var state = MigrationState()
    state.script = script.range
    if let tool = script.transaction {
      if tool.applies(to: statements.map { file.statements[$0] }) {
        state.transaction.tool = tool
      } else if tool.singleQuery {
        state.transactionWithAnotherStatement = tool
      }
    }
    run(file, statements, &catalog, &state, mode: mode, into: &raw[script.file])
    return statements.count
  }

  /// An up script that holds only comments says why it is empty (a generated placeholder, "no
  /// change for PostgreSQL"); an empty file named for PostgreSQL overrides the tool's generic one.
  private func isDeliberatelyEmpty(_ script: MigrationScript, _ file: ParsedFile, _ set: MigrationSet) -> Bool {
    if file.tokens.contains(where: { $0.isComment && script.contains($0.start) }) { return true }
    let name = set.files[script.file].path.split(separator: "/").last ?? ""
    return name.contains(".postgres.") || name.contains(".postgresql.")
  }

  private func emptyFinding(
    _ migration: Migration, _ script: MigrationScript, _ file: ParsedFile?, others: [String]
  ) -> RuleFinding? {
    let start = script.range?.start ?? 0
    let end = script.range.map { min($0.end, $0.start + 1) } ?? min(1, file?.source.bytes.count ?? 0)
    return judged(
      .emptyMigration(version: migration.version, isSection: script.range != nil, others: others),
      at: SourceRange(start: start, end: max(start, end)))
  }

  /// Compares the schema before the up with the schema after up and down.
  private func revertFinding(
    _ migration: Migration, upJournal: Catalog.Journal, downJournal: Catalog.Journal, _ catalog: Catalog,
    _ parsed: (Int) -> ParsedFile?
  ) -> RuleFinding? {
    // Before the up: what the up journal recorded, else (untouched by the up) what the down found.
    var differences: [SchemaDifference] = []
    func before<Key: Hashable, Value>(_ key: Key, _ up: [Key: Value?], _ down: [Key: Value?]) -> Value? {
      if let recorded = up[key] { return recorded }
      return down[key] ?? nil
    }
    // `DROP COLUMN IF EXISTS` of a column the model never saw: it may have existed, and a
    // down that adds it back restores it.
    var maybeDropped = Set<String>()
    for script in migration.up {
      guard let file = parsed(script.file) else { continue }
      for statement in file.statements where script.contains(statement.range.start) {
        guard case .alterTable(let alter) = statement.kind else { continue }
        for command in alter.commands where command.subtype == .dropColumn && command.missingOk {
          if let name = command.name { maybeDropped.insert(Catalog.key(alter.relation) + "/" + name) }
        }
      }
    }
    for key in Set(upJournal.tables.keys).union(downJournal.tables.keys).sorted() {
      let old = before(key, upJournal.tables, downJournal.tables)
      let new = catalog.tables[key]
      HistoryDiff.tables(old, new, &differences, maybeExisted: maybeDropped)
    }
    for key in Set(upJournal.indexes.keys).union(downJournal.indexes.keys).sorted() {
      HistoryDiff.existence(before(key, upJournal.indexes, downJournal.indexes), catalog.indexes[key], &differences)
    }
    for key in Set(upJournal.views.keys).union(downJournal.views.keys).sorted() {
      HistoryDiff.existence(before(key, upJournal.views, downJournal.views), catalog.views[key], &differences)
    }
    for key in Set(upJournal.objects.keys).union(downJournal.objects.keys).sorted() {
      HistoryDiff.existence(before(key, upJournal.objects, downJournal.objects), catalog.objects[key], &differences)
    }
    guard !differences.isEmpty else { return nil }
    let script = migration.down[0]
    let file = parsed(script.file)
    let first = file?.statements.first { script.contains($0.range.start) }
    let range = first?.range ?? SourceRange(start: script.range?.start ?? 0, end: script.range?.start ?? 0)
    return judged(.downDoesNotRevert(version: migration.version, differences: differences), at: range)
  }
}

extension Linter {
  /// Runs and lints the downs of a revert group as a rollback does, newest first, on the model
  /// after all of the group's ups (their real context: popx numbers the parts' downs in another
  /// order than their ups); with `before`, compares the result with the model before the group;
  /// then takes the downs back.
  fileprivate func lintGroupDowns(
    _ group: ArraySlice<Migration>, from first: Int, before: Catalog?, _ set: MigrationSet, _ catalog: inout Catalog,
    pendingStamp: Int, parsed: (Int) -> ParsedFile?, independentRulesRan: [Int: Bool],
    _ raw: inout [[RuleFinding]], _ rulesRan: inout [Bool], _ claimed: inout [Bool]
  ) {
    let last = first + group.count - 1
    catalog.beginJournal()
    catalog.newSince = min(2 * last + 1, pendingStamp)
    catalog.origin.stamp = 2 * last + 1
    var parsesCleanly = true
    var downIsEmpty = true
    for script in group.reversed().flatMap(\.down) {
      guard let file = parsed(script.file) else {
        parsesCleanly = false
        continue
      }
      parsesCleanly = parsesCleanly && file.syntaxErrors.isEmpty && file.templatedErrors.isEmpty
      let mode = RunMode(
        compatNewSince: min(2 * first, pendingStamp), independentRulesRan: independentRulesRan[script.file] ?? false)
      if run(script, of: file, set, &catalog, mode: mode, &raw, &rulesRan, &claimed) > 0 { downIsEmpty = false }
    }
    let downJournal = catalog.endJournal()
    // Only a whole group can be compared.
    if let before, parsesCleanly, !downIsEmpty, group.first?.revertGroup?.size == group.count,
      let firstDown = group.lazy.flatMap(\.down).first,
      case let differences = Self.differences(before, catalog), !differences.isEmpty,
      let finding = judged(
        .groupDownsDoNotRevert(
          first: group.first?.version ?? "", last: group.last?.version ?? "", differences: differences),
        at: parsed(firstDown.file)?.statements.first { firstDown.contains($0.range.start) }?.range
          ?? SourceRange(start: 0, end: 0))
    {
      raw[firstDown.file].append(finding)
    }
    catalog.restore(downJournal)
  }

  /// What differs between two whole models.
  fileprivate static func differences(_ before: Catalog, _ after: Catalog) -> [SchemaDifference] {
    var differences: [SchemaDifference] = []
    for key in Set(before.tables.keys).union(after.tables.keys).sorted() {
      HistoryDiff.tables(before.tables[key], after.tables[key], &differences)
    }
    for key in Set(before.indexes.keys).union(after.indexes.keys).sorted() {
      HistoryDiff.existence(before.indexes[key], after.indexes[key], &differences)
    }
    for key in Set(before.views.keys).union(after.views.keys).sorted() {
      HistoryDiff.existence(before.views[key], after.views[key], &differences)
    }
    for key in Set(before.objects.keys).union(after.objects.keys).sorted() {
      HistoryDiff.existence(before.objects[key], after.objects[key], &differences)
    }
    return differences
  }
}

/// A model entry that can be left over or missing after a down.
protocol SchemaEntry { var schemaObject: SchemaObject { get } }
extension Catalog.Index: SchemaEntry { var schemaObject: SchemaObject { .index(name) } }
extension Catalog.View: SchemaEntry { var schemaObject: SchemaObject { .view(name, materialized: materialized) } }
extension Catalog.Object: SchemaEntry { var schemaObject: SchemaObject { .object(kind, name) } }

/// Differences between two versions of the schema model, for `down-does-not-revert-up`.
enum HistoryDiff {
  /// An entry there before and not after is missing; one there after only is left over.
  static func existence<Entry: SchemaEntry>(_ old: Entry?, _ new: Entry?, _ differences: inout [SchemaDifference]) {
    if old == nil, let new { differences.append(.leftOver(new.schemaObject)) }
    if let old, new == nil { differences.append(.missing(old.schemaObject)) }
  }

  /// `maybeExisted`: "<table key>/<column>" of columns that may have existed before unseen.
  static func tables(
    _ old: Catalog.Table?, _ new: Catalog.Table?, _ differences: inout [SchemaDifference],
    maybeExisted: Set<String> = []
  ) {
    switch (old, new) {
    case (nil, nil):
      return
    case (nil, let new?):
      // The model started an entry for a table that predates the history: compare with empty.
      if new.origin == nil {
        tables(
          Catalog.Table(name: new.name, columns: [], origin: nil), new, &differences, maybeExisted: maybeExisted)
      } else {
        differences.append(.leftOver(.table(new.name)))
      }
    case (let old?, nil):
      differences.append(.missing(.table(old.name)))
    case (let old?, let new?):
      for column in new.columns
      where old.column(column.name) == nil && !maybeExisted.contains(Catalog.key(new.name) + "/" + column.name) {
        differences.append(.leftOver(.column(new.name, column.name)))
      }
      for column in old.columns {
        guard let now = new.column(column.name) else {
          differences.append(.missing(.column(old.name, column.name)))
          continue
        }
        // Compared as shown (`int4` and `integer` are one type); equal references need no names.
        if let before = column.type, let after = now.type, before != after, before.displayName != after.displayName {
          differences.append(.columnType(table: old.name, column: column.name, now: after, was: before))
        }
        if column.notNull != now.notNull {
          differences.append(.nullability(table: old.name, column: column.name, notNull: now.notNull))
        }
      }
      for constraint in new.constraints where old.constraint(constraint.name) == nil {
        differences.append(.leftOver(.constraint(constraint.name, on: new.name)))
      }
      for constraint in old.constraints where new.constraint(constraint.name) == nil {
        differences.append(.missing(.constraint(constraint.name, on: old.name)))
      }
    }
  }
}
