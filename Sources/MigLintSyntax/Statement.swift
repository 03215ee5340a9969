/// A schema-qualified name as PostgreSQL resolved its spelling (unquoted names folded to lower case).
package struct QualifiedName: Hashable, Sendable, CustomStringConvertible {
  package var schema: String?
  package var name: String

  package init(schema: String? = nil, name: String) {
    self.schema = schema
    self.name = name
  }

  /// The name as written for messages: `schema.name` or `name`.
  package var description: String { schema.map { "\($0).\(name)" } ?? name }
}

/// A type as written: `varchar(20)`, `pg_catalog.int4`, `timestamp(3) with time zone`, `text[]`.
package struct TypeReference: Hashable, Sendable {
  /// Name parts, lower case; `pg_catalog` prefixes kept as the parser produced them.
  package var names: [String]
  /// Integer type modifiers (`varchar(20)` → `[20]`, `numeric(10,2)` → `[10, 2]`); nil for others.
  package var modifiers: [Int]
  /// True when a modifier was not an integer literal.
  package var hasOtherModifiers: Bool
  package var arrayDimensions: Int
  /// Byte offset of the type name in the file.
  package var location: Int?

  package init(
    names: [String], modifiers: [Int] = [], hasOtherModifiers: Bool = false, arrayDimensions: Int = 0,
    location: Int? = nil
  ) {
    self.names = names
    self.modifiers = modifiers
    self.hasOtherModifiers = hasOtherModifiers
    self.arrayDimensions = arrayDimensions
    self.location = location
  }

  /// The last name part: `int4`, `varchar`, `timestamptz`, `serial`.
  package var baseName: String { names.last ?? "" }

  /// The type as a reader would write it, for messages: `varchar(20)`, `integer`, `text[]`.
  package var displayName: String {
    var text = Self.readable[baseName] ?? baseName
    if names.count > 1, names.first != "pg_catalog" { text = names.joined(separator: ".") }
    if !modifiers.isEmpty { text += "(" + modifiers.map(String.init).joined(separator: ",") + ")" }
    text += String(repeating: "[]", count: arrayDimensions)
    return text
  }

  private static let readable: [String: String] = [
    "int2": "smallint", "int4": "integer", "int8": "bigint", "float4": "real",
    "float8": "double precision", "bool": "boolean", "bpchar": "char",
    "timestamp": "timestamp", "timestamptz": "timestamptz",
  ]
}

/// What a default or generation expression calls, enough to judge volatility.
package struct ExpressionSummary: Hashable, Sendable {
  /// Called function names, lower case, without schema (`now`, `gen_random_uuid`, `nextval`).
  package var functions: [String]
  /// True when the expression is a bare `NULL`.
  package var isNullConstant: Bool
  /// Columns the expression names (`CHECK (a > 0)` → `["a"]`).
  package var columns: [String]
  /// Columns that the expression proves non-null: `c IS NOT NULL`, alone or in an `AND`.
  package var provesNotNull: [String]
  package var location: Int?

  package init(
    functions: [String] = [], isNullConstant: Bool = false, columns: [String] = [],
    provesNotNull: [String] = [], location: Int? = nil
  ) {
    self.functions = functions
    self.isNullConstant = isNullConstant
    self.columns = columns
    self.provesNotNull = provesNotNull
    self.location = location
  }
}

/// A constraint, either in a column definition or at table level.
package struct ConstraintDefinition: Hashable, Sendable {
  package enum Kind: String, Sendable, CaseIterable {
    case null, notNull, defaultValue, identity, generated, check, primaryKey, unique, exclusion,
      foreignKey, other
  }

  package var kind: Kind
  package var name: String?
  /// `NOT VALID` was written.
  package var notValid: Bool
  /// `USING INDEX name` for UNIQUE / PRIMARY KEY.
  package var usingIndex: String?
  /// Constrained columns (UNIQUE, PRIMARY KEY, FOREIGN KEY referencing side); empty in a column constraint.
  package var columns: [String]
  /// FOREIGN KEY: the referenced table and columns.
  package var referencedTable: QualifiedName?
  package var referencedColumns: [String]
  /// CHECK, DEFAULT and GENERATED: what the expression contains.
  package var expression: ExpressionSummary?
  /// Byte offset of the constraint (its `CONSTRAINT` keyword, or the first keyword of the clause).
  package var location: Int?
}

