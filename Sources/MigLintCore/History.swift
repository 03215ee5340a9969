import MigLintSyntax

/// Ids of the rules about the migration set and its deploy record (RULES.md "history"), and of
/// the layout notes the workspace reports.
package enum HistoryRuleID {
  package static let missingDown = "missing-down-migration"
  package static let downDoesNotRevert = "down-does-not-revert-up"
  package static let emptyMigration = "empty-migration"
  package static let duplicateVersion = "duplicate-migration-version"
  package static let editedAfterDeploy = "edited-after-deploy"
  package static let deletedAfterDeploy = "deleted-after-deploy"
  package static let outOfOrder = "out-of-order-migration"
  package static let unsupportedDialect = "unsupported-dialect"
}

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
  /// reported); `checkpoint` receives the model before migration `checkpointAt`.
  /// Returns each file's diagnostics, by file index.
  package func lint(
    _ set: MigrationSet, parsed: (Int) -> ParsedFile?,
    independent: (Int) -> [(id: String, finding: Finding)]? = { _ in nil },
    resume: ReplayCheckpoint? = nil, checkpointAt: Int? = nil, checkpoint: (ReplayCheckpoint) -> Void = { _ in }
  ) -> [[Diagnostic]] {
    var raw = [[(id: String, finding: Finding)]](repeating: [], count: set.files.count)
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
    let checksRevert = enabled.contains(HistoryRuleID.downDoesNotRevert)
    var claimed = [Bool](repeating: false, count: set.files.count)
    var empty: [(migration: Migration, script: MigrationScript)] = []
    // Where the current revert group starts, and the model before it (to compare the group's
    // downs with). Its downs wait for the group's last up.
    var groupStart: (number: Int, catalog: Catalog?)?
    for (number, migration) in set.migrations.enumerated() where number >= start {
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
        raw[migration.down[0].file].append((HistoryRuleID.downDoesNotRevert, finding))
      }
      catalog.restore(downJournal)
    }
    // One finding a directory: the first empty migration names the others.
    if let first = empty.first {
      let others = empty.dropFirst().map(\.migration.version)
      raw[first.script.file].append(
        (HistoryRuleID.emptyMigration, emptyFinding(first.migration, first.script, parsed(first.script.file), others)))
    }
    // Files of the set that are no migration's script (verify scripts, seeds): linted on their own.
    for index in set.files.indices where !claimed[index] && set.files[index].isSQL && set.files[index].reported {
      guard let file = parsed(index) else { continue }
      var own = Catalog()
      var state = MigrationState()
      let mode = RunMode(independentRulesRan: hasIndependentFindings(index))
      for statement in file.statements.indices {
        run(file, statement, &own, &state, mode: mode, into: &raw[index])
      }
      rulesRan[index] = true
    }
    // A down reverts its own up: advice about changing a schema that others use does not apply.
    for migration in set.migrations {
      for script in migration.down where !raw[script.file].isEmpty {
        raw[script.file].removeAll { adviceRules.contains($0.id) && script.contains($0.finding.range.start) }
      }
    }
    for finding in set.findings { raw[finding.file].append((finding.ruleID, finding.finding)) }
    // Suppressions, severities and positions need no model: on all cores.
    let findings = raw
    let ran = rulesRan
    let files = set.files.indices.map { (index: $0, file: parsed($0)) }
    return Parallel.map(files) { item in
      let (index, parsedFile) = item
      let entry = set.files[index]
      guard entry.isSQL, let file = parsedFile else { return entry.source.map { finalize($0, findings[index]) } ?? [] }
      var all = findings[index]
      if ran[index] { all = fileFindings(file) + all }
      return finalize(file, all, rulesRan: ran[index])
    }
  }

  /// Runs one script's statements; returns how many statements it has.
  private func run(
    _ script: MigrationScript, of file: ParsedFile, _ set: MigrationSet, _ catalog: inout Catalog, mode: RunMode,
    _ raw: inout [[(id: String, finding: Finding)]], _ rulesRan: inout [Bool], _ claimed: inout [Bool]
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
    for index in statements {
      run(file, index, &catalog, &state, mode: mode, into: &raw[script.file])
    }
    return statements.count
  }

  /// An up script that holds only comments says why it is empty (a generated placeholder, "no
  /// change for PostgreSQL"); an empty file named for PostgreSQL overrides the tool's generic one.
  private func isDeliberatelyEmpty(_ script: MigrationScript, _ file: ParsedFile, _ set: MigrationSet) -> Bool {
    if file.tokens.contains(where: { $0.isComment && script.contains($0.start) }) { return true }
    let name = set.files[script.file].path.split(separator: "/").last ?? ""
    return name.contains(".postgres.") || name.contains(".postgresql.")
  }

  private func emptyFinding(_ migration: Migration, _ script: MigrationScript, _ file: ParsedFile?, _ others: [String])
    -> Finding
  {
    let start = script.range?.start ?? 0
    let end = script.range.map { min($0.end, $0.start + 1) } ?? min(1, file?.source.bytes.count ?? 0)
    let section = script.range == nil ? "file" : "up section"
    let also =
      others.isEmpty
      ? "" : "; so are \(others.count == 1 ? "migration" : "migrations") \(HistoryDiff.list(others))"
    return Finding(
      at: SourceRange(start: start, end: max(start, end)),
      message: "Migration \(migration.version) has no statements: this \(section) is empty\(also)",
      help:
        "Add the migration's statements, or delete it before it is deployed; a comment saying why it is empty marks it as deliberate"
    )
  }

  /// Compares the schema before the up with the schema after up and down.
  private func revertFinding(
    _ migration: Migration, upJournal: Catalog.Journal, downJournal: Catalog.Journal, _ catalog: Catalog,
    _ parsed: (Int) -> ParsedFile?
  ) -> Finding? {
    // Before the up: what the up journal recorded, else (untouched by the up) what the down found.
    var leftOver: [String] = []
    var missing: [String] = []
    var changed: [String] = []
    func before<Value>(_ key: String, _ up: [String: Value?], _ down: [String: Value?]) -> Value? {
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
      HistoryDiff.tables(old, new, &leftOver, &missing, &changed, maybeExisted: maybeDropped)
    }
    for key in Set(upJournal.indexes.keys).union(downJournal.indexes.keys).sorted() {
      let old = before(key, upJournal.indexes, downJournal.indexes)
      let new = catalog.indexes[key]
      if old == nil, let new { leftOver.append("index `\(new.name)`") }
      if let old, new == nil { missing.append("index `\(old.name)`") }
    }
    for key in Set(upJournal.views.keys).union(downJournal.views.keys).sorted() {
      let old = before(key, upJournal.views, downJournal.views)
      let new = catalog.views[key]
      if old == nil, let new { leftOver.append("\(new.kindName) `\(new.name)`") }
      if let old, new == nil { missing.append("\(old.kindName) `\(old.name)`") }
    }
    for key in Set(upJournal.objects.keys).union(downJournal.objects.keys).sorted() {
      let old = before(key, upJournal.objects, downJournal.objects)
      let new = catalog.objects[key]
      if old == nil, let new { leftOver.append("\(new.kind) `\(new.name)`") }
      if let old, new == nil { missing.append("\(old.kind) `\(old.name)`") }
    }
    guard let differences = HistoryDiff.summary(leftOver, missing, changed) else { return nil }
    let script = migration.down[0]
    let file = parsed(script.file)
    let first = file?.statements.first { script.contains($0.range.start) }
    let range = first?.range ?? SourceRange(start: script.range?.start ?? 0, end: script.range?.start ?? 0)
    return Finding(
      at: range,
      message:
        "Down migration of \(migration.version) does not give back the schema from before its up (\(differences))",
      help: "Make the down undo exactly what the up does, in reverse order")
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
    _ raw: inout [[(id: String, finding: Finding)]], _ rulesRan: inout [Bool], _ claimed: inout [Bool]
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
      let differences = Self.differences(before, catalog)
    {
      let range =
        parsed(firstDown.file)?.statements.first { firstDown.contains($0.range.start) }?.range
        ?? SourceRange(start: 0, end: 0)
      raw[firstDown.file].append(
        (
          HistoryRuleID.downDoesNotRevert,
          Finding(
            at: range,
            message:
              "The downs of migrations \(group.first?.version ?? "") to \(group.last?.version ?? ""), which revert together, do not give back the schema from before their ups (\(differences))",
            help: "Make the group's downs undo exactly what its ups do")
        ))
    }
    catalog.restore(downJournal)
  }

  /// What differs between two whole models, or nil.
  fileprivate static func differences(_ before: Catalog, _ after: Catalog) -> String? {
    var leftOver: [String] = []
    var missing: [String] = []
    var changed: [String] = []
    for key in Set(before.tables.keys).union(after.tables.keys).sorted() {
      HistoryDiff.tables(before.tables[key], after.tables[key], &leftOver, &missing, &changed)
    }
    func existence<Value>(_ old: [String: Value], _ new: [String: Value], _ name: (Value) -> String) {
      for key in Set(old.keys).union(new.keys).sorted() {
        if old[key] == nil, let value = new[key] { leftOver.append(name(value)) }
        if let value = old[key], new[key] == nil { missing.append(name(value)) }
      }
    }
    existence(before.indexes, after.indexes) { "index `\($0.name)`" }
    existence(before.views, after.views) { "\($0.kindName) `\($0.name)`" }
    existence(before.objects, after.objects) { "\($0.kind) `\($0.name)`" }
    return HistoryDiff.summary(leftOver, missing, changed)
  }
}

