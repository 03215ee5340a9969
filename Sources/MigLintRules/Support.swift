import MigLintCore
import MigLintSyntax

extension StatementContext {
  /// "CREATE INDEX", "ALTER TABLE", "DROP INDEX": the statement's kind, for messages. Named from
  /// the parse tree, so that `DROP INDEX IF EXISTS`, a table named `comment` or `CREATE OR
  /// REPLACE FUNCTION` read right.
  func headline(_ statement: Statement) -> String {
    switch statement.kind {
    case .createTable: return "CREATE TABLE"
    case .alterTable(let alter): return "ALTER " + alter.objectType.keywords
    case .createIndex(let index):
      return "CREATE " + (index.unique ? "UNIQUE " : "") + "INDEX" + (index.concurrently ? " CONCURRENTLY" : "")
    case .drop(let drop):
      return "DROP " + drop.objectType.keywords + (drop.concurrently ? " CONCURRENTLY" : "")
    case .rename(let rename):
      return "ALTER " + rename.renameType.keywords
    case .createView(let view): return "CREATE " + (view.materialized ? "MATERIALIZED VIEW" : "VIEW")
    case .vacuum(let vacuum): return vacuum.isVacuum ? (vacuum.full ? "VACUUM FULL" : "VACUUM") : "ANALYZE"
    case .truncate: return "TRUNCATE"
    case .lockTable: return "LOCK TABLE"
    case .cluster: return "CLUSTER"
    case .refreshMaterializedView: return "REFRESH MATERIALIZED VIEW"
    case .dataChange(let change): return change.kind.rawValue.uppercased()
    case .enumChange(let change): return change.isCreate ? "CREATE TYPE" : "ALTER TYPE"
    case .domainChange(let change): return change.isCreate ? "CREATE DOMAIN" : "ALTER DOMAIN"
    case .function: return "CREATE FUNCTION"
    case .doBlock: return "DO"
    case .createObject(let created): return "CREATE " + created.objectType.keywords
    case .dropDatabase: return "DROP DATABASE"
    case .createDatabase: return "CREATE DATABASE"
    case .alterSystem: return "ALTER SYSTEM"
    default: return leadingKeywords(statement)
    }
  }

  /// The first keywords of the statement (up to three), for kinds the model does not name.
  private func leadingKeywords(_ statement: Statement) -> String {
    var words: [String] = []
    for index in statement.tokens {
      let token = file.tokens[index]
      if token.isComment { continue }
      guard token.isKeyword, words.count < 3 else { break }
      words.append(file.text(token.range).uppercased())
    }
    return words.isEmpty ? statement.nodeType.rawValue : words.joined(separator: " ")
  }

  /// From the statement's start to the end of keyword `word` (e.g. `CREATE INDEX`), else the statement.
  func range(_ statement: Statement, through word: String) -> SourceRange {
    guard let token = file.keyword(word, in: statement) else { return statement.range }
    return SourceRange(start: statement.range.start, end: token.end)
  }

  /// A fix inserting ` CONCURRENTLY` at `offset`; nil inside a transaction (an explicit block,
  /// a DO block, or the migration tool's), where the result would fail at deploy.
  func concurrentlyFix(at offset: Int?) -> Fix? {
    guard let offset, !state.transaction.inTransaction else { return nil }
    return Fix(title: "Add CONCURRENTLY", safety: .unsafe, edits: [.insert(" CONCURRENTLY", at: offset)])
  }

  /// A fix inserting ` CONCURRENTLY` after the statement's `INDEX` keyword (see ``concurrentlyFix(at:)``).
  func addConcurrentlyFix(_ statement: Statement) -> Fix? {
    concurrentlyFix(at: file.keyword("INDEX", in: statement)?.end)
  }

  /// `help` for a statement whose `CONCURRENTLY` form must run outside a transaction, followed,
  /// when this one runs inside one, by how to get out of it ("Add `-- +goose NO TRANSACTION`
  /// to the file").
  func outsideTransaction(_ help: String) -> String {
    let transaction = state.transaction
    guard transaction.inTransaction else { return help }
    let escape: String
    if transaction.explicitBlock {
      escape = "move it after the COMMIT of its transaction block"
    } else if let tool = transaction.tool, transaction.implicit == nil {
      escape = tool.optOut.prefix(1).lowercased() + tool.optOut.dropFirst()
    } else {
      escape = "move it out of \(transaction.describe(in: file.source))"
    }
    return help + "; this one runs in a transaction: \(escape)"
  }

  /// The first token in `range` that spells identifier `name` (unquoted or quoted).
  func identifier(_ name: String, in range: SourceRange) -> Token? {
    let tokens = file.tokens
    for token in tokens[tokens.firstIndex(startingAtOrAfter: range.start)...] {
      guard token.start < range.end else { break }
      let text = file.text(token.range)
      if text == "\"\(name)\"" || (!token.isComment && text.lowercased() == name) { return token }
    }
    return nil
  }

  /// The range of the token that starts at `offset`, or one byte.
  func tokenRange(at offset: Int) -> SourceRange {
    let tokens = file.tokens
    let index = tokens.firstIndex(startingAtOrAfter: offset)
    if index < tokens.count, tokens[index].start == offset { return tokens[index].range }
    return SourceRange(start: offset, end: offset + 1)
  }

