import MigLintSyntax

/// What a file's diagnostics are made from besides its raw findings: its suppression comments,
/// the statements they cover, its placeholders and its text. Taken from the parse so that the
/// parse can be let go before the diagnostics are made: a big file's parse tree and its
/// diagnostics together were the peak of a run's memory.
struct FinishingFile: Sendable {
  let source: SourceFile
  let suppressions: [Suppression]
  /// The statements and rejected pieces, in order: what a next-statement suppression covers.
  /// Empty when no suppression needs them.
  let targets: [SourceRange]
  let substitutions: [String: String]

  init(_ file: ParsedFile, registry: RuleRegistry) {
    source = file.source
    suppressions = Suppression.parse(file, registry: registry)
    // A rejected piece read as a statement (a recovered CREATE TABLE) is one target, not two.
    targets =
      suppressions.contains { $0.scope == .nextStatement }
      ? Set(file.statements.map(\.range) + file.syntaxErrors.map(\.range)).sorted() : []
    substitutions = file.substitutions
  }
}

/// From a file's raw findings to its diagnostics: suppression comments (and the findings about
/// them), severities, and template placeholders put back as written.
extension Linter {
  /// What ``finalize(_:_:rulesRan:)`` needs of `file`.
  func finishing(_ file: ParsedFile) -> FinishingFile { FinishingFile(file, registry: registry) }

  /// Applies suppressions, severities and placeholders to a file's raw findings; sorted output.
  /// `rulesRan` is false when statement rules did not run on the file (then no suppression is
  /// reported unused).
  func finalize(
    _ file: FinishingFile, _ findings: consuming [RuleFinding], rulesRan: Bool = true
  ) -> [Diagnostic] {
    // The findings are copied only where something changes: a file of tens of thousands of
    // findings held five copies of them here.
    var raw = consume findings
    let invalid = invalidSuppressions(file.suppressions)
    if !invalid.isEmpty { raw += invalid }
    if raw.contains(where: { !enabled.contains($0.id) }) { raw.removeAll { !enabled.contains($0.id) } }
    if !file.suppressions.isEmpty { raw = applySuppressions(raw, file, reportUnused: rulesRan) }
    var diagnostics = raw.map { diagnostic($0.id, restoringPlaceholders($0.finding, file), file.source) }
    raw = []
    Self.putInOrder(&diagnostics)
    return diagnostics
  }

  /// Severities for findings in a file that is not SQL (a deploy record): no suppressions there.
  func finalize(_ source: SourceFile, _ findings: [RuleFinding]) -> [Diagnostic] {
    var diagnostics = findings.filter { enabled.contains($0.id) }.map { diagnostic($0.id, $0.finding, source) }
    Self.putInOrder(&diagnostics)
    return diagnostics
  }

  /// Puts `diagnostics` in ``order(_:_:)``, equal ones as they came. Their positions are sorted, not
  /// the diagnostics (a sort copies its elements many times, and a diagnostic is large), then
  /// the diagnostics are swapped into place, each cycle of the permutation once.
  package static func putInOrder(_ diagnostics: inout [Diagnostic]) {
    var positions = diagnostics.indices.sorted { left, right in
      let (leftRange, rightRange) = (diagnostics[left].range, diagnostics[right].range)
      let (leftRule, rightRule) = (diagnostics[left].ruleID, diagnostics[right].ruleID)
      if precedes(leftRange, leftRule, rightRange, rightRule) { return true }
      if precedes(rightRange, rightRule, leftRange, leftRule) { return false }
      return left < right
    }
    for start in positions.indices {
      var current = start
      while positions[current] != start {
        let next = positions[current]
        diagnostics.swapAt(current, next)
        positions[current] = current
        current = next
      }
      positions[current] = current
    }
  }

  /// The order a file's diagnostics are reported in: by position, then rule.
  package static func order(_ lhs: Diagnostic, _ rhs: Diagnostic) -> Bool {
    precedes(lhs.range, lhs.ruleID, rhs.range, rhs.ruleID)
  }

  /// ``order(_:_:)`` on the fields it reads (a sort that copied whole diagnostics to compare
  /// them cost more than the rest of the report).
  private static func precedes(_ lhs: SourceRange, _ lhsRule: String, _ rhs: SourceRange, _ rhsRule: String) -> Bool {
    if lhs.start != rhs.start { return lhs.start < rhs.start }
    if lhsRule != rhsRule { return lhsRule < rhsRule }
    return lhs.end < rhs.end
  }

  // MARK: - Suppressions

