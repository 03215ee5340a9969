import MigLintCore
import MigLintSyntax

struct AddEnumValueInTransaction: StatementRule {
  static let description = RuleDescription(
    id: "add-enum-value-in-transaction",
    summary: "ALTER TYPE … ADD VALUE inside a transaction block fails before PostgreSQL 12",
    category: .transaction,
    severity: .error,
    versionNotes: """
      Before PostgreSQL 12 the statement fails inside a transaction block: **error**. From 12 it
      succeeds, but the new value cannot be used until the transaction commits: **info**, or
      **error** when a later statement of the same transaction uses the value.
      """,
    rationale: """
      ## What it flags
      `ALTER TYPE … ADD VALUE` inside a transaction block.

      ## Why it is dangerous
      Before PostgreSQL 12: "ALTER TYPE … ADD cannot run inside a transaction block". From 12:
      using the new value before the transaction commits fails with "unsafe use of new value".

      ## Safe alternative
      Add the value in a migration of its own that runs without a transaction (or commit before
      using it), and use it in a later migration.
      """,
    triggering: [
      RuleExample(
        """
        BEGIN;
        ▶ALTER TYPE mood ADD VALUE 'ecstatic';
        COMMIT;
        """, pgVersion: 11),
      """
      BEGIN;
      ▶ALTER TYPE mood ADD VALUE 'ecstatic';
      UPDATE people SET current_mood = 'ecstatic' WHERE id = 1;
      COMMIT;
      """,
      """
      BEGIN;
      ▶ALTER TYPE mood ADD VALUE 'ecstatic';
      COMMIT;
      """,
    ],
    nonTriggering: [
      "ALTER TYPE mood ADD VALUE 'ecstatic';",
      """
      BEGIN;
      CREATE TYPE mood AS ENUM ('sad', 'ok');
      COMMIT;
      """,
    ])

  func check(_ statement: Statement, in context: StatementContext) -> [Finding] {
    guard case .enumChange(let change) = statement.kind, !change.isCreate, change.renamedFrom == nil,
      let value = change.values.first, context.state.transaction.inTransaction
    else { return [] }
    if !context.pg(atLeast: 12) {
      return [
        Finding(
          at: statement.range,
          message:
            "`ALTER TYPE \(change.name) ADD VALUE` fails inside a transaction block before PostgreSQL 12 (target: \(context.pgVersion))",
          help: "Run it in a migration of its own, outside a transaction block", severity: .error)
      ]
    }
    let literal = "'" + value.replacing("'", with: "''") + "'"
    let use = context.laterStatementsInTransaction.first { later in
      later.tokens.contains { index in
        let token = context.file.tokens[index]
        return token.kind == Token.Kind.stringConstant && context.file.text(token.range) == literal
      }
    }
    if let use {
      let line = context.file.source.line(of: use.range.start)
      return [
        Finding(
          at: statement.range,
          message:
            "Enum value \(literal) of `\(change.name)` is used on line \(line) before the transaction that adds it commits, which fails with \"unsafe use of new value\"",
          help: "Commit after adding the value, and use it in a later migration", severity: .error)
      ]
    }
    return [
      Finding(
        at: statement.range,
        message:
          "Enum value \(literal) added to `\(change.name)` inside a transaction block cannot be used until it commits",
        help: "Add the value in its own migration and use it in a later one", severity: .info)
    ]
  }
}
