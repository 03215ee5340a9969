/// Decodes libpg_query's JSON (through a ``JSONTape``) straight into the typed statement model.
///
/// Only what rules reason about is read; any other node stays `.other` with its node type.
/// libpg_query leaves out defaults (`false`, `0`, empty lists), so an absent member means the default.
struct StatementDecoder {
  let tape: JSONTape
  /// Byte offset of the parsed text in the file: JSON locations are relative to the parsed text.
  let base: Int
  let tokens: [Token]

  /// Decodes the value of a top-level `"stmt"` member.
  func decode(_ stmt: Int, range: SourceRange, tokenRange: Range<Int>) -> Statement {
    guard let (name, node) = tape.wrapped(stmt) else {
      return Statement(kind: .other, nodeType: .unknown, range: range, tokens: tokenRange)
    }
    let type = NodeType(rawValue: name) ?? .unknown
    let kind: StatementKind
    switch type {
    case .createStmt: kind = .createTable(createTable(node))
    case .createTableAsStmt: kind = createTableAs(node)
    case .alterTableStmt: kind = alterTable(node, tokenRange: tokenRange).map(StatementKind.alterTable) ?? .other
    case .indexStmt: kind = .createIndex(createIndex(node))
    case .dropStmt: kind = drop(node).map(StatementKind.drop) ?? .other
    case .renameStmt: kind = rename(node).map(StatementKind.rename) ?? .other
    case .transactionStmt: kind = transaction(node)
    case .variableSetStmt: kind = variableSet(node)
    case .selectStmt: kind = setConfigCall(node) ?? .other
    case .viewStmt: kind = .createView(view(node))
    case .reindexStmt: kind = reindex(node).map(StatementKind.reindex) ?? .other
    case .vacuumStmt: kind = .vacuum(vacuum(node))
    case .createdbStmt: kind = .createDatabase
    case .alterSystemStmt: kind = .alterSystem
    case .truncateStmt:
      kind = .truncate(
        Truncate(
          relations: tape.elements(tape.member(node, "relations")).map { rangeVar(tape.member($0, "RangeVar")) },
          cascade: tape.string(tape.member(node, "behavior")) == "DROP_CASCADE"))
    case .lockStmt:
      kind = .lockTable(
        LockTable(
          relations: tape.elements(tape.member(node, "relations")).map { rangeVar(tape.member($0, "RangeVar")) },
          mode: LockMode(libpgQuery: tape.int(tape.member(node, "mode")) ?? 8) ?? .accessExclusive))
    case .clusterStmt: kind = .cluster(tape.member(node, "relation").map { rangeVar($0) })
    case .refreshMatViewStmt:
      kind = .refreshMaterializedView(
        name: rangeVar(tape.member(node, "relation")), concurrently: tape.bool(tape.member(node, "concurrent")))
    case .updateStmt: kind = .dataChange(dataChange(node, .update))
    case .deleteStmt: kind = .dataChange(dataChange(node, .delete))
    case .insertStmt: kind = .dataChange(dataChange(node, .insert))
    case .createEnumStmt:
      kind = .enumChange(
        EnumChange(
          name: qualified(stringList(tape.member(node, "typeName"))), values: stringList(tape.member(node, "vals")),
          renamedFrom: nil, isCreate: true))
    case .alterEnumStmt:
      kind = .enumChange(
        EnumChange(
          name: qualified(stringList(tape.member(node, "typeName"))),
          values: tape.string(tape.member(node, "newVal")).map { [$0] } ?? [],
          renamedFrom: tape.string(tape.member(node, "oldVal")), isCreate: false))
    case .createDomainStmt:
      let constraints = tape.elements(tape.member(node, "constraints")).compactMap {
        tape.member($0, "Constraint").map(constraint)
      }
      kind = .domainChange(
        DomainChange(
          name: qualified(stringList(tape.member(node, "domainname"))), isCreate: true,
          addsConstraint: constraints.contains { $0.kind == .check || $0.kind == .notNull }, notValid: false))
    case .alterDomainStmt:
      let subtype = tape.string(tape.member(node, "subtype")) ?? ""
      let added = tape.member(tape.member(node, "def"), "Constraint").map(constraint)
      kind = .domainChange(
        DomainChange(
          name: qualified(stringList(tape.member(node, "typeName"))), isCreate: false,
          addsConstraint: subtype == "C" || subtype == "O", notValid: added?.notValid ?? false))
    case .createFunctionStmt: kind = .function(function(node))
    case .doStmt: kind = .doBlock(doBlock(node))
    case .createSchemaStmt:
      kind = .createObject(
        CreateObject(
          objectType: .schema, name: QualifiedName(name: tape.string(tape.member(node, "schemaname")) ?? ""),
          table: nil, ifNotExists: tape.bool(tape.member(node, "if_not_exists"))))
    case .createSeqStmt:
      kind = .createObject(
        CreateObject(
          objectType: .sequence, name: rangeVar(tape.member(node, "sequence")), table: nil,
          ifNotExists: tape.bool(tape.member(node, "if_not_exists"))))
    case .createExtensionStmt:
      kind = .createObject(
        CreateObject(
          objectType: .extension, name: QualifiedName(name: tape.string(tape.member(node, "extname")) ?? ""),
          table: nil, ifNotExists: tape.bool(tape.member(node, "if_not_exists"))))
    case .createTrigStmt:
      kind = .createObject(
        CreateObject(
          objectType: .trigger, name: QualifiedName(name: tape.string(tape.member(node, "trigname")) ?? ""),
          table: rangeVar(tape.member(node, "relation")), ifNotExists: tape.bool(tape.member(node, "replace")),
          columns: stringList(tape.member(node, "columns")),
          function: qualified(stringList(tape.member(node, "funcname")))))
    case .createPolicyStmt:
      kind = .createObject(
        CreateObject(
          objectType: .policy, name: QualifiedName(name: tape.string(tape.member(node, "policy_name")) ?? ""),
          table: rangeVar(tape.member(node, "table")), ifNotExists: false,
          columns: columnNames(in: tape.member(node, "qual")) + columnNames(in: tape.member(node, "with_check"))))
    case .alterObjectSchemaStmt:
      let object = tape.member(node, "relation").map { rangeVar($0) } ?? tape.member(node, "object").flatMap(objectName)
      kind =
        objectType(tape.member(node, "objectType")).map { objectType in
          .setSchema(
            SetSchema(
              objectType: objectType, object: object, newSchema: tape.string(tape.member(node, "newschema")) ?? ""))
        } ?? .other
    case .dropdbStmt: kind = .dropDatabase(tape.string(tape.member(node, "dbname")) ?? "")
    default: kind = .other
    }
    var statement = Statement(kind: kind, nodeType: type, range: range, tokens: tokenRange)
    if type == .grantStmt { statement.isGrant = tape.bool(tape.member(node, "is_grant")) }
    return statement
  }