  private func invalidSuppressions(_ suppressions: [Suppression]) -> [RuleFinding] {
    var raw: [RuleFinding?] = []
    for suppression in suppressions {
      if suppression.entries.isEmpty {
        let directive = suppression.scope == .file ? "miglint-ignore-file" : "miglint-ignore"
        raw.append(judged(.suppressionWithoutRule(directive: directive), at: suppression.range))
      }
      for entry in suppression.entries where entry.id == nil {
        raw.append(judged(.unknownSuppressedRule(entry.name), at: entry.range))
      }
      if configuration.requireSuppressionReason, suppression.reason == nil, !suppression.entries.isEmpty {
        raw.append(judged(.suppressionWithoutReason, at: suppression.range))
      }
    }
    return raw.compactMap { $0 }
  }

  /// Drops findings covered by suppressions and reports suppression entries that silenced nothing.
  private func applySuppressions(_ raw: [RuleFinding], _ file: FinishingFile, reportUnused: Bool) -> [RuleFinding] {
    // What each next-statement suppression covers: the first statement or rejected piece after it.
    let (suppressions, targets) = (file.suppressions, file.targets)
    func firstTarget(startingAtOrAfter offset: Int) -> Int { targets.partitioningIndex { $0.start >= offset } }
    // Suppressions by the target they cover, and the file-wide ones: each finding then looks at
    // its own statement's suppressions only.
    var byTarget: [Int: [Int]] = [:]
    var fileWide: [Int] = []
    for (index, suppression) in suppressions.enumerated() {
      if suppression.scope == .file {
        fileWide.append(index)
      } else {
        let target = firstTarget(startingAtOrAfter: suppression.range.end)
        if target < targets.count { byTarget[target, default: []].append(index) }
      }
    }
    var used = Set<[Int]>()  // [suppression index, entry index]
    var kept: [RuleFinding] = []
    for item in raw {
      var silenced = false
      // The target holding the finding: the last one starting at or before it.
      let position = firstTarget(startingAtOrAfter: item.finding.range.start + 1) - 1
      var candidates = fileWide
      if position >= 0, item.finding.range.start <= targets[position].end {
        candidates += byTarget[position] ?? []
      }
      for index in candidates {
        guard let entryIndex = suppressions[index].entries.firstIndex(where: { $0.id == item.id }) else { continue }
        used.insert([index, entryIndex])
        silenced = true
      }
      if !silenced { kept.append(item) }
    }
    guard reportUnused, let unusedID = registry.ruleID(judging: .unusedSuppression), enabled.contains(unusedID) else {
      return kept
    }
    let unusedSilenced = suppressions.contains { other in
      other.scope == .file && other.entries.contains { $0.id == unusedID }
    }
    guard !unusedSilenced else { return kept }
    for (index, suppression) in suppressions.enumerated() {
      for (entryIndex, entry) in suppression.entries.enumerated() {
        guard let id = entry.id, enabled.contains(id), !used.contains([index, entryIndex]),
          let finding = judged(.unusedSuppression(entry.name), at: entry.range)
        else { continue }
        kept.append(finding)
      }
    }
    return kept
  }

  /// Messages name objects as parsed; put template placeholders back as written.
  private func restoringPlaceholders(_ finding: Finding, _ file: FinishingFile) -> Finding {
    guard !file.substitutions.isEmpty else { return finding }
    var restored = finding
    restored.message = Self.restoring(finding.message, file.substitutions)
    restored.help = finding.help.map { Self.restoring($0, file.substitutions) }
    return restored
  }

  /// `text` with each identifier-like word that is a placeholder's stand-in replaced by the
  /// placeholder: one pass over the text, whatever the number of placeholders.
  static func restoring(_ text: String, _ substitutions: [String: String]) -> String {
    var out = ""
    var word = ""
    func flush() {
      out += substitutions[word] ?? word
      word = ""
    }
    for character in text {
      if character == "_" || character.isLetter || character.isNumber {
        word.append(character)
      } else {
        flush()
        out.append(character)
      }
    }
    flush()
    return out
  }

  private func diagnostic(_ id: String, _ finding: Finding, _ source: SourceFile) -> Diagnostic {
    Diagnostic(
      ruleID: id, severity: configuration.severity[id] ?? finding.severity ?? registry.severity(of: id, configuration),
      message: finding.message,
      help: finding.help, path: source.path, range: finding.range,
      start: source.position(of: finding.range.start), end: source.position(of: finding.range.end),
      lock: finding.lock, fixes: finding.fixes, related: finding.related)
  }
}
