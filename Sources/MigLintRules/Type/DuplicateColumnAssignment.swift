import MigLintCore
import MigLintSyntax

struct DuplicateColumnAssignment: StatementRule {
  static let readsHistory = false

  static let checksFunctionBodies = true
  static let description = RuleDescription(
    id: "duplicate-column-assignment",
    summary: "The same column assigned or listed twice, which PostgreSQL rejects",
    category: .type,
    severity: .error,
    aliases: ["ban-duplicate-column-assignments"],
    rationale: """
      ## What it flags
      A column assigned twice in one `UPDATE … SET`, named twice in an `INSERT` column list, or
      defined twice in a `CREATE TABLE`.

      ## Why it is dangerous
      PostgreSQL refuses the statement ("multiple assignments to same column", "column specified
      more than once"): the migration fails at deploy time. It is usually a copy-and-paste slip
      where one of the two values was meant for another column.

      ## Safe alternative
      Keep one assignment per column.
      """,
    triggering: [
      "UPDATE users SET status = 'active', ▶status = 'verified' WHERE id = 1;",
      "INSERT INTO users (id, email, ▶email) VALUES (1, 'a@x', 'b@x');",
      "CREATE TABLE t (id bigint, note text, ▶note text);",
    ],
    nonTriggering: ["UPDATE users SET status = 'active', verified = true WHERE id = 1;"])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    let items: [(name: String, location: Int?)]
    let what: String
    switch statement.kind {
    case .dataChange(let change):
      items = zip(change.columns, change.columnLocations).map { ($0, $1) }
      what =
        change.kind == .update
        ? "assigned twice in `UPDATE \(change.table)`" : "listed twice in `INSERT INTO \(change.table)`"
    case .createTable(let create):
      items = create.columns.map { ($0.name, $0.location) }
      what = "defined twice in `CREATE TABLE \(create.name)`"
    default:
      return []
    }
    var seen = Set<String>()
    return items.compactMap { item in
      if seen.insert(item.name).inserted { return nil }
      return Finding(
        at: context.tokenRange(at: item.location ?? statement.range.start),
        message: "Column `\(item.name)` is \(what), which PostgreSQL rejects", help: "Keep one per column")
    }
  }
}
