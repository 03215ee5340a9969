import MigLintCore
import MigLintSyntax

struct ForbiddenStatement: StatementRule {
  static let readsHistory = false

  /// squawk's opt-in `ban-*` ids that map onto a statement kind.
  static let aliasKinds = [
    "ban-revoke": "revoke", "ban-create-policy": "create-policy", "ban-add-column": "add-column",
  ]

  static let checksFunctionBodies = true
  static let description = RuleDescription(
    id: "forbidden-statement",
    summary: "A statement of a kind the project forbids",
    category: .compat,
    severity: .error,
    enabledByDefault: false,
    aliases: aliasKinds.keys.sorted(),
    options: """
      `forbid` in `miglint.toml` (or `--forbid`, repeatable) lists the kinds to report. Selecting
      squawk's `ban-revoke`, `ban-create-policy` or `ban-add-column` forbids that kind. Kinds:

      \(StatementKindNames.all.map { "- `\($0.name)`: \($0.meaning)" }.joined(separator: "\n"))
      """,
    rationale: """
      ## What it flags
      Statements of the kinds listed in `forbid` (off by default, and silent until `forbid`
      names something). One rule instead of dozens of one-line bans.

      ## Why it is dangerous
      Some statements do not belong in a project's migrations at all: permissions managed
      elsewhere (`grant`, `revoke`), server settings (`alter-system`), row-level security managed
      by another team (`create-policy`), or changes a team has decided to make only by hand.

      ## Safe alternative
      Do it where the project does it instead (its permission tooling, a runbook), or remove the
      kind from `forbid`.
      """,
    triggering: [
      RuleExample("▶REVOKE ALL ON users FROM PUBLIC;", configuration: #"forbid = ["revoke"]"#),
      RuleExample("▶ALTER TABLE users ADD COLUMN note text;", configuration: #"select = ["ban-add-column"]"#),
      RuleExample("▶DROP POLICY owner_only ON users;", configuration: #"forbid = ["drop-policy"]"#),
      RuleExample("▶ALTER TABLE users OWNER TO app;", configuration: #"forbid = ["owner"]"#),
    ],
    nonTriggering: [
      RuleExample("GRANT SELECT ON users TO reporting;", configuration: #"forbid = ["revoke"]"#),
      "REVOKE ALL ON users FROM PUBLIC;",
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    var forbidden = context.options.forbid
    for selector in context.options.selectors { if let kind = Self.aliasKinds[selector] { forbidden.insert(kind) } }
    guard !forbidden.isEmpty else { return [] }
    let matched = StatementKindNames.names(of: statement).filter(forbidden.contains)
    guard let kind = matched.first else { return [] }
    return [
      Finding(
        at: statement.range,
        message: "`\(context.headline(statement))` is a `\(kind)` statement, which this project forbids in migrations",
        help: "Do it the way the project does it instead, or remove `\(kind)` from `forbid`")
    ]
  }
}