  // MARK: - Statements

  private func createTable(_ node: Int) -> CreateTable {
    var table = CreateTable(
      name: rangeVar(tape.member(node, "relation")), columns: [], constraints: [],
      ifNotExists: tape.bool(tape.member(node, "if_not_exists")),
      isTemporary: tape.string(tape.member(tape.member(node, "relation"), "relpersistence")) == "t")
    for element in tape.eachElement(tape.member(node, "tableElts")) {
      guard let (type, value) = tape.wrapped(element) else { continue }
      if type == "ColumnDef" {
        table.columns.append(columnDefinition(value))
      } else if type == "Constraint" {
        table.constraints.append(constraint(value))
      }
    }
    return table
  }

  private func createTableAs(_ node: Int) -> StatementKind {
    let into = tape.member(node, "into")
    let name = rangeVar(tape.member(into, "rel"))
    if objectType(tape.member(node, "objtype")) == .matview {
      return .createView(
        CreateView(
          name: name, materialized: true, orReplace: false,
          query: references(in: tape.member(node, "query"))))
    }
    return .createTable(
      CreateTable(
        name: name, columns: [], constraints: [],
        ifNotExists: tape.bool(tape.member(node, "if_not_exists")), isTemporary: false))
  }

  /// Nil when a subcommand is of a kind the grammar does not produce: the statement stays `.other`.
  private func alterTable(_ node: Int, tokenRange: Range<Int>) -> AlterTable? {
    let relationNode = tape.member(node, "relation")
    let commandNodes = tape.elements(tape.member(node, "cmds"))
    let ranges = subcommandRanges(
      relationLocation: location(relationNode), count: commandNodes.count, tokenRange: tokenRange)
    var commands: [AlterTableCommand] = []
    for (index, element) in commandNodes.enumerated() {
      guard let node = tape.member(element, "AlterTableCmd") else { continue }
      guard let command = alterTableCommand(node, range: ranges[index]) else { return nil }
      commands.append(command)
    }
    return AlterTable(
      objectType: objectType(tape.member(node, "objtype")) ?? .table,
      relation: rangeVar(relationNode), missingOk: tape.bool(tape.member(node, "missing_ok")),
      only: !tape.bool(tape.member(relationNode, "inh")), commands: commands)
  }

