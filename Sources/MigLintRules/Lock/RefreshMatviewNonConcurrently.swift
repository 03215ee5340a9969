import MigLintCore
import MigLintSyntax

struct RefreshMatviewNonConcurrently: StatementRule {
  static let description = RuleDescription(
    id: "refresh-matview-non-concurrently",
    summary: "REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks reads of the view",
    category: .lock,
    severity: .warning,
    fixSafety: .unsafe,
    rationale: """
      ## What it flags
      `REFRESH MATERIALIZED VIEW` without `CONCURRENTLY`, unless the view was created earlier in
      the same migration.

      ## Why it is dangerous
      The refresh takes an ACCESS EXCLUSIVE lock on the view and rewrites it: every query that reads
      the view waits until the whole query behind it has run again.

      ## Safe alternative
      `REFRESH MATERIALIZED VIEW CONCURRENTLY` (needs a unique index on the view, and cannot run in
      a transaction block): reads go on while it refreshes.
      """,
    triggering: [
      "▶REFRESH MATERIALIZED VIEW monthly_totals;"
    ],
    nonTriggering: [
      "REFRESH MATERIALIZED VIEW CONCURRENTLY monthly_totals;",
      """
      CREATE MATERIALIZED VIEW monthly_totals AS SELECT 1 AS n WITH NO DATA;
      REFRESH MATERIALIZED VIEW monthly_totals;
      """,
    ],
    corrections: [
      Correction(
        "REFRESH MATERIALIZED VIEW monthly_totals;",
        "REFRESH MATERIALIZED VIEW CONCURRENTLY monthly_totals;")
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .refreshMaterializedView(let name, let concurrently) = statement.kind, !concurrently,
      !context.catalog.isNewView(name)
    else { return [] }
    let fix = context.file.keyword("VIEW", in: statement).map { token in
      Fix(title: "Add CONCURRENTLY", safety: .unsafe, edits: [.insert(" CONCURRENTLY", at: token.end)])
    }
    return [
      Finding(
        at: statement.range,
        message:
          "Refreshing materialized view `\(name)` without CONCURRENTLY takes an ACCESS EXCLUSIVE lock that blocks reads until the refresh ends",
        help:
          "Use `REFRESH MATERIALIZED VIEW CONCURRENTLY` (needs a unique index on the view) outside a transaction block",
        lock: LockAcquisition(.accessExclusive, on: name), fixes: fix.map { [$0] } ?? [])
    ]
  }
}
