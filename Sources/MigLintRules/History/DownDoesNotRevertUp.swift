import MigLintCore
import MigLintSyntax

struct DownDoesNotRevertUp: ObservationRule {
  static let description = RuleDescription(
    id: "down-does-not-revert-up",
    summary: "Running the down after the up does not give back the schema from before the up",
    category: .history,
    severity: .warning,
    rationale: """
      ## What it flags
      A migration whose down script, replayed on the schema model after its up, does not give
      back the schema from before the up. The message names what is left over (a column the down
      forgot), what is missing (a table the down dropped that the up did not create) and what
      changed (a type or NOT NULL the down did not restore). Empty downs (the "cannot be reverted"
      convention) and migrations with syntax errors are not compared. What PostgreSQL drops on
      its own (a materialized view's indexes, indexes on a dropped column, partition indexes of
      a dropped parent index) needs no down of its own. pop migrations split into numbered parts
      (`<timestamp><6-digit part>`, as ory's popx writes them) are compared as one group: all
      their ups, then all their downs newest first, as a rollback runs them.

      ## Why it is dangerous
      A rollback that leaves objects behind makes the next deploy of the same migration fail
      ("already exists"); one that drops too much loses data.

      ## Safe alternative
      Make the down undo exactly what the up does, in reverse order.
      """,
    triggering: [
      RuleExample(files: [
        ExampleFile("0001_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n"),
        ExampleFile("0001_users.down.sql", "DROP TABLE users;\n"),
        ExampleFile(
          "0002_contact.up.sql",
          """
          ALTER TABLE users ADD COLUMN email text;
          ALTER TABLE users ADD COLUMN phone text;
          """),
        ExampleFile("0002_contact.down.sql", "▶ALTER TABLE users DROP COLUMN email;\n"),
      ])
    ],
    nonTriggering: [
      RuleExample(files: [
        ExampleFile(
          "00001_users.sql",
          """
          -- +goose Up
          CREATE TABLE users (id bigint PRIMARY KEY);
          CREATE INDEX users_id_idx ON users (id);
          -- +goose Down
          DROP TABLE users;
          """)
      ]),
      RuleExample(files: [
        ExampleFile("0001_contact.up.sql", "ALTER TABLE users ADD COLUMN email text;\n"),
        ExampleFile("0001_remove_contact.down.sql", "ALTER TABLE users DROP COLUMN email;\n"),
      ]),
    ])
}

extension DownDoesNotRevertUp {
  static let judges: Set<Observation.Kind> = [.downDoesNotRevert, .groupDownsDoNotRevert]

  static func finding(for observation: Observation, at range: SourceRange) -> Finding? {
    switch observation {
    case .downDoesNotRevert(let version, let differences):
      Finding(
        at: range,
        message:
          "Down migration of \(version) does not give back the schema from before its up (\(summary(differences)))",
        help: "Make the down undo exactly what the up does, in reverse order")
    case .groupDownsDoNotRevert(let first, let last, let differences):
      Finding(
        at: range,
        message:
          "The downs of migrations \(first) to \(last), which revert together, do not give back the schema from before their ups (\(summary(differences)))",
        help: "Make the group's downs undo exactly what its ups do")
    default:
      nil
    }
  }

  /// "left over: …; missing: …; changed: …"
  private static func summary(_ differences: [SchemaDifference]) -> String {
    var leftOver: [String] = []
    var missing: [String] = []
    var changed: [String] = []
    for difference in differences {
      switch difference {
      case .leftOver(let object): leftOver.append(name(object))
      case .missing(let object): missing.append(name(object))
      case .columnType(let table, let column, let now, let was):
        changed.append("`\(table).\(column)` is \(now.displayName), was \(was.displayName)")
      case .nullability(let table, let column, let notNull):
        changed.append("`\(table).\(column)` is \(notNull ? "NOT NULL" : "nullable") now")
      }
    }
    var parts: [String] = []
    if !leftOver.isEmpty { parts.append("left over: " + MessageText.list(leftOver)) }
    if !missing.isEmpty { parts.append("missing: " + MessageText.list(missing)) }
    if !changed.isEmpty { parts.append("changed: " + MessageText.list(changed)) }
    return parts.joined(separator: "; ")
  }

  private static func name(_ object: SchemaObject) -> String {
    switch object {
    case .table(let name): "table `\(name)`"
    case .column(let table, let column): "column `\(table).\(column)`"
    case .constraint(let name, let table): "constraint `\(name)` on `\(table)`"
    case .index(let name): "index `\(name)`"
    case .view(let name, let materialized): "\(materialized ? "materialized view" : "view") `\(name)`"
    case .object(let kind, let name): "\(kind.rawValue) `\(name)`"
    }
  }
}