  private func alterTableCommand(_ node: Int, range: SourceRange) -> AlterTableCommand? {
    guard let subtype = tape.string(tape.member(node, "subtype")).flatMap(AlterTableType.init(libpgQuery:)) else {
      return nil
    }
    var command = AlterTableCommand(
      subtype: subtype, name: tape.string(tape.member(node, "name")), column: nil, constraint: nil,
      newType: nil, hasUsing: false,
      cascade: tape.string(tape.member(node, "behavior")) == "DROP_CASCADE",
      missingOk: tape.bool(tape.member(node, "missing_ok")), defaultExpression: nil, partition: nil,
      concurrent: false, range: range)
    if subtype == .columnDefault, let expression = tape.member(node, "def") {
      command.defaultExpression = expressionSummary(expression)
      return command
    }
    guard let (type, value) = tape.wrapped(tape.member(node, "def")) else { return command }
    switch type {
    case "ColumnDef":
      if subtype == .alterColumnType {
        command.newType = tape.member(value, "typeName").map(typeReference)
        let using = tape.member(value, "raw_default")
        command.hasUsing = using != nil
        if let using, let name = command.name {
          let operand = tape.member(tape.member(using, "TypeCast"), "arg") ?? using
          let fields = tape.elements(tape.member(tape.member(operand, "ColumnRef"), "fields"))
          command.usingIsColumn =
            fields.count == 1 && tape.string(tape.member(tape.member(fields[0], "String"), "sval")) == name
        }
      } else {
        command.column = columnDefinition(value)
      }
    case "Constraint":
      command.constraint = constraint(value)
    case "PartitionCmd":
      command.partition = rangeVar(tape.member(value, "name"))
      command.concurrent = tape.bool(tape.member(value, "concurrent"))
    default:
      break
    }
    return command
  }

  private func createIndex(_ node: Int) -> CreateIndex {
    let relation = tape.member(node, "relation")
    var expressionColumns: [String] = []
    let columns: [String?] = tape.elements(tape.member(node, "indexParams")).map { element in
      let param = tape.member(element, "IndexElem")
      if let expression = tape.member(param, "expr") { expressionColumns += expressionSummary(expression).columns }
      return tape.string(tape.member(param, "name"))
    }
    let whereClause = tape.member(node, "whereClause")
    if let whereClause { expressionColumns += expressionSummary(whereClause).columns }
    return CreateIndex(
      name: tape.string(tape.member(node, "idxname")), table: rangeVar(relation),
      unique: tape.bool(tape.member(node, "unique")),
      concurrently: tape.bool(tape.member(node, "concurrent")),
      ifNotExists: tape.bool(tape.member(node, "if_not_exists")),
      only: !tape.bool(tape.member(relation, "inh")), columns: columns,
      hasWhere: whereClause != nil, expressionColumns: expressionColumns)
  }