/// Differences between two versions of the schema model, for `down-does-not-revert-up`.
enum HistoryDiff {
  /// "left over: …; missing: …; changed: …", or nil when nothing differs.
  static func summary(_ leftOver: [String], _ missing: [String], _ changed: [String]) -> String? {
    var parts: [String] = []
    if !leftOver.isEmpty { parts.append("left over: " + list(leftOver)) }
    if !missing.isEmpty { parts.append("missing: " + list(missing)) }
    if !changed.isEmpty { parts.append("changed: " + list(changed)) }
    return parts.isEmpty ? nil : parts.joined(separator: "; ")
  }

  /// `maybeExisted`: "<table key>/<column>" of columns that may have existed before unseen.
  static func tables(
    _ old: Catalog.Table?, _ new: Catalog.Table?, _ leftOver: inout [String], _ missing: inout [String],
    _ changed: inout [String], maybeExisted: Set<String> = []
  ) {
    switch (old, new) {
    case (nil, nil):
      return
    case (nil, let new?):
      // The model started an entry for a table that predates the history: compare with empty.
      if new.origin == nil {
        tables(
          Catalog.Table(name: new.name, columns: [], origin: nil), new, &leftOver, &missing, &changed,
          maybeExisted: maybeExisted)
      } else {
        leftOver.append("table `\(new.name)`")
      }
    case (let old?, nil):
      missing.append("table `\(old.name)`")
    case (let old?, let new?):
      for column in new.columns
      where old.column(column.name) == nil && !maybeExisted.contains(Catalog.key(new.name) + "/" + column.name) {
        leftOver.append("column `\(new.name).\(column.name)`")
      }
      for column in old.columns {
        guard let now = new.column(column.name) else {
          missing.append("column `\(old.name).\(column.name)`")
          continue
        }
        if let before = column.type, let after = now.type, before.displayName != after.displayName {
          changed.append("`\(old.name).\(column.name)` is \(after.displayName), was \(before.displayName)")
        }
        if column.notNull != now.notNull {
          changed.append("`\(old.name).\(column.name)` is \(now.notNull ? "NOT NULL" : "nullable") now")
        }
      }
      for constraint in new.constraints where old.constraint(constraint.name) == nil {
        leftOver.append("constraint `\(constraint.name)` on `\(new.name)`")
      }
      for constraint in old.constraints where new.constraint(constraint.name) == nil {
        missing.append("constraint `\(constraint.name)` on `\(old.name)`")
      }
    }
  }

  /// "a, b and 3 more"
  static func list(_ items: [String]) -> String {
    items.count <= 6
      ? items.joined(separator: ", ") : items.prefix(5).joined(separator: ", ") + " and \(items.count - 5) more"
  }
}
