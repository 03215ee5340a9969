import MigLintCore
import MigLintSyntax

struct DynamicSQL: ObservationRule {
  static let description = RuleDescription(
    id: "dynamic-sql",
    summary: "DDL built at run time in a DO block or function, which cannot be analysed",
    category: .syntax,
    severity: .info,
    rationale: """
      ## What it flags
      `EXECUTE` of a string built at run time, inside a `DO` block or a PL/pgSQL function, when the
      expression contains DDL keywords (`ALTER`, `CREATE`, `DROP`, `TRUNCATE`, …). Reported once a
      block. The block's plain SQL statements are linted like top-level ones.

      ## Why it is dangerous
      The statement only exists when the block runs: every hazard this linter knows can hide in
      it, unchecked.

      ## Safe alternative
      Write the statements as plain SQL where possible, or review the generated ones by hand.
      """,
    triggering: [
      """
      DO $$
      BEGIN
        EXECUTE ▶'ALTER TABLE ' || quote_ident('events_' || to_char(now(), 'YYYY')) || ' ADD COLUMN note text';
      END
      $$;
      """
    ],
    nonTriggering: [
      """
      DO $$
      BEGIN
        EXECUTE 'SELECT 1';
      END
      $$;
      """
    ])
}

/// Reported by the workspace from file names (MigLintWorkspace/LayoutBuilder.swift).

extension DynamicSQL {
  static let judges: Set<Observation.Kind> = [.dynamicDDL]

  static func finding(for observation: Observation, at range: SourceRange) -> Finding? {
    guard case .dynamicDDL(let count, let inDoBlock) = observation else { return nil }
    return Finding(
      at: range,
      message:
        "\(count) `EXECUTE` statement\(count == 1 ? "" : "s") in this \(inDoBlock ? "DO block" : "function") build\(count == 1 ? "s" : "") DDL at run time, which miglint cannot analyse",
      help: "Review the generated statements by hand, or write them as plain SQL")
  }
}