/// A column in CREATE TABLE or ALTER TABLE … ADD COLUMN.
package struct ColumnDefinition: Hashable, Sendable {
  package var name: String
  package var type: TypeReference?
  package var constraints: [ConstraintDefinition]
  package var location: Int?

  package func has(_ kind: ConstraintDefinition.Kind) -> Bool { constraints.contains { $0.kind == kind } }
  package func constraint(_ kind: ConstraintDefinition.Kind) -> ConstraintDefinition? {
    constraints.first { $0.kind == kind }
  }
  /// The DEFAULT expression, if any.
  package var defaultExpression: ExpressionSummary? { constraint(.defaultValue)?.expression }
  /// `serial`, `bigserial` or `smallserial` (and their aliases).
  package var isSerial: Bool { Self.serialTypes.contains(type?.baseName ?? "") }
  private static let serialTypes: Set = ["serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"]
}

/// CREATE TABLE (also CREATE TABLE … PARTITION OF and CREATE TABLE AS).
package struct CreateTable: Hashable, Sendable {
  package var name: QualifiedName
  package var columns: [ColumnDefinition]
  package var constraints: [ConstraintDefinition]
  package var ifNotExists: Bool
  package var isTemporary: Bool
}

/// One subcommand of ALTER TABLE (and of ALTER INDEX / VIEW / MATERIALIZED VIEW / …).
package struct AlterTableCommand: Hashable, Sendable {
  package var subtype: AlterTableType
  /// Column or constraint name the subcommand is about.
  package var name: String?
  package var column: ColumnDefinition?
  package var constraint: ConstraintDefinition?
  /// ALTER COLUMN … TYPE: the new type and whether a USING expression was given.
  package var newType: TypeReference?
  package var hasUsing: Bool
  /// The USING expression is the column itself, maybe cast (`USING col`, `USING col::timestamptz`):
  /// PostgreSQL converts it exactly as without USING.
  package var usingIsColumn = false
  package var cascade: Bool
  package var missingOk: Bool
  /// `ALTER COLUMN … SET DEFAULT expr`: the expression (nil for DROP DEFAULT).
  package var defaultExpression: ExpressionSummary?
  /// ATTACH / DETACH PARTITION: the partition and the CONCURRENTLY / FINALIZE flags.
  package var partition: QualifiedName?
  package var concurrent: Bool
  /// Source range of this subcommand (from the first token after the table name to its comma).
  package var range: SourceRange
}

/// ALTER TABLE and its siblings that share the node (ALTER INDEX, ALTER VIEW, …).
package struct AlterTable: Hashable, Sendable {
  /// `.table`, `.index`, `.view`, `.matview`, `.sequence`, `.foreignTable`, …
  package var objectType: ObjectType
  package var relation: QualifiedName
  package var missingOk: Bool
  /// `ALTER TABLE ONLY`.
  package var only: Bool
  package var commands: [AlterTableCommand]
}

/// CREATE INDEX.
package struct CreateIndex: Hashable, Sendable {
  package var name: String?
  package var table: QualifiedName
  package var unique: Bool
  package var concurrently: Bool
  package var ifNotExists: Bool
  /// `ON ONLY` (a partitioned parent's index, built per partition later).
  package var only: Bool
  /// Plain column names in key order; nil entries are expressions.
  package var columns: [String?]
  package var hasWhere: Bool
  /// Columns named by key expressions and the `WHERE` predicate (dropping one drops the index).
  package var expressionColumns: [String] = []
}

/// DROP of any object kind.
package struct DropStatement: Hashable, Sendable {
  package var objectType: ObjectType
  package var objects: [QualifiedName]
  package var missingOk: Bool
  package var cascade: Bool
  package var concurrently: Bool
}

