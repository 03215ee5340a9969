import MigLintCore
import MigLintSyntax

struct NonIdempotentStatement: StatementRule {
  /// A half-applied down needs a re-run as much as an up.
  static let isSchemaChangeAdvice = false

  static let description = RuleDescription(
    id: "non-idempotent-statement",
    summary: "CREATE without IF NOT EXISTS or DROP without IF EXISTS outside a transaction",
    category: .type,
    severity: .info,
    aliases: ["prefer-robust-stmts"],
    fixSafety: .safe,
    rationale: """
      ## What it flags
      Outside a transaction block: `CREATE TABLE`, `INDEX`, `SCHEMA`, `SEQUENCE` or `EXTENSION`
      without `IF NOT EXISTS`; `DROP …` without `IF EXISTS`; `ADD COLUMN` without `IF NOT EXISTS`;
      `DROP COLUMN` / `DROP CONSTRAINT` without `IF EXISTS`.

      ## Why it is dangerous
      A migration that runs without a transaction (needed for `CONCURRENTLY`) and fails half way
      leaves some statements applied. Re-running it then fails on the first statement that already
      took effect, and someone has to repair the database by hand.

      A `CREATE INDEX CONCURRENTLY` is different: a failed concurrent build leaves an INVALID
      index behind, and `IF NOT EXISTS` then skips the re-run with a notice, keeping the invalid
      index (checked against PostgreSQL 15). So it is reported with or without `IF NOT EXISTS`,
      and no fix adds `IF NOT EXISTS` to it.

      ## Safe alternative
      Write each statement so that running it twice is harmless: `IF NOT EXISTS` / `IF EXISTS`.
      For a concurrent index build, drop a leftover first: `DROP INDEX CONCURRENTLY IF EXISTS
      name;`, then `CREATE INDEX CONCURRENTLY name …` (each outside a transaction block).

      A script of one statement is not reported (it fails whole or succeeds whole), unless the
      statement is `CONCURRENTLY`.
      """,
    triggering: [
      "▶CREATE INDEX CONCURRENTLY users_email_idx ON users (email);",
      "▶CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);",
      "▶DROP INDEX CONCURRENTLY users_old_idx;",
      """
      ALTER TABLE users ▶ADD COLUMN note text;
      ALTER TABLE users ▶DROP COLUMN legacy_note;
      """,
    ],
    nonTriggering: [
      """
      DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;
      CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
      """,
      "DROP TABLE IF EXISTS old_sessions;",
      """
      BEGIN;
      CREATE TABLE teams (id bigint);
      COMMIT;
      """,
      "CREATE TABLE teams (id bigint);",
    ],
    corrections: [
      Correction(
        "DROP INDEX CONCURRENTLY users_old_idx;",
        "DROP INDEX CONCURRENTLY IF EXISTS users_old_idx;"),
      Correction(
        """
        ALTER TABLE users ADD COLUMN note text;
        ALTER TABLE users DROP COLUMN legacy_note;
        """,
        """
        ALTER TABLE users ADD COLUMN IF NOT EXISTS note text;
        ALTER TABLE users DROP COLUMN IF EXISTS legacy_note;
        """),
    ])

