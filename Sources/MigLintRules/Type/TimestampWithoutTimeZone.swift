import MigLintCore
import MigLintSyntax

struct TimestampWithoutTimeZone: StatementRule {
  static let readsHistory = false

  static let description = RuleDescription(
    id: "timestamp-without-time-zone",
    summary: "A timestamp column without time zone",
    category: .type,
    severity: .info,
    aliases: ["prefer-timestamptz", "prefer-timestamp-tz"],
    fixSafety: .unsafe,
    rationale: """
      ## What it flags
      A column of type `timestamp` (`timestamp without time zone`) in `CREATE TABLE`,
      `ADD COLUMN` or `ALTER COLUMN … TYPE`.

      ## Why it is dangerous
      A `timestamp` stores wall-clock time with no zone: the same instant written from sessions in
      different time zones (or across a DST change) compares and sorts wrongly, and converting the
      column later rewrites the table.

      ## Safe alternative
      `timestamptz`: it stores an instant and converts to the session's zone on output.
      """,
    triggering: [
      "CREATE TABLE events (id bigint, happened_at ▶timestamp NOT NULL);",
      "ALTER TABLE events ADD COLUMN seen_at ▶timestamp(3) without time zone;",
    ],
    nonTriggering: [
      "CREATE TABLE events (id bigint, happened_at timestamptz NOT NULL);",
      "CREATE TABLE events (id bigint, happened_at timestamp with time zone);",
    ],
    corrections: [
      Correction(
        "CREATE TABLE events (id bigint, happened_at timestamp NOT NULL);",
        "CREATE TABLE events (id bigint, happened_at timestamptz NOT NULL);"),
      Correction(
        "ALTER TABLE events ADD COLUMN seen_at timestamp(3) without time zone;",
        "ALTER TABLE events ADD COLUMN seen_at timestamptz(3);"),
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    context.writtenTypes(statement).compactMap { item in
      guard item.type.baseName == "timestamp", let location = item.type.location else { return nil }
      var replacement = "timestamptz"
      if let precision = item.type.modifiers.first { replacement += "(\(precision))" }
      replacement += String(repeating: "[]", count: item.type.arrayDimensions)
      return Finding(
        at: context.typeRange(item.type) ?? SourceRange(start: location, end: location + 1),
        message:
          "Column \(item.table.column(item.column)) is `timestamp` without time zone: instants from different zones compare wrongly",
        help: "Use `timestamptz`",
        fixes: context.replaceTypeFix(item.type, with: replacement, title: "Use timestamptz"))
    }
  }
}