  private func drop(_ node: Int) -> DropStatement? {
    guard let objectType = objectType(tape.member(node, "removeType")) else { return nil }
    let objects = tape.elements(tape.member(node, "objects")).compactMap(objectName)
    return DropStatement(
      objectType: objectType,
      objects: objects, missingOk: tape.bool(tape.member(node, "missing_ok")),
      cascade: tape.string(tape.member(node, "behavior")) == "DROP_CASCADE",
      concurrently: tape.bool(tape.member(node, "concurrent")))
  }

  private func rename(_ node: Int) -> RenameStatement? {
    guard let renameType = objectType(tape.member(node, "renameType")) else { return nil }
    let relation = tape.member(node, "relation")
    var objectName = relation.map { rangeVar($0) }
    if objectName == nil, let object = tape.member(node, "object") { objectName = self.objectName(object) }
    return RenameStatement(
      renameType: renameType, relationType: self.objectType(tape.member(node, "relationType")),
      relation: objectName, oldName: tape.string(tape.member(node, "subname")),
      newName: tape.string(tape.member(node, "newname")) ?? "",
      missingOk: tape.bool(tape.member(node, "missing_ok")))
  }

  // The grammar's names for kinds, made once (a literal in a function is built at every call).
  private static let transactionKinds: [String: TransactionStatement] = [
    "TRANS_STMT_BEGIN": .begin, "TRANS_STMT_START": .start, "TRANS_STMT_COMMIT": .commit,
    "TRANS_STMT_ROLLBACK": .rollback, "TRANS_STMT_SAVEPOINT": .savepoint,
    "TRANS_STMT_RELEASE": .release, "TRANS_STMT_ROLLBACK_TO": .rollbackTo,
    "TRANS_STMT_PREPARE": .prepare, "TRANS_STMT_COMMIT_PREPARED": .commitPrepared,
    "TRANS_STMT_ROLLBACK_PREPARED": .rollbackPrepared,
  ]

  private func transaction(_ node: Int) -> StatementKind {
    guard let kind = Self.transactionKinds[tape.string(tape.member(node, "kind")) ?? ""] else { return .other }
    return .transaction(kind)
  }

  private func variableSet(_ node: Int) -> StatementKind {
    let kind = tape.string(tape.member(node, "kind")) ?? ""
    return .variableSet(
      VariableSet(
        name: tape.string(tape.member(node, "name")) ?? "",
        isLocal: tape.bool(tape.member(node, "is_local")),
        isReset: kind == "VAR_RESET" || kind == "VAR_RESET_ALL"))
  }

  /// `SELECT set_config('lock_timeout', '2s', true)` sets a variable like SET does.
  private func setConfigCall(_ node: Int) -> StatementKind? {
    let targets = tape.elements(tape.member(node, "targetList"))
    guard targets.count == 1, tape.member(node, "fromClause") == nil,
      let call = tape.member(tape.member(tape.member(targets[0], "ResTarget"), "val"), "FuncCall"),
      let name = tape.elements(tape.member(call, "funcname")).last,
      tape.string(tape.member(tape.member(name, "String"), "sval")) == "set_config"
    else { return nil }
    let arguments = tape.elements(tape.member(call, "args"))
    guard arguments.count == 3,
      let variable = tape.string(tape.member(tape.member(tape.member(arguments[0], "A_Const"), "sval"), "sval"))
    else { return nil }
    let isLocal = tape.bool(tape.member(tape.member(tape.member(arguments[2], "A_Const"), "boolval"), "boolval"))
    return .variableSet(VariableSet(name: variable.lowercased(), isLocal: isLocal, isReset: false))
  }

