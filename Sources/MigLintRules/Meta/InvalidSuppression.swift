import MigLintCore
import MigLintSyntax

struct InvalidSuppression: ObservationRule {
  static let description = RuleDescription(
    id: "invalid-suppression",
    summary: "A suppression comment naming an unknown rule id, or malformed",
    category: .syntax,
    severity: .error,
    options: """
      `require-suppression-reason = true` in `miglint.toml` also reports suppressions without a
      reason (`-- miglint-ignore drop-table -- reason`).
      """,
    rationale: """
      ## What it flags
      A `-- miglint-ignore` comment that names no rule, or a rule id that does not exist
      (squawk's ids are accepted as aliases).

      ## Why it is dangerous
      A typo in a suppression silences nothing, and the intended rule fires anyway, or worse, the
      reader believes a hazard was reviewed when it was not.

      ## Safe alternative
      Use an id from `miglint rules`.
      """,
    // The findings are about suppression comments: another one cannot be their subject.
    triggering: [
      RuleExample(
        """
        -- miglint-ignore ▶drop-tabel
        DROP TABLE old_sessions;
        """, skipping: [.suppression]),
      RuleExample(
        """
        ▶-- miglint-ignore
        SELECT 1;
        """, skipping: [.suppression]),
    ],
    nonTriggering: [
      """
      -- miglint-ignore ban-drop-table -- squawk's id, accepted as an alias
      DROP TABLE old_sessions;
      """
    ])
}

extension InvalidSuppression {
  static let judges: Set<Observation.Kind> = [
    .suppressionWithoutRule, .unknownSuppressedRule, .suppressionWithoutReason,
  ]

  static func finding(for observation: Observation, at range: SourceRange) -> Finding? {
    switch observation {
    case .suppressionWithoutRule(let directive):
      Finding(
        at: range, message: "`\(directive)` names no rule",
        help: "Name the rule ids to silence: `-- \(directive) rule-id -- reason`")
    case .unknownSuppressedRule(let name):
      Finding(
        at: range, message: "Unknown rule id `\(name)` in a suppression comment", help: "Use an id from `miglint rules`"
      )
    case .suppressionWithoutReason:
      Finding(
        at: range, message: "Suppression comment gives no reason",
        help: "Add a reason after ` -- `; `require-suppression-reason` is set")
    default:
      nil
    }
  }
}
