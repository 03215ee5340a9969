import MigLintCore
import MigLintSyntax

struct UnusedSuppression: ObservationRule {
  static let description = RuleDescription(
    id: "unused-suppression",
    summary: "A suppression comment that silenced nothing",
    category: .syntax,
    severity: .warning,
    rationale: """
      ## What it flags
      A rule id in a `-- miglint-ignore` or `-- miglint-ignore-file` comment that silenced no
      finding (only for rules that are enabled).

      ## Why it is dangerous
      Stale suppressions hide the next real finding of that rule on the statement, and mislead
      readers about what the migration does.

      ## Safe alternative
      Remove the id from the comment (or the whole comment).
      """,
    triggering: [
      // The finding is about a suppression comment: another one cannot be its subject.
      RuleExample(
        """
        -- miglint-ignore ▶drop-table
        ALTER TABLE users ADD COLUMN note text;
        """, skipping: [.suppression])
    ],
    nonTriggering: [
      """
      -- miglint-ignore drop-table -- archived in ticket 42
      DROP TABLE old_sessions;
      """
    ])
}

extension UnusedSuppression {
  static let judges: Set<Observation.Kind> = [.unusedSuppression]

  static func finding(for observation: Observation, at range: SourceRange) -> Finding? {
    guard case .unusedSuppression(let name) = observation else { return nil }
    return Finding(
      at: range, message: "Suppression of `\(name)` silenced nothing", help: "Remove `\(name)` from the comment")
  }
}
