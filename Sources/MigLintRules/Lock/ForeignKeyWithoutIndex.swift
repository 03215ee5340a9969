import MigLintCore
import MigLintSyntax

struct ForeignKeyWithoutIndex: StatementRule {
  static let description = RuleDescription(
    id: "foreign-key-without-index",
    summary: "A foreign key whose columns lead no index on the referencing table",
    category: .lock,
    severity: .info,
    rationale: """
      ## What it flags
      A foreign key (in `CREATE TABLE` or `ALTER TABLE`) whose referencing columns are not the
      leading columns of any index, primary key or unique constraint of the referencing table,
      in the schema model or later in the migration. Tables whose indexes miglint cannot know
      (created before the migrations it reads) are not judged.

      ## Why it is dangerous
      Every `DELETE` or key `UPDATE` on the referenced table must find the referencing rows: with
      no index it scans the whole referencing table, under a lock, once per row deleted.

      ## Safe alternative
      `CREATE INDEX CONCURRENTLY … ON referencing_table (fk_columns);`
      """,
    triggering: [
      """
      CREATE TABLE comments (
        id bigint PRIMARY KEY,
        ▶post_id bigint REFERENCES posts (id)
      );
      """
    ],
    nonTriggering: [
      """
      CREATE TABLE comments (id bigint PRIMARY KEY, post_id bigint REFERENCES posts (id));
      CREATE INDEX comments_post_idx ON comments (post_id, id);
      """,
      """
      CREATE TABLE tags (post_id bigint REFERENCES posts (id), tag text, PRIMARY KEY (post_id, tag));
      """,
      "ALTER TABLE comments ADD CONSTRAINT comments_post_fk FOREIGN KEY (post_id) REFERENCES posts (id) NOT VALID;",
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    var foreignKeys: [(table: QualifiedName, columns: [String], location: Int?)] = []
    var keysHere: [[String?]] = []
    let table: QualifiedName
    switch statement.kind {
    case .createTable(let create):
      table = create.name
      for column in create.columns {
        if column.has(.foreignKey) { foreignKeys.append((create.name, [column.name], column.location)) }
        if column.has(.primaryKey) || column.has(.unique) { keysHere.append([column.name]) }
      }
      for constraint in create.constraints {
        if constraint.kind == .foreignKey { foreignKeys.append((create.name, constraint.columns, constraint.location)) }
        if constraint.kind == .primaryKey || constraint.kind == .unique { keysHere.append(constraint.columns) }
      }
    case .alterTable(let alter):
      // Only tables whose indexes the model knows completely: those whose CREATE it replayed.
      guard context.catalog.table(alter.relation)?.origin != nil else { return [] }
      table = alter.relation
      for command in alter.commands {
        if let constraint = command.constraint, constraint.kind == .foreignKey {
          foreignKeys.append((alter.relation, constraint.columns, constraint.location))
        }
        if let column = command.column, column.has(.foreignKey) {
          foreignKeys.append((alter.relation, [column.name], column.location))
        }
      }
    default:
      return []
    }
    return foreignKeys.compactMap { foreignKey in
      let covered = { (key: [String?]) in
        key.count >= foreignKey.columns.count && zip(key, foreignKey.columns).allSatisfy { $0 == $1 }
      }
      if keysHere.contains(where: covered) || context.catalog.hasIndex(on: table, leading: foreignKey.columns) {
        return nil
      }
      let indexedLater = context.laterStatements(ofNode: .indexStmt, .alterTableStmt, naming: table.name).contains {
        later in
        switch later.kind {
        case .createIndex(let index):
          return context.catalog.same(index.table, table) && covered(index.columns)
        case .alterTable(let alter) where context.catalog.same(alter.relation, table):
          return alter.commands.contains { command in
            guard let constraint = command.constraint, constraint.kind == .primaryKey || constraint.kind == .unique
            else { return false }
            return covered(constraint.columns)
          }
        default:
          return false
        }
      }
      guard !indexedLater else { return nil }
      let columns = foreignKey.columns.joined(separator: ", ")
      return Finding(
        at: foreignKey.location.map { context.tokenRange(at: $0) } ?? statement.range,
        message:
          "Foreign key on `\(table)` (\(columns)) has no index leading with its columns: each delete or key update on the referenced table scans `\(table)`",
        help: "Create an index on `\(table)` (\(columns)), concurrently if the table has rows")
    }
  }
}
