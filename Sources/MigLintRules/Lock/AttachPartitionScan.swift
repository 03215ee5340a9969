import MigLintCore
import MigLintSyntax

struct AttachPartitionScan: StatementRule {
  static let description = RuleDescription(
    id: "attach-partition-scan",
    summary: "ATTACH PARTITION scans the table to prove the partition bound",
    category: .lock,
    severity: .warning,
    rationale: """
      ## What it flags
      `ALTER TABLE parent ATTACH PARTITION t FOR VALUES …` of an existing table `t` that has no
      validated CHECK constraint (earlier in the migration) to prove the bound. miglint does not
      compare the CHECK with the bound: any validated CHECK on `t` counts.

      ## Why it is dangerous
      PostgreSQL scans the whole table to prove every row fits the bound, holding an ACCESS
      EXCLUSIVE lock on the table being attached for the whole scan.

      ## Safe alternative
      1. `ALTER TABLE t ADD CONSTRAINT t_bound CHECK (<the bound as an expression>) NOT VALID;`
      2. `ALTER TABLE t VALIDATE CONSTRAINT t_bound;` (SHARE UPDATE EXCLUSIVE: reads and writes go on)
      3. `ATTACH PARTITION` (skips the scan), then drop the check.
      """,
    triggering: [
      "ALTER TABLE events ▶ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
    ],
    nonTriggering: [
      """
      ALTER TABLE events_2024 ADD CONSTRAINT events_2024_bound
        CHECK (created_at >= '2024-01-01' AND created_at < '2025-01-01') NOT VALID;
      ALTER TABLE events_2024 VALIDATE CONSTRAINT events_2024_bound;
      ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
      """,
      """
      CREATE TABLE events_2025 (created_at timestamptz);
      ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
      """,
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .alterTable(let alter) = statement.kind else { return [] }
    return alter.commands.compactMap { command in
      guard command.subtype == .attachPartition, let partition = command.partition,
        context.catalog.isExisting(partition),
        !(context.catalog.table(partition)?.checks.contains { $0.validated } ?? false)
      else { return nil }
      return Finding(
        at: command.range,
        message:
          "Attaching `\(partition)` to `\(alter.relation)` scans it to prove the partition bound under an ACCESS EXCLUSIVE lock that blocks reads and writes",
        help: "Add a CHECK matching the bound NOT VALID, VALIDATE it, then attach (the scan is skipped)",
        lock: LockAcquisition(.accessExclusive, on: partition))
    }
  }
}