/// ALTER … RENAME.
package struct RenameStatement: Hashable, Sendable {
  /// What is renamed: `.column`, `.table`, `.index`, `.view`, `.tabconstraint`, …
  package var renameType: ObjectType
  /// For columns and constraints: the kind of relation they belong to.
  var relationType: ObjectType?
  package var relation: QualifiedName?
  /// The renamed object when it is not the relation (column or constraint), or its old name.
  package var oldName: String?
  package var newName: String
  package var missingOk: Bool
}

/// BEGIN / COMMIT / ROLLBACK / SAVEPOINT and friends.
package enum TransactionStatement: String, Hashable, Sendable {
  case begin, start, commit, rollback, savepoint, release, rollbackTo, prepare, commitPrepared,
    rollbackPrepared
}

/// SET / SET LOCAL / RESET, and `SELECT set_config('name', value, is_local)`.
package struct VariableSet: Hashable, Sendable {
  package var name: String
  package var isLocal: Bool
  package var isReset: Bool

  package init(name: String, isLocal: Bool, isReset: Bool) {
    self.name = name
    self.isLocal = isLocal
    self.isReset = isReset
  }
}

/// A column named in a query: `c`, `t.c`, `t.*`, `*`.
package struct ColumnReference: Hashable, Sendable {
  /// The table name or alias before the column, if written.
  package var qualifier: String?
  /// The column name, or `*`.
  package var name: String
  /// The relation the qualifier names in the reference's own or an enclosing `SELECT`.
  package var relation: QualifiedName?
  /// The relations in the `FROM` of the innermost `SELECT` around the reference: an unqualified
  /// column is one of theirs first (PostgreSQL resolves names innermost scope first).
  package var scope: [QualifiedName] = []
  /// The relations of the enclosing `SELECT`s (a correlated subquery's outer tables).
  package var outer: [QualifiedName] = []

  package init(
    qualifier: String?, name: String, relation: QualifiedName? = nil, scope: [QualifiedName] = [],
    outer: [QualifiedName] = []
  ) {
    self.qualifier = qualifier
    self.name = name
    self.relation = relation
    self.scope = scope
    self.outer = outer
  }
}

/// What a query reads: the relations with their aliases, and the columns it names.
package struct QueryReferences: Hashable, Sendable {
  /// Tables and views read, in order of appearance.
  package var relations: [QualifiedName] = []
  /// Alias (or bare relation name) → relation.
  package var aliases: [String: QualifiedName] = [:]
  package var columns: [ColumnReference] = []

  package init() {}
}

/// CREATE VIEW / CREATE MATERIALIZED VIEW.
package struct CreateView: Hashable, Sendable {
  package var name: QualifiedName
  package var materialized: Bool
  var orReplace: Bool
  /// What the query reads.
  package var query: QueryReferences
  /// Tables and views the query reads.
  package var relations: [QualifiedName] { query.relations }
}

/// REINDEX.
package struct Reindex: Hashable, Sendable {
  package var target: ReindexTarget
  package var name: String?
  package var concurrently: Bool
}

/// VACUUM or ANALYZE.
package struct Vacuum: Hashable, Sendable {
  /// False for a plain ANALYZE (which may run in a transaction block).
  package var isVacuum: Bool
  package var full: Bool
  package var relations: [QualifiedName]
}

/// TRUNCATE.
package struct Truncate: Hashable, Sendable {
  package var relations: [QualifiedName]
  package var cascade: Bool
}

/// LOCK TABLE.
package struct LockTable: Hashable, Sendable {
  package var relations: [QualifiedName]
  package var mode: LockMode
}

/// UPDATE, DELETE or INSERT on one table.
package struct DataChange: Hashable, Sendable {
  package enum Kind: String, Hashable, Sendable { case update, delete, insert }

  package var kind: Kind
  package var table: QualifiedName
  package var hasWhere: Bool
  /// UPDATE: assigned columns in order (repeats kept); INSERT: the column list.
  package var columns: [String]
  /// Byte offset of each entry of `columns`.
  package var columnLocations: [Int]
}

/// CREATE TYPE … AS ENUM and ALTER TYPE … ADD VALUE / RENAME VALUE.
package struct EnumChange: Hashable, Sendable {
  package var name: QualifiedName
  /// CREATE: the values; ALTER … ADD VALUE: the new value.
  package var values: [String]
  /// ALTER … RENAME VALUE: the old value.
  package var renamedFrom: String?
  package var isCreate: Bool
}

