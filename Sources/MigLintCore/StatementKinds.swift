import MigLintSyntax

/// Names of statement kinds for the `forbid` setting of `forbidden-statement`.
package enum StatementKindNames {
  /// Every name `forbid` accepts, with what it matches.
  package static let all: [(name: String, meaning: String)] = [
    ("add-column", "ALTER TABLE … ADD COLUMN"),
    ("alter-column-type", "ALTER TABLE … ALTER COLUMN … TYPE"),
    ("alter-system", "ALTER SYSTEM"),
    ("alter-table", "any ALTER TABLE"),
    ("cluster", "CLUSTER"),
    ("comment", "COMMENT ON"),
    ("copy", "COPY"),
    ("create-extension", "CREATE EXTENSION"),
    ("create-function", "CREATE FUNCTION / PROCEDURE"),
    ("create-index", "CREATE INDEX"),
    ("create-policy", "CREATE POLICY"),
    ("create-role", "CREATE ROLE / USER / GROUP"),
    ("create-schema", "CREATE SCHEMA"),
    ("create-table", "CREATE TABLE"),
    ("create-trigger", "CREATE TRIGGER"),
    ("create-view", "CREATE VIEW / MATERIALIZED VIEW"),
    ("delete", "DELETE"),
    ("do", "DO blocks"),
    ("drop", "any DROP"),
    ("drop-column", "ALTER TABLE … DROP COLUMN"),
    ("drop-index", "DROP INDEX"),
    ("drop-policy", "DROP POLICY"),
    ("drop-role", "DROP ROLE / USER / GROUP"),
    ("drop-table", "DROP TABLE"),
    ("grant", "GRANT"),
    ("insert", "INSERT"),
    ("lock-table", "LOCK TABLE"),
    ("owner", "ALTER … OWNER TO"),
    ("reindex", "REINDEX"),
    ("revoke", "REVOKE"),
    ("security-label", "SECURITY LABEL"),
    ("truncate", "TRUNCATE"),
    ("update", "UPDATE"),
    ("vacuum", "VACUUM / ANALYZE"),
  ]

  package static let names = Set(all.map(\.name))

  /// The kind names that describe `statement` (an ALTER TABLE … ADD COLUMN is both
  /// `alter-table` and `add-column`).
  package static func names(of statement: Statement) -> [String] {
    switch statement.kind {
    case .createTable: return ["create-table"]
    case .alterTable(let alter):
      var names = alter.objectType == .table ? ["alter-table"] : []
      let subtypes = Set(alter.commands.map(\.subtype))
      if subtypes.contains(.addColumn) { names.append("add-column") }
      if subtypes.contains(.dropColumn) { names.append("drop-column") }
      if subtypes.contains(.alterColumnType) { names.append("alter-column-type") }
      if subtypes.contains(.changeOwner) { names.append("owner") }
      return names
    case .createIndex: return ["create-index"]
    case .drop(let drop):
      switch drop.objectType {
      case .table: return ["drop", "drop-table"]
      case .index: return ["drop", "drop-index"]
      case .policy: return ["drop", "drop-policy"]
      default: return ["drop"]
      }
    case .createView: return ["create-view"]
    case .reindex: return ["reindex"]
    case .vacuum: return ["vacuum"]
    case .alterSystem: return ["alter-system"]
    case .truncate: return ["truncate"]
    case .lockTable: return ["lock-table"]
    case .cluster: return ["cluster"]
    case .dataChange(let change): return [change.kind.rawValue]
    case .function: return ["create-function"]
    case .doBlock: return ["do"]
    case .createObject(let object):
      switch object.objectType {
      case .schema: return ["create-schema"]
      case .extension: return ["create-extension"]
      case .trigger: return ["create-trigger"]
      case .policy: return ["create-policy"]
      default: return []
      }
    case .dropDatabase: return ["drop"]
    case .rename, .transaction, .variableSet, .createDatabase, .refreshMaterializedView, .enumChange,
      .domainChange, .setSchema:
      return []
    case .other:
      switch statement.nodeType {
      case .grantStmt: return [statement.isGrant ? "grant" : "revoke"]
      case .createRoleStmt: return ["create-role"]
      case .dropRoleStmt: return ["drop-role"]
      case .copyStmt: return ["copy"]
      case .commentStmt: return ["comment"]
      case .alterOwnerStmt: return ["owner"]
      case .secLabelStmt: return ["security-label"]
      default: return []
      }
    }
  }
}