  /// DROP object kinds and the keyword after which IF EXISTS goes.
  static let dropKeywords: [ObjectType: String] = [
    .table: "TABLE", .index: "INDEX", .view: "VIEW", .matview: "VIEW", .sequence: "SEQUENCE",
    .schema: "SCHEMA", .extension: "EXTENSION", .type: "TYPE", .domain: "DOMAIN", .function: "FUNCTION",
    .procedure: "PROCEDURE", .trigger: "TRIGGER", .policy: "POLICY",
  ]

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard !context.state.transaction.inTransaction else { return [] }
    if context.file.statements.count == 1, statement.nonTransactionalName == nil { return [] }
    // Built only for a statement that is reported: most are not.
    var headline: String { context.headline(statement) }
    func finding(_ range: SourceRange, _ message: String, insert text: String, after keyword: Token?) -> Finding {
      Finding(
        at: range, message: message,
        help: "Add `\(text.trimmingSpaces)` so that a re-run after a partial failure succeeds",
        fixes: keyword.map {
          [Fix(title: "Add \(text.trimmingSpaces)", safety: .safe, edits: [.insert(text, at: $0.end)])]
        } ?? [])
    }
    switch statement.kind {
    case .createTable(let create) where !create.ifNotExists && !create.isTemporary:
      return [
        finding(
          statement.range, "`\(headline)` fails if `\(create.name)` exists", insert: " IF NOT EXISTS",
          after: context.file.keyword("TABLE", in: statement))
      ]
    case .createIndex(let index) where index.concurrently && index.name != nil:
      // A failed concurrent build leaves an INVALID index behind; `IF NOT EXISTS` would then skip
      // the build with a notice and keep the invalid index. The safe re-run drops it first.
      let name = index.name ?? ""
      let leftoverDropped = context.earlierStatements(ofNode: .dropStmt, naming: name).contains { earlier in
        guard case .drop(let drop) = earlier.kind, drop.objectType == .index, drop.missingOk else { return false }
        return drop.objects.contains { $0.name == name && $0.schema == index.table.schema }
      }
      if leftoverDropped { return [] }
      if index.ifNotExists {
        return [
          Finding(
            at: statement.range,
            message:
              "`\(headline)` skips the build, with only a notice, when a failed earlier run left index `\(name)` INVALID",
            help:
              "Drop a leftover first (`DROP INDEX CONCURRENTLY IF EXISTS \(name);` run on its own first: in a migration of its own where the tool sends a file as one query) and build without `IF NOT EXISTS`"
          )
        ]
      }
      return [
        Finding(
          at: statement.range,
          message:
            "`\(headline)` fails if index `\(name)` exists, and a failed concurrent build leaves it behind INVALID",
          help:
            "Drop a leftover first (`DROP INDEX CONCURRENTLY IF EXISTS \(name);` run on its own first: in a migration of its own where the tool sends a file as one query); do not add `IF NOT EXISTS`, which would keep an invalid index without an error"
        )
      ]
    case .createIndex(let index) where !index.ifNotExists && index.name != nil:
      let keyword = context.file.keyword("INDEX", in: statement)
      return [
        finding(
          statement.range, "`\(headline)` fails if index `\(index.name ?? "")` exists", insert: " IF NOT EXISTS",
          after: keyword)
      ]
    case .createObject(let object)
    where !object.ifNotExists && [.schema, .sequence, .extension].contains(object.objectType):
      return [
        finding(
          statement.range, "`\(headline)` fails if \(object.objectType.rawValue) `\(object.name)` exists",
          insert: " IF NOT EXISTS",
          after: context.file.keyword(object.objectType.keywords, in: statement))
      ]
    case .drop(let drop) where !drop.missingOk:
      guard let word = Self.dropKeywords[drop.objectType] else { return [] }
      let keyword =
        drop.concurrently
        ? context.file.keyword("CONCURRENTLY", in: statement) : context.file.keyword(word, in: statement)
      return [
        finding(
          statement.range, "`\(headline)` fails if the object is already gone", insert: " IF EXISTS", after: keyword)
      ]
    case .alterTable(let alter):
      return alter.commands.compactMap { command in
        let keyword = firstKeywords(command.range, context)
        switch command.subtype {
        case .addColumn where !command.missingOk:
          return finding(
            command.range, "`ADD COLUMN \(command.column?.name ?? "")` fails if the column exists",
            insert: " IF NOT EXISTS", after: keyword)
        case .dropColumn where !command.missingOk:
          return finding(
            command.range, "`DROP COLUMN \(command.name ?? "")` fails if the column is already gone",
            insert: " IF EXISTS", after: keyword)
        case .dropConstraint where !command.missingOk:
          return finding(
            command.range, "`DROP CONSTRAINT \(command.name ?? "")` fails if the constraint is already gone",
            insert: " IF EXISTS", after: keyword)
        default:
          return nil
        }
      }
    default:
      return []
    }
  }

  /// `ADD`/`DROP` and an optional `COLUMN`/`CONSTRAINT` at the start of a subcommand: the last of them.
  private func firstKeywords(_ range: SourceRange, _ context: StatementContext) -> Token? {
    let tokens = context.file.tokens
    let first = tokens.firstIndex(startingAtOrAfter: range.start)
    guard first < tokens.count else { return nil }
    let next = first + 1 < tokens.count ? tokens[first + 1] : nil
    if let next, ["COLUMN", "CONSTRAINT"].contains(context.file.text(next.range).uppercased()) { return next }
    return tokens[first]
  }
}
