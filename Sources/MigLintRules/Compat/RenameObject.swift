import MigLintCore
import MigLintSyntax

struct RenameObject: StatementRule {
  static let description = RuleDescription(
    id: "rename-object",
    summary: "Renaming a view, function, type, enum value, sequence, schema, index or constraint",
    category: .compat,
    severity: .warning,
    aliases: ["renaming-object", "ban-set-schema"],
    rationale: """
      ## What it flags
      `ALTER … RENAME TO` of views, materialized views, functions, procedures, types, sequences,
      schemas, indexes and constraints; `ALTER TYPE … RENAME VALUE`; `ALTER … SET SCHEMA`. Objects
      created earlier in the same migration are not flagged.

      ## Why it is dangerous
      Running code refers to the old name (a function call, a `::mood` cast, an enum literal, a
      constraint name matched in error handling, an index named in a hint) and fails as soon as
      the migration commits.

      ## Safe alternative
      Create the object under the new name next to the old one, move the code over, and drop the
      old one in a later release.
      """,
    triggering: [
      "▶ALTER VIEW active_users RENAME TO current_users;",
      "▶ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';",
      "▶ALTER TABLE users SET SCHEMA archive;",
      "▶ALTER INDEX users_email_idx RENAME TO users_email_key;",
    ],
    nonTriggering: [
      """
      CREATE VIEW tmp_report AS SELECT 1 AS n;
      ALTER VIEW tmp_report RENAME TO report;
      """,
      "ALTER TABLE users RENAME COLUMN email TO mail;",
    ])

  static let kinds: [ObjectType: String] = [
    .view: "view", .matview: "materialized view", .function: "function", .procedure: "procedure",
    .type: "type", .sequence: "sequence", .schema: "schema", .index: "index", .tabconstraint: "constraint",
    .domain: "domain", .trigger: "trigger", .policy: "policy",
  ]

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    let help = "Create the object under the new name, move the code over, then drop the old one in a later release"
    switch statement.kind {
    case .rename(let rename):
      guard let kind = Self.kinds[rename.renameType], let object = rename.relation else { return [] }
      if rename.renameType == .index, context.catalog.isNewIndex(object) { return [] }
      if rename.renameType == .tabconstraint {
        let name = rename.oldName ?? ""
        if context.catalog.isNewConstraint(name, on: object) { return [] }
        return [
          Finding(
            at: statement.range,
            message:
              "Renaming constraint `\(name)` of `\(object)` to `\(rename.newName)` breaks code that refers to the old name",
            help: help)
        ]
      }
      if context.catalog.isNewObject(rename.renameType.catalogKind, object) { return [] }
      return [
        Finding(
          at: statement.range,
          message: "Renaming \(kind) `\(object)` to `\(rename.newName)` breaks running code that uses the old name",
          help: help)
      ]
    case .enumChange(let change) where change.renamedFrom != nil:
      guard !context.catalog.isNewObject(.type, change.name), let old = change.renamedFrom else { return [] }
      return [
        Finding(
          at: statement.range,
          message:
            "Renaming value '\(old)' of enum `\(change.name)` to '\(change.values.first ?? "")' breaks running code that uses the old value",
          help: "Add the new value, move data and code to it, and stop using the old one")
      ]
    case .setSchema(let change):
      guard let object = change.object else { return [] }
      let isNew =
        change.objectType == .table
        ? !context.catalog.isExisting(object) : context.catalog.isNewObject(change.objectType, object)
      guard !isNew else { return [] }
      return [
        Finding(
          at: statement.range,
          message:
            "Moving \(change.objectType.rawValue) `\(object)` to schema `\(change.newSchema)` breaks running code that uses its qualified name or search_path",
          help: help)
      ]
    default:
      return []
    }
  }
}
