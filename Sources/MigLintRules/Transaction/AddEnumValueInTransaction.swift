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
      succeeds, but the new value cannot be used until the transaction commits: **error** when a
      later statement of the same transaction uses the value, else nothing is reported (nothing
      can fail).
      """,
    rationale: """
      ## What it flags
      `ALTER TYPE … ADD VALUE` inside a transaction block: before PostgreSQL 12 always; from 12
      when a later statement of the same transaction uses the new value (the same label added to
      another enum type, or cast to another type, is not a use).

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
    ],
    nonTriggering: [
      "ALTER TYPE mood ADD VALUE 'ecstatic';",
      """
      BEGIN;
      ALTER TYPE mood ADD VALUE 'ecstatic';
      COMMIT;
      """,
      """
      BEGIN;
      ALTER TYPE run_status ADD VALUE 'BACKOFF';
      ALTER TYPE step_status ADD VALUE 'BACKOFF';
      UPDATE jobs SET note = 'BACKOFF'::text WHERE id = 1;
      COMMIT;
      """,
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
      // Adding the same label to another enum type is not a use of this one.
      if case .enumChange = later.kind { return false }
      return later.tokens.contains { index in
        let token = context.file.tokens[index]
        guard token.kind == Token.Kind.stringConstant, context.file.text(token.range) == literal else { return false }
        return !isCastToOtherType(later, after: index, change.name, context.file)
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
    return []
  }

  /// True when the string at token `index` of `statement` is cast (`::type`) to a type other
  /// than `enumName`.
  private func isCastToOtherType(
    _ statement: Statement, after index: Int, _ enumName: QualifiedName, _ file: ParsedFile
  )
    -> Bool
  {
    guard index + 2 < statement.tokens.upperBound, file.text(file.tokens[index + 1].range) == "::" else { return false }
    let name = file.text(file.tokens[index + 2].range).filter { $0 != "\"" }.lowercased()
    return name != enumName.name.lowercased()
  }
}