  private func view(_ node: Int) -> CreateView {
    CreateView(
      name: rangeVar(tape.member(node, "view")), materialized: false,
      orReplace: tape.bool(tape.member(node, "replace")),
      query: references(in: tape.member(node, "query")))
  }

  private func reindex(_ node: Int) -> Reindex? {
    guard let target = tape.string(tape.member(node, "kind")).flatMap(ReindexTarget.init(libpgQuery:)) else {
      return nil
    }
    let relation = tape.member(node, "relation")
    let concurrently = tape.elements(tape.member(node, "params")).contains { param in
      tape.string(tape.member(tape.member(param, "DefElem"), "defname")) == "concurrently"
    }
    return Reindex(
      target: target,
      name: relation.map { rangeVar($0).description } ?? tape.string(tape.member(node, "name")),
      concurrently: concurrently)
  }

  private func vacuum(_ node: Int) -> Vacuum {
    let full = tape.elements(tape.member(node, "options")).contains { option in
      tape.string(tape.member(tape.member(option, "DefElem"), "defname")) == "full"
    }
    let relations = tape.elements(tape.member(node, "rels")).map { element in
      rangeVar(tape.member(tape.member(element, "VacuumRelation"), "relation"))
    }
    return Vacuum(
      isVacuum: tape.bool(tape.member(node, "is_vacuumcmd")), full: full, relations: relations)
  }

  private func dataChange(_ node: Int, _ kind: DataChange.Kind) -> DataChange {
    let targets = tape.elements(tape.member(node, kind == .insert ? "cols" : "targetList"))
    var columns: [String] = []
    var locations: [Int] = []
    for target in targets {
      let resTarget = tape.member(target, "ResTarget")
      guard let name = tape.string(tape.member(resTarget, "name")) else { continue }
      columns.append(name)
      locations.append(location(resTarget) ?? base)
    }
    return DataChange(
      kind: kind, table: rangeVar(tape.member(node, "relation")),
      hasWhere: tape.member(node, "whereClause") != nil, columns: columns, columnLocations: locations)
  }

  private func function(_ node: Int) -> FunctionBody {
    var body = FunctionBody(
      name: qualified(stringList(tape.member(node, "funcname"))), language: "sql", body: nil, bodyLocation: nil,
      orReplace: tape.bool(tape.member(node, "replace")))
    for option in tape.eachElement(tape.member(node, "options")) {
      let element = tape.member(option, "DefElem")
      switch tape.string(tape.member(element, "defname")) {
      case "language":
        body.language = (tape.string(tape.member(tape.member(tape.member(element, "arg"), "String"), "sval")) ?? "sql")
          .lowercased()
      case "as":
        let items = tape.elements(tape.member(tape.member(tape.member(element, "arg"), "List"), "items"))
        // One item is the body; two are a C function's object file and symbol.
        if items.count == 1 {
          body.body = tape.string(tape.member(tape.member(items[0], "String"), "sval"))
          body.bodyLocation = stringLiteral(after: location(element))
        }
      default:
        break
      }
    }
    return body
  }

  private func doBlock(_ node: Int) -> FunctionBody {
    var body = FunctionBody(name: nil, language: "plpgsql", body: nil, bodyLocation: nil, orReplace: false)
    for argument in tape.eachElement(tape.member(node, "args")) {
      let element = tape.member(argument, "DefElem")
      switch tape.string(tape.member(element, "defname")) {
      case "language":
        body.language = (tape.string(tape.member(tape.member(tape.member(element, "arg"), "String"), "sval")) ?? "")
          .lowercased()
      case "as":
        body.body = tape.string(tape.member(tape.member(tape.member(element, "arg"), "String"), "sval"))
        body.bodyLocation = stringLiteral(after: location(element))
      default:
        break
      }
    }
    return body
  }

