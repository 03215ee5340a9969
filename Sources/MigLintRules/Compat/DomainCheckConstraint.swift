import MigLintCore
import MigLintSyntax

struct DomainCheckConstraint: StatementRule {
  static let readsHistory = false

  static let description = RuleDescription(
    id: "domain-check-constraint",
    summary: "A domain constraint is checked against every column that uses the domain",
    category: .compat,
    severity: .warning,
    aliases: ["ban-create-domain-with-constraint", "ban-alter-domain-with-add-constraint"],
    rationale: """
      ## What it flags
      `CREATE DOMAIN … CHECK (…)` or `NOT NULL`, and `ALTER DOMAIN … ADD CONSTRAINT` / `SET NOT NULL`
      without `NOT VALID`.

      ## Why it is dangerous
      `ALTER DOMAIN … ADD CONSTRAINT` scans every column of every table that uses the domain,
      under locks on all of them; and a constraint on a domain cannot be changed later without
      touching every one of those tables. Domain constraints are also not checked in some paths
      (a domain over a domain, composite defaults), which surprises readers.

      ## Safe alternative
      Put CHECK constraints on the tables (added `NOT VALID`, then validated); use domains only as
      type aliases. If a domain constraint is needed, add it `NOT VALID` and validate it separately.
      """,
    triggering: [
      "▶CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);",
      "▶ALTER DOMAIN email ADD CONSTRAINT email_at CHECK (VALUE LIKE '%@%');",
    ],
    nonTriggering: [
      "CREATE DOMAIN email AS text;",
      "ALTER DOMAIN email ADD CONSTRAINT email_at CHECK (VALUE LIKE '%@%') NOT VALID;",
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .domainChange(let change) = statement.kind, change.addsConstraint, !change.notValid else { return [] }
    let message =
      change.isCreate
      ? "Domain `\(change.name)` is created with a constraint that every column using it will be checked against, and that cannot be changed without touching them all"
      : "Adding a constraint to domain `\(change.name)` scans every column of every table that uses it"
    return [
      Finding(
        at: statement.range, message: message,
        help: "Put CHECK constraints on the tables (NOT VALID, then VALIDATE), or add the domain constraint NOT VALID")
    ]
  }
}
