import MigLintSyntax

/// A finding with its rule, severity and positions: what reporters print.
package struct Diagnostic: Sendable {
  package var ruleID: String
  package var severity: Severity
  package var message: String
  package var help: String?
  package var path: String
  package var range: SourceRange
  package var start: SourcePosition
  package var end: SourcePosition
  package var lock: LockAcquisition?
  package var fixes: [Fix]
  package var related: [RelatedLocation] = []
}

extension Diagnostic {
  /// The diagnostic of generated SQL, located in the file it was generated from. Fixes edit the
  /// SQL, not the file: they are dropped.
  package func located(in generated: GeneratedSource) -> Diagnostic {
    var located = self
    located.range = generated.map.original(range)
    located.start = generated.source.position(of: located.range.start)
    located.end = generated.source.position(of: located.range.end)
    located.fixes = []
    return located
  }
}

/// A migrations directory of the run: the tool it was read as and, for an ORM, how many of its
/// migration calls miglint could follow.
package struct DirectorySummary: Sendable, Hashable {
  /// As the files' paths start ("." for the working directory).
  package var path: String
  package var tool: MigrationTool
  /// ORM directories: calls turned into SQL, and calls not followed.
  package var calls: Calls?

  package struct Calls: Sendable, Hashable {
    package var analysed: Int
    package var unanalysable: Int

    package init(analysed: Int, unanalysable: Int) {
      self.analysed = analysed
      self.unanalysable = unanalysable
    }
  }

  package init(path: String, tool: MigrationTool, calls: Calls? = nil) {
    self.path = path
    self.tool = tool
    self.calls = calls
  }
}

/// The outcome of linting one file.
package struct FileResult: Sendable {
  package var path: String
  /// The migrations directory the file was linted with; nil for a file linted on its own.
  package var directory: DirectorySummary?
  /// Nil when the file could not be read as text.
  package var source: SourceFile?
  package var diagnostics: [Diagnostic]
  /// Why the file could not be linted (unreadable, not text, too large).
  package var inputError: String?

  /// The line and column an input error names ("NUL byte at byte offset 9 (line 2, column 3)").
  package var inputErrorPosition: (line: Int, column: Int)? {
    guard let message = inputError, let open = message.ranges(of: "(line ").last else { return nil }
    let numbers = message[open.upperBound...].split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
    return numbers.count == 2 ? (numbers[0], numbers[1]) : nil
  }

  package init(path: String, source: SourceFile?, diagnostics: [Diagnostic], inputError: String? = nil) {
    self.path = path
    self.source = source
    self.diagnostics = diagnostics
    self.inputError = inputError
  }
}

