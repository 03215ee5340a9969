import MigLintCore
import MigLintSyntax

struct DropTableReferenced: StatementRule {
  static let description = RuleDescription(
    id: "drop-table-referenced",
    summary: "Dropping a table that a foreign key or a view references fails",
    category: .compat,
    severity: .error,
    rationale: """
      ## What it flags
      `DROP TABLE` of a table that, in the schema model, another table's foreign key references
      or a view reads (tables dropped by the same statement do not count).

      ## Why it is dangerous
      Without `CASCADE`, PostgreSQL refuses it ("cannot drop table … because other objects depend
      on it"): the migration fails at deploy time. With `CASCADE` it silently drops the foreign
      keys and views too, and code that uses them breaks.

      ## Safe alternative
      Drop the foreign keys and views first, on purpose, after the code that needs them is gone.
      """,
    triggering: [
      """
      CREATE TABLE users (id bigint PRIMARY KEY);
      CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));
      ▶DROP TABLE users;
      """
    ],
    nonTriggering: [
      """
      CREATE TABLE users (id bigint PRIMARY KEY);
      CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));
      DROP TABLE orders, users;
      """,
      """
      CREATE TABLE users (id bigint PRIMARY KEY);
      CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));
      ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;
      DROP TABLE users;
      """,
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .drop(let drop) = statement.kind, drop.objectType == .table else { return [] }
    let dropped = Set(drop.objects.map(Catalog.key))
    var lines: [String] = []
    var related: [RelatedLocation] = []
    for object in drop.objects {
      let dependents = context.catalog.dependents(ofTable: Catalog.key(object), except: dropped)
      guard !dependents.isEmpty else { continue }
      related += dependents.compactMap(\.related)
      let names = dependents.map { $0.description + ($0.origin.map { " (\($0.location))" } ?? "") }
      lines.append("`\(object)` is used by \(names.joined(separator: ", "))")
    }
    guard !lines.isEmpty else { return [] }
    let outcome =
      drop.cascade ? "CASCADE silently drops them too" : "PostgreSQL refuses the drop, so the migration fails"
    return [
      Finding(
        at: statement.range, message: "\(lines.joined(separator: "; ")): \(outcome)",
        help: "Drop the foreign keys and views first, on purpose, once no code needs them", related: related)
    ]
  }
}