  /// The first string-literal token at or after `offset` (SCONST: quoted or dollar-quoted).
  private func stringLiteral(after offset: Int?) -> Int? {
    guard let offset else { return nil }
    return tokens[tokens.firstIndex(startingAtOrAfter: offset)...].first { $0.kind == Token.Kind.stringConstant }?.start
  }

  private func qualified(_ parts: [String]) -> QualifiedName {
    QualifiedName(schema: parts.count > 1 ? parts[parts.count - 2] : nil, name: parts.last ?? "")
  }

  // MARK: - Parts

  private func columnDefinition(_ node: Int) -> ColumnDefinition {
    ColumnDefinition(
      name: tape.string(tape.member(node, "colname")) ?? "",
      type: tape.member(node, "typeName").map(typeReference),
      constraints: tape.elements(tape.member(node, "constraints")).compactMap { element in
        tape.member(element, "Constraint").map(constraint)
      },
      location: location(node))
  }

  private static let constraintKinds: [String: ConstraintDefinition.Kind] = [
    "CONSTR_NULL": .null, "CONSTR_NOTNULL": .notNull, "CONSTR_DEFAULT": .defaultValue,
    "CONSTR_IDENTITY": .identity, "CONSTR_GENERATED": .generated, "CONSTR_CHECK": .check,
    "CONSTR_PRIMARY": .primaryKey, "CONSTR_UNIQUE": .unique, "CONSTR_EXCLUSION": .exclusion,
    "CONSTR_FOREIGN": .foreignKey,
  ]

  private func constraint(_ node: Int) -> ConstraintDefinition {
    let kind = Self.constraintKinds[tape.string(tape.member(node, "contype")) ?? ""] ?? .other
    let keys = kind == .foreignKey ? tape.member(node, "fk_attrs") : tape.member(node, "keys")
    return ConstraintDefinition(
      kind: kind, name: tape.string(tape.member(node, "conname")),
      notValid: tape.bool(tape.member(node, "skip_validation")),
      usingIndex: tape.string(tape.member(node, "indexname")),
      columns: stringList(keys),
      referencedTable: tape.member(node, "pktable").map { rangeVar($0) },
      referencedColumns: stringList(tape.member(node, "pk_attrs")),
      expression: tape.member(node, "raw_expr").map(expressionSummary),
      location: location(node))
  }

  func typeReference(_ node: Int) -> TypeReference {
    var modifiers: [Int] = []
    var other = false
    for modifier in tape.eachElement(tape.member(node, "typmods")) {
      if let value = tape.int(tape.member(tape.member(tape.member(modifier, "A_Const"), "ival"), "ival")) {
        modifiers.append(value)
      } else if tape.member(modifier, "A_Const") != nil {
        modifiers.append(0)  // ival 0 is left out of the JSON
      } else {
        other = true
      }
    }
    return TypeReference(
      names: stringList(tape.member(node, "names")), modifiers: modifiers, hasOtherModifiers: other,
      arrayDimensions: tape.elements(tape.member(node, "arrayBounds")).count,
      location: location(node))
  }

  private func expressionSummary(_ node: Int) -> ExpressionSummary {
    var summary = ExpressionSummary(location: expressionLocation(node))
    if let constant = tape.member(node, "A_Const"), tape.bool(tape.member(constant, "isnull")) {
      summary.isNullConstant = true
    }
    walk(node) { key, value in
      if tape.keyEquals(key, "FuncCall"), let name = tape.elements(tape.member(value, "funcname")).last {
        summary.functions.append((tape.string(tape.member(tape.member(name, "String"), "sval")) ?? "").lowercased())
      } else if tape.keyEquals(key, "ColumnRef"),
        let field = tape.elements(tape.member(value, "fields")).last,
        let column = tape.string(tape.member(tape.member(field, "String"), "sval"))
      {
        summary.columns.append(column)
      }
    }
    summary.provesNotNull = notNullProof(node)
    return summary
  }

