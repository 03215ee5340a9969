import MigLintCore
import MigLintSyntax

struct DetachPartitionNonConcurrently: StatementRule {
  static let description = RuleDescription(
    id: "detach-partition-non-concurrently",
    summary: "DETACH PARTITION without CONCURRENTLY blocks reads and writes on the parent table",
    category: .lock,
    severity: .warning,
    aliases: ["require-concurrent-partition-detach"],
    fixSafety: .unsafe,
    versionNotes: "Only for a target of PostgreSQL 14 or later: `DETACH … CONCURRENTLY` does not exist before.",
    rationale: """
      ## What it flags
      `ALTER TABLE … DETACH PARTITION …` without `CONCURRENTLY` (or `FINALIZE`), when the target is
      PostgreSQL 14 or later.

      ## Why it is dangerous
      A plain detach takes an ACCESS EXCLUSIVE lock on the parent table: every query on the whole
      partitioned table waits.

      ## Safe alternative
      `ALTER TABLE … DETACH PARTITION … CONCURRENTLY` (SHARE UPDATE EXCLUSIVE), outside a transaction
      block; if it is interrupted, finish it with `DETACH PARTITION … FINALIZE`.
      """,
    triggering: [
      "ALTER TABLE events ▶DETACH PARTITION events_2023;"
    ],
    nonTriggering: [
      "ALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY;",
      "ALTER TABLE events DETACH PARTITION events_2023 FINALIZE;",
      RuleExample("ALTER TABLE events DETACH PARTITION events_2023;", pgVersion: 13),
    ],
    corrections: [
      Correction(
        "ALTER TABLE events DETACH PARTITION events_2023;",
        "ALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY;")
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard context.pg(atLeast: 14), case .alterTable(let alter) = statement.kind,
      context.catalog.isExisting(alter.relation)
    else { return [] }
    return alter.commands.compactMap { command in
      guard command.subtype == .detachPartition, !command.concurrent else { return nil }
      return Finding(
        at: command.range,
        message:
          "Detaching partition `\(command.partition?.description ?? "?")` without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on `\(alter.relation)` that blocks reads and writes",
        help: context.outsideTransaction("Use `DETACH PARTITION … CONCURRENTLY` outside a transaction block"),
        lock: LockAcquisition(.accessExclusive, on: alter.relation),
        fixes: alter.commands.count == 1 ? context.concurrentlyFix(at: command.range.end).map { [$0] } ?? [] : [])
    }
  }
}
