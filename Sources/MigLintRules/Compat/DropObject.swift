import MigLintCore
import MigLintSyntax

struct DropObject: StatementRule {
  static let description = RuleDescription(
    id: "drop-object",
    summary: "Dropping a view, function, type, sequence, domain, schema, extension, constraint or default",
    category: .compat,
    severity: .warning,
    aliases: [
      "ban-drop-view", "ban-drop-function", "ban-drop-type", "ban-drop-sequence", "ban-drop-domain",
      "ban-drop-schema", "ban-drop-extension", "ban-drop-constraint", "ban-drop-default",
      "ban-drop-generated-expression",
    ],
    rationale: """
      ## What it flags
      `DROP VIEW`, `MATERIALIZED VIEW`, `FUNCTION`, `PROCEDURE`, `TYPE`, `SEQUENCE`, `DOMAIN`,
      `SCHEMA`, `EXTENSION`; `ALTER TABLE … DROP CONSTRAINT`, `ALTER COLUMN … DROP DEFAULT` and
      `DROP EXPRESSION`; unless the object was created earlier in the same migration.

      ## Why it is dangerous
      Code that is still running uses the object: queries on a dropped view or function fail,
      inserts that relied on a default get NULL (or fail on NOT NULL), and a dropped constraint
      stops protecting data that the application assumes it protects.

      ## Safe alternative
      Deploy code that no longer uses the object first, then drop it in a later release.
      """,
    triggering: [
      "▶DROP VIEW active_users;",
      "▶DROP FUNCTION touch_updated_at();",
      "ALTER TABLE orders ▶DROP CONSTRAINT orders_total_check;",
      "ALTER TABLE orders ALTER COLUMN ▶status DROP DEFAULT;",
    ],
    nonTriggering: [
      """
      CREATE VIEW tmp_report AS SELECT 1 AS n;
      DROP VIEW tmp_report;
      """,
      """
      ALTER TABLE orders ADD CONSTRAINT orders_tmp_check CHECK (total > 0) NOT VALID;
      ALTER TABLE orders DROP CONSTRAINT orders_tmp_check;
      """,
      "DROP TABLE old_orders;",
    ])

  /// Object kinds this rule covers (tables, indexes and databases have rules of their own).
  static let kinds: [String: String] = [
    "view": "view", "matview": "materialized view", "function": "function", "procedure": "procedure",
    "routine": "routine", "type": "type", "sequence": "sequence", "domain": "domain", "schema": "schema",
    "extension": "extension",
  ]

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    switch statement.kind {
    case .drop(let drop):
      guard let kind = Self.kinds[drop.objectType] else { return [] }
      let catalogKind = drop.objectType == "procedure" || drop.objectType == "routine" ? "function" : drop.objectType
      let existing = drop.objects.filter { !context.catalog.isNewObject(catalogKind, $0) }
      guard !existing.isEmpty else { return [] }
      let names = existing.map { "`\($0)`" }.joined(separator: ", ")
      return [
        Finding(
          at: statement.range,
          message: "Dropping \(kind) \(names) breaks running code that still uses it",
          help: "Deploy code that no longer uses the \(kind) first, then drop it in a later release")
      ]
    case .alterTable(let alter):
      return alter.commands.compactMap { command -> Finding? in
        switch command.subtype {
        case "DropConstraint":
          guard let name = command.name, !context.catalog.isNewConstraint(name, on: alter.relation) else { return nil }
          return Finding(
            at: command.range,
            message:
              "Dropping constraint `\(name)` of `\(alter.relation)` stops protecting data that running code may rely on",
            help: "Make sure no code relies on the constraint, then drop it in a later release")
        case "ColumnDefault" where command.defaultExpression == nil:
          // ALTER COLUMN … DROP DEFAULT (SET DEFAULT carries its expression).
          guard let name = command.name, context.catalog.isExistingColumn(name, of: alter.relation) else { return nil }
          return Finding(
            at: SourceRange(
              start: context.identifier(name, in: command.range)?.start ?? command.range.start, end: command.range.end),
            message:
              "Dropping the default of \(alter.relation.column(name)) makes inserts from running code that omit it store NULL or fail",
            help: "Deploy code that always sets `\(name)` first, then drop the default in a later release")
        case "DropExpression":
          guard let name = command.name else { return nil }
          return Finding(
            at: command.range,
            message:
              "Dropping the generation expression of \(alter.relation.column(name)) leaves the column unmaintained for running code",
            help: "Deploy code that writes the column itself first")
        default:
          return nil
        }
      }
    default:
      return []
    }
  }
}