  /// Columns that an expression proves non-null: `c IS NOT NULL`, or an AND with such terms.
  private func notNullProof(_ node: Int) -> [String] {
    if let test = tape.member(node, "NullTest") {
      guard tape.string(tape.member(test, "nulltesttype")) == "IS_NOT_NULL",
        let fields = tape.member(tape.member(tape.member(test, "arg"), "ColumnRef"), "fields"),
        tape.elements(fields).count == 1,
        let column = tape.string(tape.member(tape.member(tape.elements(fields)[0], "String"), "sval"))
      else { return [] }
      return [column]
    }
    if let bool = tape.member(node, "BoolExpr"), tape.string(tape.member(bool, "boolop")) == "AND_EXPR" {
      return tape.elements(tape.member(bool, "args")).flatMap(notNullProof)
    }
    return []
  }

  /// What a query reads: every RangeVar (with its alias) and every ColumnRef in it.
  private func references(in node: Int?) -> QueryReferences {
    var result = QueryReferences()
    guard let node else { return result }
    collectReferences(node, scopes: [], into: &result)
    return result
  }

  /// The relations a `FROM` clause names directly (joins included, subqueries not) by alias.
  private typealias Scope = [(alias: String, relation: QualifiedName)]

  /// Walks `node` for relations and columns; each `SELECT` opens a scope (its `FROM`) that
  /// resolves the columns inside it before the enclosing ones do.
  private func collectReferences(_ node: Int, scopes: [Scope], into result: inout QueryReferences) {
    switch tape.kind(node) {
    case .object:
      for (key, value) in tape.eachMember(node) {
        if tape.keyEquals(key, "SelectStmt") {
          var own: Scope = []
          if let from = tape.member(value, "fromClause") { fromRelations(from, into: &own) }
          collectReferences(value, scopes: scopes + [own], into: &result)
          continue
        }
        if tape.keyEquals(key, "RangeVar") {
          let name = rangeVar(value)
          if !result.relations.contains(name) { result.relations.append(name) }
          result.aliases[alias(of: value, name)] = name
        } else if tape.keyEquals(key, "ColumnRef") {
          let fields = tape.elements(tape.member(value, "fields"))
          let names = fields.map { tape.string(tape.member(tape.member($0, "String"), "sval")) ?? "*" }
          guard let last = names.last else { continue }
          let qualifier = names.count > 1 ? names[names.count - 2] : nil
          let relation = qualifier.flatMap { qualifier in
            scopes.reversed().lazy.compactMap { $0.first { $0.alias == qualifier }?.relation }.first
          }
          result.columns.append(
            ColumnReference(
              qualifier: qualifier, name: last, relation: relation, scope: scopes.last?.map(\.relation) ?? [],
              outer: scopes.dropLast().flatMap { $0.map(\.relation) }))
          continue
        }
        collectReferences(value, scopes: scopes, into: &result)
      }
    case .array:
      for element in tape.eachElement(node) { collectReferences(element, scopes: scopes, into: &result) }
    default:
      break
    }
  }

  /// The RangeVars of a `FROM` clause outside its subqueries.
  private func fromRelations(_ node: Int, into scope: inout Scope) {
    switch tape.kind(node) {
    case .object:
      for (key, value) in tape.eachMember(node) {
        if tape.keyEquals(key, "RangeSubselect") || tape.keyEquals(key, "SubLink") { continue }
        if tape.keyEquals(key, "RangeVar") {
          let name = rangeVar(value)
          scope.append((alias(of: value, name), name))
          continue
        }
        fromRelations(value, into: &scope)
      }
    case .array:
      for element in tape.eachElement(node) { fromRelations(element, into: &scope) }
    default:
      break
    }
  }

  private func alias(of rangeVar: Int, _ name: QualifiedName) -> String {
    tape.string(tape.member(tape.member(rangeVar, "alias"), "aliasname")) ?? name.name
  }

