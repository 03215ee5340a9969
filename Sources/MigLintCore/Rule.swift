import MigLintSyntax

/// A target PostgreSQL version (`15`, `12.4`).
package struct PostgresVersion: Hashable, Sendable, Comparable, CustomStringConvertible {
  package static let supported = 9...18
  package static let `default` = PostgresVersion(major: 15, minor: 0)

  package var major: Int
  package var minor: Int

  package init(major: Int, minor: Int = 0) {
    self.major = major
    self.minor = minor
  }

  /// Parses `15`, `15.4`, `9.6`; nil for anything else or outside 9.6 … 18.
  package init?(parsing text: String) {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard (1...2).contains(parts.count), let major = Int(parts[0]) else { return nil }
    let minor = parts.count == 2 ? Int(parts[1]) : 0
    guard let minor, minor >= 0 else { return nil }
    self.init(major: major, minor: minor)
    guard self >= PostgresVersion(major: 9, minor: 6), Self.supported.contains(major) else { return nil }
  }

  package var description: String {
    major < 10 ? "\(major).\(minor)" : (minor == 0 ? "\(major)" : "\(major).\(minor)")
  }

  package static func < (lhs: PostgresVersion, rhs: PostgresVersion) -> Bool {
    (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
  }
}

/// One replacement of a byte range.
package struct Edit: Hashable, Sendable {
  package var range: SourceRange
  package var replacement: String

  package init(range: SourceRange, replacement: String) {
    self.range = range
    self.replacement = replacement
  }

  package static func insert(_ text: String, at offset: Int) -> Edit {
    Edit(range: SourceRange(start: offset, end: offset), replacement: text)
  }
}

/// A repair a rule offers.
package struct Fix: Hashable, Sendable {
  /// Imperative: "Add CONCURRENTLY".
  package var title: String
  package var safety: FixSafety
  package var edits: [Edit]

  package init(title: String, safety: FixSafety, edits: [Edit]) {
    self.title = title
    self.safety = safety
    self.edits = edits
  }
}

/// What a rule reports, before the engine gives it a severity and a position.
package struct Finding: Sendable {
  package var range: SourceRange
  /// What and where, one sentence, no trailing period, identifiers in backticks.
  package var message: String
  /// What to do, imperative.
  package var help: String?
  /// The lock the statement takes, when the hazard is a lock.
  package var lock: LockAcquisition?
  package var fixes: [Fix]
  /// Set only by rules whose severity depends on the target version
  /// (`add-enum-value-in-transaction`, `syntax-error`); a severity from the configuration still wins.
  package var severity: Severity?
  /// Other places the finding is about (the view that reads a dropped column): editors link them.
  package var related: [RelatedLocation]

  package init(
    at range: SourceRange, message: String, help: String? = nil, lock: LockAcquisition? = nil,
    fixes: [Fix] = [], severity: Severity? = nil, related: [RelatedLocation] = []
  ) {
    self.range = range
    self.message = message
    self.help = help
    self.lock = lock
    self.fixes = fixes
    self.severity = severity
    self.related = related
  }
}

/// A line of another file (or this one) that a finding is about, with what is there.
package struct RelatedLocation: Sendable, Hashable {
  /// As the file was linted (relative to the working directory, or absolute).
  package var path: String
  /// 1-based.
  package var line: Int
  package var message: String

  package init(path: String, line: Int, message: String) {
    self.path = path
    self.line = line
    self.message = message
  }
}

/// Options that rules read from the configuration.
package struct RuleOptions: Sendable {
  /// The migration runner sets `lock_timeout` itself (`lock-timeout-set-by-runner`).
  package var lockTimeoutSetByRunner = false
  /// Statement kinds that `forbidden-statement` reports (`forbid`).
  package var forbid: Set<String> = []
  /// The configuration's `select` entries (squawk's `ban-*` aliases imply kinds to forbid).
  package var selectors: [String] = []

  package init(lockTimeoutSetByRunner: Bool = false, forbid: Set<String> = [], selectors: [String] = []) {
    self.lockTimeoutSetByRunner = lockTimeoutSetByRunner
    self.forbid = forbid
    self.selectors = selectors
  }
}

/// Everything a statement rule may know: computed once per statement by the engine.
package struct StatementContext: Sendable {
  package let file: ParsedFile
  /// The schema model before the statement.
  package let catalog: Catalog
  package let state: MigrationState
  package let pgVersion: PostgresVersion
  package let options: RuleOptions
  /// Index of the statement in `file.statements`.
  package let index: Int
  /// The locks the statement takes (LockModel), against the model before it; computed once.
  package let locks: [LockAcquisition]

  /// - Parameter computingLocks: false for rules that never read ``locks`` (it stays empty).
  package init(
    file: ParsedFile, catalog: Catalog, state: MigrationState, pgVersion: PostgresVersion, options: RuleOptions,
    index: Int, computingLocks: Bool = true
  ) {
    self.file = file
    self.catalog = catalog
    self.state = state
    self.pgVersion = pgVersion
    self.options = options
    self.index = index
    locks =
      computingLocks ? LockModel.acquisitions(of: file.statements[index], catalog: catalog, pgVersion: pgVersion) : []
  }

  /// The statements after this one in the script being run (not those of another section).
  package var laterStatements: ArraySlice<Statement> {
    file.statements[(index + 1)..<max(index + 1, scriptEndIndex)]
  }

  /// The statements before this one in the script being run.
  package var earlierStatements: ArraySlice<Statement> {
    file.statements[min(scriptStartIndex, index)..<index]
  }

  /// Statements found by index (``earlierStatements(ofNode:)`` and the like), in order.
  package typealias Statements = LazyMapSequence<ArraySlice<Int>, Statement>

  /// The statements of the libpg_query node types `nodes` (`.insertStmt`) before this one in
  /// the script being run, in order. Found through the file's index by node type: a rule that
  /// searches the script for each statement it flags costs the statements of those kinds, not
  /// the whole script (a script of thousands of findings stays linear in practice).
  package func earlierStatements(ofNode nodes: NodeType...) -> Statements {
    statements(ofNode: nodes, from: scriptStartIndex, to: index)
  }

  /// The statements of the node types `nodes` after this one in the script being run, in order.
  package func laterStatements(ofNode nodes: NodeType...) -> Statements {
    statements(ofNode: nodes, from: index + 1, to: scriptEndIndex)
  }

  /// The statements of the node types `nodes` before this one in the script being run that may
  /// name every one of `names` (they hold each as a word; the caller still tests them): for a
  /// search about one object among many statements of the kind.
  package func earlierStatements(ofNode nodes: NodeType..., naming names: String...) -> Statements {
    statements(ofNode: nodes, naming: names, from: scriptStartIndex, to: index)
  }

  /// The statements of the node types `nodes` after this one in the script being run that may
  /// name every one of `names`.
  package func laterStatements(ofNode nodes: NodeType..., naming names: String...) -> Statements {
    statements(ofNode: nodes, naming: names, from: index + 1, to: scriptEndIndex)
  }

  private func statements(ofNode nodes: [NodeType], naming names: [String] = [], from start: Int, to end: Int)
    -> Statements
  {
    // The part of a sorted list of statement indexes from `start` up to `end`.
    func within(_ indexes: [Int]) -> ArraySlice<Int> {
      indexes[indexes.partitioningIndex { $0 >= start }..<indexes.partitioningIndex { $0 >= end }]
    }
    let slices = nodes.map { within(file.indexesByNode[$0] ?? []) }
    // Few candidates are tested as they are; many, through the statements naming the objects:
    // those of the rarest word, kept when they hold the others too.
    if !names.isEmpty, slices.reduce(0, { $0 + $1.count }) > 32 {
      if nodes.count == 1, names.count == 1 {
        // One list, read in place: a search that stops at its first match costs no more.
        return within(file.statementIndexes(naming: names[0].lowercased(), ofNode: nodes[0])).lazy.map {
          file.statements[$0]
        }
      }
      let lists = names.map { name in
        var naming: [Int] = []
        for node in nodes { naming += within(file.statementIndexes(naming: name.lowercased(), ofNode: node)) }
        if nodes.count > 1 { naming.sort() }
        return naming
      }.sorted { $0.count < $1.count }
      let found = lists[0].filter { candidate in
        lists.dropFirst().allSatisfy { list in
          let position = list.partitioningIndex { $0 >= candidate }
          return position < list.endIndex && list[position] == candidate
        }
      }
      return found[...].lazy.map { file.statements[$0] }
    }
    if slices.count == 1 { return slices[0].lazy.map { file.statements[$0] } }
    var found = Array(slices.joined())
    found.sort()
    return found[...].lazy.map { file.statements[$0] }
  }

  /// The index of the first statement of the script being run.
  private var scriptStartIndex: Int {
    guard let start = state.script?.start else { return 0 }
    return file.statements.partitioningIndex { $0.range.start >= start }
  }

  /// The index after the last statement of the script being run.
  private var scriptEndIndex: Int {
    guard let end = state.script?.end else { return file.statements.count }
    return file.statements.partitioningIndex { $0.range.start >= end }
  }

  /// The statements after this one up to the end of the current transaction (its COMMIT or
  /// ROLLBACK); outside an explicit block, none.
  package var laterStatementsInTransaction: ArraySlice<Statement> {
    guard state.transaction.inTransaction else { return [] }
    let later = laterStatements
    let end = later.firstIndex { statement in
      guard case .transaction(let kind) = statement.kind else { return false }
      return [.commit, .rollback, .prepare].contains(kind)
    }
    return later[..<(end ?? later.endIndex)]
  }

}

/// A rule's identity and documentation.
package protocol Rule: Sendable {
  static var description: RuleDescription { get }
}

/// A rule that looks at one statement at a time, with the context before it.
package protocol StatementRule: Rule {
  init()
  /// False when the rule reads only the statement, the file, the target version and the options:
  /// never the schema model or the transaction state. Such rules run on the parser threads while
  /// the history is replayed in order.
  static var readsHistory: Bool { get }
  /// True for rules whose finding holds for a statement inside a function body, which runs only
  /// when the function is called, in its caller's transaction, on data nobody knows yet: only
  /// what fails whenever it runs (a CONCURRENTLY inside a transaction, a column assigned twice)
  /// or what the project forbids. Lock, backfill and timeout rules do not apply there.
  static var checksFunctionBodies: Bool { get }
  /// True for advice about changing a schema that running code uses (expand/contract, "in a
  /// later release", "prefer timestamptz"): not reported in a down script, which reverts its
  /// own up. By default the compat and type rules below error severity.
  static var isSchemaChangeAdvice: Bool { get }
  /// Returns the hazards of `statement`; pure, no I/O.
  func check(_ statement: Statement, in context: StatementContext) -> [Finding]
}

extension StatementRule {
  package static var readsHistory: Bool { true }
  package static var checksFunctionBodies: Bool { false }
  package static var isSchemaChangeAdvice: Bool {
    (description.category == .compat || description.category == .type) && description.severity != .error
  }
}

/// A finding and the id of the rule that made it.
package struct RuleFinding: Sendable {
  package var id: String
  package var finding: Finding

  package init(_ id: String, _ finding: Finding) {
    self.id = id
    self.finding = finding
  }
}