/// Runs the enabled rules over a file and applies severities and suppressions.
package struct Linter: Sendable {
  package let registry: RuleRegistry
  package let configuration: Configuration
  package let enabled: Set<String>
  /// Compat and type rules that give advice (not error severity): expand/contract, "in a later
  /// release", "prefer timestamptz". A down script that reverts its own up is not told them.
  let adviceRules: Set<String>
  /// Enabled statement rules with their ids (reading `description` copies the whole struct) and
  /// what the engine needs to know of each, looked up once rather than per statement.
  private let rules: [EnabledRule]

  /// A class, so that walking the list for each statement retains one reference per rule
  /// instead of copying an id and an existential.
  private final class EnabledRule: Sendable {
    let id: String
    let rule: any StatementRule
    /// Reads neither the schema model nor the transaction state.
    let isIndependent: Bool
    /// A compat rule (breaking change), which a down script may trigger on purpose.
    let isCompat: Bool
    /// Runs on the statements of function bodies too (``StatementRule/checksFunctionBodies``).
    let inFunctionBodies: Bool

    init(id: String, rule: any StatementRule, isIndependent: Bool, isCompat: Bool, inFunctionBodies: Bool) {
      self.id = id
      self.rule = rule
      self.isIndependent = isIndependent
      self.isCompat = isCompat
      self.inFunctionBodies = inFunctionBodies
    }
  }

  package init(registry: RuleRegistry, configuration: Configuration) {
    self.registry = registry
    self.configuration = configuration
    let enabled = registry.enabledIDs(configuration)
    self.enabled = enabled
    adviceRules = Set(
      registry.statementRules.filter { type(of: $0).isSchemaChangeAdvice }.map { type(of: $0).description.id })
    rules = registry.statementRules.compactMap { rule in
      let description = type(of: rule).description
      guard enabled.contains(description.id) else { return nil }
      return EnabledRule(
        id: description.id, rule: rule, isIndependent: !type(of: rule).readsHistory,
        isCompat: description.category == .compat, inFunctionBodies: type(of: rule).checksFunctionBodies)
    }
  }

  /// Lints one file's text.
  package func lint(_ source: SourceFile) -> [Diagnostic] {
    lint(Parser.parse(source))
  }

  /// Lints a parsed file on its own; output sorted by offset, then rule id.
  package func lint(_ file: ParsedFile) -> [Diagnostic] {
    var catalog = Catalog()
    var state = MigrationState()
    var raw = fileFindings(file)
    run(file, file.statements.indices, &catalog, &state, into: &raw)
    return finalize(finishing(file), raw)
  }

  /// What the grammar rejected (or miglint could not analyse), judged at its first byte.
  private func syntaxFinding(_ error: SyntaxError, inBody: Bool) -> RuleFinding? {
    judged(
      .syntaxError(error, inBody: inBody, target: configuration.pgVersion),
      at: SourceRange(start: error.location, end: error.location + 1))
  }

  /// The finding the rule that judges `observation` makes of it.
  func judged(_ observation: Observation, at range: SourceRange) -> RuleFinding? {
    registry.judge(observation, at: range)
  }

  /// Findings about the file as a whole: syntax errors, psql-only text, template placeholders.
  func fileFindings(_ file: ParsedFile) -> [RuleFinding] {
    file.syntaxErrors.compactMap { syntaxFinding($0, inBody: false) } + skippedText(file)
  }

  // MARK: - Text that is not SQL

  /// psql-only lines (one finding each) and template placeholders (one finding a file).
  private func skippedText(_ file: ParsedFile) -> [RuleFinding] {
    var raw: [RuleFinding?] = []
    for region in file.skipped {
      switch region.kind {
      case .psqlMetaCommand:
        let command = file.text(region.range).trimmingSpaces.split(separator: " ").first.map(String.init) ?? "\\"
        raw.append(judged(.psqlMetaCommand(command), at: region.range))
      case .copyData:
        raw.append(judged(.copyData, at: region.range))
      case .psqlVariable:
        raw.append(judged(.psqlVariable(file.text(region.range)), at: region.range))
      case .templatePlaceholder:
        break
      }
    }
    if let first = file.skipped.first(where: { $0.kind == .templatePlaceholder }) {
      let count = file.skipped.filter { $0.kind == .templatePlaceholder }.count
      raw.append(
        judged(
          .templatePlaceholders(count: count, first: file.text(first.range), unparsed: file.templatedErrors.count),
          at: first.range))
    }
    return raw.compactMap { $0 }
  }

  // MARK: - Statement rules

  /// How a statement is run: whether rules look at it, and whether compat rules treat objects
  /// from an earlier replay step as new (a down script may drop what its up created).
  package struct RunMode: Sendable {
    package var rules = true
    package var applying = true
    /// For compat rules: objects created at or after this step are new.
    var compatNewSince: Int?
    /// Rules that do not read the history already ran (``Linter/independentFindings(_:)``).
    var independentRulesRan = false
    /// The statement is in a function body: it runs when the function is called, not now.
    var inFunctionBody = false

    package init(compatNewSince: Int? = nil, independentRulesRan: Bool = false) {
      self.compatNewSince = compatNewSince
      self.independentRulesRan = independentRulesRan
    }
  }

  /// Runs the rules on each of `statements` of `file` in turn (and on the statements of their DO
  /// blocks and function bodies, `depth` levels down already), moving the state and the schema
  /// model past each: the one loop over a file's statements, for a file on its own, a migration
  /// script and an embedded body alike.
  package func run(
    _ file: ParsedFile, _ statements: some Sequence<Int>, _ catalog: inout Catalog, _ state: inout MigrationState,
    mode: RunMode = RunMode(), depth: Int = 0, into raw: inout [RuleFinding]
  ) {
    for index in statements {
      runOne(file, index, &catalog, &state, mode: mode, into: &raw)
      if depth < Self.maximumEmbeddingDepth, let embedded = file.embeddedSQL(at: index) {
        lintEmbedded(
          embedded, of: file.statements[index], &catalog, &state, mode: mode, depth: depth + 1, into: &raw)
      }
    }
  }

  /// How deep DO blocks and function bodies inside each other are followed.
  static let maximumEmbeddingDepth = 8

  private func runOne(
    _ file: ParsedFile, _ index: Int, _ catalog: inout Catalog, _ state: inout MigrationState, mode: RunMode,
    into raw: inout [RuleFinding]
  ) {
    let statement = file.statements[index]
    guard mode.rules else {
      // History: the transaction state is the script's own and only rules read it, so the
      // statement's locks and the state are not worked out; the model moves on.
      apply(statement, of: file, to: &catalog, mode: mode)
      return
    }
    // The scope ends the context before the catalog and the state change, so both are mutated in
    // place instead of copied (the context holds references to them; a copy per statement of the
    // locks a long transaction holds would make a long body quadratic).
    let locks: [LockAcquisition]
    do {
      let context = StatementContext(
        file: file, catalog: catalog, state: state, pgVersion: configuration.pgVersion,
        options: configuration.ruleOptions, index: index)
      if !statement.isRecovered {
        var compatContext: StatementContext?
        if let since = mode.compatNewSince {
          var compatCatalog = catalog
          compatCatalog.newSince = since
          compatContext = StatementContext(
            file: file, catalog: compatCatalog, state: state, pgVersion: configuration.pgVersion,
            options: configuration.ruleOptions, index: index)
        }
        // Contexts are passed, never copied: a copy retains every array and map they hold.
        for entry in rules {
          if mode.independentRulesRan, entry.isIndependent { continue }
          if mode.inFunctionBody, !entry.inFunctionBodies { continue }
          let findings: [Finding]
          // `isCompat` first: binding the optional context copies it, for every rule otherwise.
          if entry.isCompat, let compatContext {
            findings = entry.rule.check(statement, in: compatContext)
          } else {
            findings = entry.rule.check(statement, in: context)
          }
          for var finding in findings {
            // Every finding on a statement that takes a lock names it (reporters show it).
            if finding.lock == nil, let strongest = context.locks.max(by: { $0.mode < $1.mode }),
              strongest.mode.blocksReadsOrWrites
            {
              finding.lock = strongest
            }
            raw.append(RuleFinding(entry.id, finding))
          }
        }
      }
      locks = context.locks
    }
    state.advance(past: statement, locks: locks, catalog: catalog)
    apply(statement, of: file, to: &catalog, mode: mode)
  }

  private func apply(_ statement: Statement, of file: ParsedFile, to catalog: inout Catalog, mode: RunMode) {
    guard mode.applying else { return }
    catalog.origin.path = file.source.path
    catalog.origin.line = file.source.line(of: statement.range.start)
    catalog.apply(statement)
  }

  /// Findings of the rules that do not read the history, by statement of `file` (with those of
  /// the SQL inside its DO blocks and function bodies). Runs on any thread: no schema model or
  /// transaction state is involved. ``independentFindings(_:of:in:)`` picks a script's share.
  package func independentFindings(_ file: ParsedFile) -> [[RuleFinding]] {
    let selected = rules.filter(\.isIndependent)
    guard !selected.isEmpty else { return Array(repeating: [], count: file.statements.count) }
    let inFunctionBodies = selected.filter(\.inFunctionBodies)
    func check(
      _ file: ParsedFile, _ index: Int, _ rules: [EnabledRule], into raw: inout [RuleFinding]
    ) {
      let context = StatementContext(
        file: file, catalog: Catalog(), state: MigrationState(), pgVersion: configuration.pgVersion,
        options: configuration.ruleOptions, index: index, computingLocks: false)
      // Bound once: `file.statements[index]` in the loop would copy the statement for each rule.
      let statement = file.statements[index]
      guard !statement.isRecovered else { return }
      for entry in rules {
        for finding in entry.rule.check(statement, in: context) { raw.append(RuleFinding(entry.id, finding)) }
      }
    }
    return file.statements.indices.map { index in
      var raw: [RuleFinding] = []
      check(file, index, selected, into: &raw)
      let rules: [EnabledRule]
      if case .doBlock = file.statements[index].kind { rules = selected } else { rules = inFunctionBodies }
      for fragment in file.embeddedSQL(at: index)?.fragments ?? [] {
        for inner in fragment.statements.indices { check(fragment, inner, rules, into: &raw) }
      }
      return raw
    }
  }

  /// The findings of ``independentFindings(_:)`` for the statements that start in `ranges` (all
  /// when nil): the sections of the file that its migrations run.
  package static func independentFindings(
    _ byStatement: [[RuleFinding]], of file: ParsedFile, in ranges: [SourceRange]?
  ) -> [RuleFinding] {
    guard let ranges else { return byStatement.flatMap { $0 } }
    return zip(file.statements, byStatement).flatMap { statement, findings in
      let start = statement.range.start
      return ranges.contains { start >= $0.start && start < $0.end } ? findings : []
    }
  }

  /// Lints the statements of a DO block (run now, in one transaction) or of a PL/pgSQL function
  /// body (run when called: linted, but the schema model does not change).
  private func lintEmbedded(
    _ embedded: EmbeddedSQL, of statement: Statement, _ catalog: inout Catalog, _ state: inout MigrationState,
    mode: RunMode, depth: Int, into raw: inout [RuleFinding]
  ) {
    let isBlock: Bool
    if case .doBlock = statement.kind { isBlock = true } else { isBlock = false }
    // Without rules a function body has nothing to give: it does not change the schema.
    guard mode.rules || isBlock else { return }
    // A body PL/pgSQL cannot read fails when the migration runs it (or creates the function):
    // a finding, never silence.
    if let error = embedded.unreadable, mode.rules, let finding = syntaxFinding(error, inBody: true) {
      raw.append(finding)
    }
    var innerState = state
    var innerCatalog = catalog
    if !innerState.transaction.explicitBlock {
      innerState.transaction.implicit =
        isBlock
        ? "a DO block, which runs as one transaction" : "a function body, which runs in its caller's transaction"
    }
    var innerMode = mode
    innerMode.applying = mode.applying && isBlock
    innerMode.inFunctionBody = mode.inFunctionBody || !isBlock
    // A DO block or a function created inside this body: its own body, in turn.
    for fragment in embedded.fragments {
      run(fragment, fragment.statements.indices, &innerCatalog, &innerState, mode: innerMode, depth: depth, into: &raw)
    }
    if let first = embedded.dynamicDDL.first, mode.rules,
      let finding = judged(.dynamicDDL(count: embedded.dynamicDDL.count, inDoBlock: isBlock), at: first)
    {
      raw.append(finding)
    }
    if isBlock {
      if mode.applying { catalog = innerCatalog }
      state.settings.formUnion(innerState.settings)
      state.blockingLockTaken = state.blockingLockTaken || innerState.blockingLockTaken
    }
  }
}