  /// Column names in an expression (a policy's USING / WITH CHECK).
  private func columnNames(in node: Int?) -> [String] {
    guard let node else { return [] }
    return references(in: node).columns.map(\.name).filter { $0 != "*" }
  }

  /// Calls `visit` for every object member in the subtree of `node`.
  private func walk(_ node: Int, _ visit: (_ key: Int, _ value: Int) -> Void) {
    switch tape.kind(node) {
    case .object:
      for (key, value) in tape.eachMember(node) {
        visit(key, value)
        walk(value, visit)
      }
    case .array:
      for element in tape.eachElement(node) { walk(element, visit) }
    default:
      break
    }
  }

  private func rangeVar(_ node: Int?) -> QualifiedName {
    QualifiedName(
      schema: tape.string(tape.member(node, "schemaname")),
      name: tape.string(tape.member(node, "relname")) ?? "")
  }

  /// Name of an object in DROP / RENAME: a `List` of strings, a `String`, a `TypeName`, or a function.
  private func objectName(_ node: Int) -> QualifiedName? {
    guard let (type, value) = tape.wrapped(node) else { return nil }
    let parts: [String]
    switch type {
    case "List": parts = stringList(tape.member(value, "items"))
    case "String": parts = [tape.string(tape.member(value, "sval")) ?? ""]
    case "TypeName": parts = stringList(tape.member(value, "names"))
    case "ObjectWithArgs": parts = stringList(tape.member(value, "objname"))
    default: return nil
    }
    guard let name = parts.last else { return nil }
    return QualifiedName(schema: parts.count > 1 ? parts[parts.count - 2] : nil, name: name)
  }

  private func stringList(_ node: Int?) -> [String] {
    tape.elements(node).compactMap { tape.string(tape.member(tape.member($0, "String"), "sval")) }
  }

  private func objectType(_ node: Int?) -> ObjectType? {
    tape.string(node).flatMap(ObjectType.init(libpgQuery:))
  }

  private func location(_ node: Int?) -> Int? {
    tape.int(tape.member(node, "location")).map { $0 + base }
  }

  private func expressionLocation(_ node: Int) -> Int? {
    guard let (_, value) = tape.wrapped(node) else { return nil }
    return location(value)
  }

  // MARK: - Token ranges

  /// Splits an ALTER TABLE's tokens after the table name at top-level commas, one range per command.
  private func subcommandRanges(relationLocation: Int?, count: Int, tokenRange: Range<Int>) -> [SourceRange] {
    let whole =
      tokenRange.isEmpty
      ? SourceRange(start: 0, end: 0)
      : SourceRange(start: tokens[tokenRange.lowerBound].start, end: tokens[tokenRange.upperBound - 1].end)
    let fallback = Array(repeating: whole, count: count)
    guard let relationLocation, count > 0,
      var index = tokenRange.first(where: { tokens[$0].start >= relationLocation })
    else { return fallback }
    // Skip the qualified name: name ( . name )*
    while index + 2 < tokenRange.upperBound, tokens[index + 1].kind == Token.Kind.dot { index += 2 }
    index += 1
    var ranges: [SourceRange] = []
    var depth = 0
    var start: Int?
    var end = 0
    while index < tokenRange.upperBound {
      let token = tokens[index]
      index += 1
      if token.isComment { continue }
      if token.kind == Token.Kind.openParen { depth += 1 }
      if token.kind == Token.Kind.closeParen { depth -= 1 }
      if token.kind == Token.Kind.comma, depth == 0 {
        if let start { ranges.append(SourceRange(start: start, end: end)) }
        start = nil
        continue
      }
      if start == nil { start = token.start }
      end = token.end
    }
    if let start { ranges.append(SourceRange(start: start, end: end)) }
    return ranges.count == count ? ranges : fallback
  }
}