  /// Words that go on a type's name (`timestamp WITH TIME ZONE`), made once (a literal in a
  /// function is built at every call).
  private static let typeWords: Set<String> = ["WITHOUT", "WITH", "TIME", "ZONE", "VARYING", "PRECISION", "ARRAY"]

  /// The source range of a type as written (`timestamp(3) without time zone`, `varchar(20)[]`,
  /// `pg_catalog.int4`), from the type's location through its modifiers and array brackets.
  func typeRange(_ type: TypeReference) -> SourceRange? {
    guard let location = type.location else { return nil }
    let tokens = file.tokens
    var index = tokens.firstIndex(startingAtOrAfter: location)
    guard index < tokens.count, tokens[index].start == location else { return nil }
    var end = tokens[index].end
    index += 1
    while index < tokens.count {
      let token = tokens[index]
      let text = file.text(token.range)
      if token.kind == Token.Kind.openParen || text == "[" {
        // Modifiers or array bounds: through the matching close.
        let close = text == "[" ? "]" : ")"
        var depth = 0
        while index < tokens.count {
          let inner = file.text(tokens[index].range)
          if inner == text { depth += 1 }
          if inner == close { depth -= 1 }
          end = tokens[index].end
          index += 1
          if depth == 0 { break }
        }
        continue
      }
      if token.kind == Token.Kind.dot, index + 1 < tokens.count {
        end = tokens[index + 1].end
        index += 2
        continue
      }
      // `WITH` only continues a type as `WITH TIME ZONE`.
      if text.uppercased() == "WITH", index + 1 < tokens.count,
        file.text(tokens[index + 1].range).uppercased() != "TIME"
      {
        break
      }
      guard token.isKeyword, Self.typeWords.contains(text.uppercased()) else { break }
      end = token.end
      index += 1
    }
    return SourceRange(start: location, end: end)
  }

  /// A fix replacing the written type with `replacement`.
  func replaceTypeFix(_ type: TypeReference, with replacement: String, title: String) -> [Fix] {
    guard let range = typeRange(type) else { return [] }
    return [Fix(title: title, safety: .unsafe, edits: [Edit(range: range, replacement: replacement)])]
  }

  /// Column definitions a statement introduces, with their table: CREATE TABLE and ADD COLUMN.
  func definedColumns(_ statement: Statement) -> [(table: QualifiedName, column: ColumnDefinition)] {
    switch statement.kind {
    case .createTable(let create):
      return create.columns.map { (create.name, $0) }
    case .alterTable(let alter):
      return alter.commands.compactMap { command in
        command.subtype == .addColumn ? command.column.map { (alter.relation, $0) } : nil
      }
    default:
      return []
    }
  }

  /// "primary-key", "foreign-key" or "identity" for a column `statement` defines as a key (on
  /// the column, or in a table constraint of the CREATE TABLE), else nil.
  func keyRole(of column: ColumnDefinition, in statement: Statement) -> String? {
    if column.has(.foreignKey) { return "foreign-key" }
    if column.has(.identity) { return "identity" }
    if column.has(.primaryKey) { return "primary-key" }
    guard case .createTable(let create) = statement.kind else { return nil }
    let constraint = create.constraints.first {
      $0.columns.contains(column.name) && ($0.kind == .primaryKey || $0.kind == .foreignKey)
    }
    return constraint.map { $0.kind == .foreignKey ? "foreign-key" : "primary-key" }
  }

  /// What a `serial` type becomes: an identity column of `base` from PostgreSQL 10, else `bigserial`
  /// when `base` is `bigint`. One spelling for the rules that both judge such a column.
  func serialReplacement(base: String) -> String {
    pg(atLeast: 10) ? "\(base) GENERATED BY DEFAULT AS IDENTITY" : (base == "bigint" ? "bigserial" : base)
  }

  /// Types a statement writes for columns: definitions plus `ALTER COLUMN … TYPE`.
  func writtenTypes(_ statement: Statement) -> [(table: QualifiedName, column: String, type: TypeReference)] {
    var result = definedColumns(statement).compactMap { item in
      item.column.type.map { (item.table, item.column.name, $0) }
    }
    if case .alterTable(let alter) = statement.kind {
      for command in alter.commands where command.subtype == .alterColumnType {
        if let type = command.newType, let name = command.name { result.append((alter.relation, name, type)) }
      }
    }
    return result
  }

  /// True when the target version is at least `major`.
  func pg(atLeast major: Int) -> Bool { pgVersion.major >= major }
}

extension QualifiedName {
  /// `users`.`email` style for a column of this table.
  func column(_ name: String) -> String { "`\(self)`.`\(name)`" }
}

/// Help shared by the rules that change or remove something running code uses.
enum ExpandContract {
  static let column =
    "Expand and contract: add the new column, write to both, backfill in batches, switch reads, then drop the old column in a later release"
}

extension Catalog.Dependent {
  /// Where the dependent was created, for editors to link.
  var related: RelatedLocation? {
    origin.map { RelatedLocation(path: $0.path, line: $0.line, message: description) }
  }
}

/// Pieces of message text several rules share.
enum MessageText {
  /// "a, b, c", or "a, b, c, d, e and 3 more" past six items.
  static func list(_ items: [String]) -> String {
    items.count <= 6
      ? items.joined(separator: ", ") : items.prefix(5).joined(separator: ", ") + " and \(items.count - 5) more"
  }
}