/// CREATE DOMAIN / ALTER DOMAIN.
package struct DomainChange: Hashable, Sendable {
  package var name: QualifiedName
  package var isCreate: Bool
  /// CREATE: has CHECK or NOT NULL; ALTER: the subcommand adds a constraint or SET NOT NULL.
  package var addsConstraint: Bool
  package var notValid: Bool
}

/// CREATE FUNCTION / PROCEDURE, and DO blocks.
package struct FunctionBody: Hashable, Sendable {
  package var name: QualifiedName?
  package var language: String
  /// The body as written (dollar-quoted or string text), if given inline.
  package var body: String?
  /// Byte offset of the body's string literal in the file (its opening quote).
  var bodyLocation: Int?
  var orReplace: Bool
}

/// CREATE SCHEMA / SEQUENCE / EXTENSION / TRIGGER / POLICY and other creations that rules only
/// need the name and IF NOT EXISTS of.
package struct CreateObject: Hashable, Sendable {
  /// `.schema`, `.sequence`, `.extension`, `.trigger` or `.policy`.
  package var objectType: ObjectType
  package var name: QualifiedName
  /// The table it is on (triggers, policies).
  package var table: QualifiedName?
  package var ifNotExists: Bool
  /// Columns it names: a policy's expressions, a trigger's `UPDATE OF` list.
  package var columns: [String] = []
  /// A trigger's function.
  package var function: QualifiedName?
}

/// ALTER … SET SCHEMA.
package struct SetSchema: Hashable, Sendable {
  package var objectType: ObjectType
  package var object: QualifiedName?
  package var newSchema: String
}

/// The typed statement model; everything not modelled is `.other` with its node type.
package enum StatementKind: Hashable, Sendable {
  case createTable(CreateTable)
  case alterTable(AlterTable)
  case createIndex(CreateIndex)
  case drop(DropStatement)
  case rename(RenameStatement)
  case transaction(TransactionStatement)
  case variableSet(VariableSet)
  case createView(CreateView)
  case reindex(Reindex)
  case vacuum(Vacuum)
  case createDatabase
  case alterSystem
  case truncate(Truncate)
  case lockTable(LockTable)
  /// CLUSTER (nil: every previously clustered table).
  case cluster(QualifiedName?)
  case refreshMaterializedView(name: QualifiedName, concurrently: Bool)
  case dataChange(DataChange)
  case enumChange(EnumChange)
  case domainChange(DomainChange)
  case function(FunctionBody)
  case doBlock(FunctionBody)
  case createObject(CreateObject)
  case setSchema(SetSchema)
  case dropDatabase(String)
  case other
}

/// One top-level statement of a file.
package struct Statement: Hashable, Sendable {
  package var kind: StatementKind
  /// libpg_query's node type (`.indexStmt`, `.alterTableStmt`, …).
  package var nodeType: NodeType
  /// From the first real token (never a comment before it) to the end, without the `;`.
  package var range: SourceRange
  /// Indexes into the file's token array covering ``range``.
  package var tokens: Range<Int>
  /// For `GrantStmt`: true for GRANT, false for REVOKE.
  package var isGrant: Bool = false
  /// Read from the tokens of a statement the grammar rejected (a syntax error is reported on
  /// it): what it creates enters the schema model, but no rule looks at it.
  package var isRecovered: Bool = false

  /// An explicit `LOCK TABLE` (the lock is the point of the statement; `lock-table` reports it).
  package var isLockTable: Bool {
    if case .lockTable = kind { return true }
    return false
  }

  /// `DROP VIEW` or `DROP MATERIALIZED VIEW`.
  package var dropsView: Bool {
    guard case .drop(let drop) = kind else { return false }
    return drop.objectType.isView
  }

  /// BEGIN/COMMIT/SAVEPOINT/… and SET/RESET: statements that do no work on tables.
  package var isTransactionControlOrSetting: Bool {
    switch kind {
    case .transaction, .variableSet: true
    default: nodeType == .variableShowStmt
    }
  }
}
