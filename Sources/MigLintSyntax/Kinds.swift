/// Typed forms of the kinds libpg_query writes as strings. The decoder turns its strings into these
/// at the parser boundary, so code that reasons about statements switches over closed sets, and a
/// new case makes the compiler list every place that must decide about it.

/// PostgreSQL's `ObjectType` (`OBJECT_TABLE` …): what a DROP, RENAME, ALTER or SET SCHEMA is about.
/// The raw value is the name without `OBJECT_`, lower case; the schema model and `--forbid` use it.
package enum ObjectType: String, Hashable, Sendable, CaseIterable {
  case accessMethod = "access_method", aggregate, amop, amproc, attribute, cast, column, collation,
    conversion, database, `default`, defacl, domain, domconstraint, eventTrigger = "event_trigger",
    `extension`, fdw, foreignServer = "foreign_server", foreignTable = "foreign_table", function, index,
    language, largeobject, matview, opclass, `operator`, opfamily, parameterACL = "parameter_acl", policy,
    procedure, publication, publicationNamespace = "publication_namespace",
    publicationRelation = "publication_rel", role, routine, rule, schema, sequence, subscription,
    statisticExt = "statistic_ext", tabconstraint, table, tablespace, transform, trigger, tsconfiguration,
    tsdictionary, tsparser, tstemplate, type, userMapping = "user_mapping", view

  /// libpg_query's spelling, `OBJECT_MATVIEW`.
  init?(libpgQuery value: String) {
    guard value.hasPrefix("OBJECT_") else { return nil }
    self.init(rawValue: value.dropFirst(7).lowercased())
  }

  /// The words SQL uses for the kind after `CREATE`, `ALTER` or `DROP`: `MATERIALIZED VIEW`.
  package var keywords: String {
    switch self {
    case .matview: "MATERIALIZED VIEW"
    case .tabconstraint, .column: "TABLE"
    case .domconstraint: "DOMAIN"
    case .foreignTable: "FOREIGN TABLE"
    case .foreignServer: "SERVER"
    case .fdw: "FOREIGN DATA WRAPPER"
    case .eventTrigger: "EVENT TRIGGER"
    case .accessMethod: "ACCESS METHOD"
    case .statisticExt: "STATISTICS"
    case .opclass: "OPERATOR CLASS"
    case .opfamily: "OPERATOR FAMILY"
    case .tsconfiguration: "TEXT SEARCH CONFIGURATION"
    case .tsdictionary: "TEXT SEARCH DICTIONARY"
    case .tsparser: "TEXT SEARCH PARSER"
    case .tstemplate: "TEXT SEARCH TEMPLATE"
    case .userMapping: "USER MAPPING"
    case .largeobject: "LARGE OBJECT"
    case .defacl: "DEFAULT PRIVILEGES"
    case .parameterACL: "PARAMETER"
    case .publicationNamespace, .publicationRelation: "PUBLICATION"
    case .amop, .amproc: "OPERATOR FAMILY"
    case .attribute: "TYPE"
    case .default: "TABLE"
    case .aggregate, .cast, .collation, .conversion, .database, .domain, .extension, .function, .index,
      .language, .operator, .policy, .procedure, .publication, .role, .routine, .rule, .schema, .sequence,
      .subscription, .table, .tablespace, .transform, .trigger, .type, .view:
      rawValue.uppercased()
    }
  }

  /// The kind the schema model files an object under: procedures and routines are functions.
  package var catalogKind: ObjectType { self == .procedure || self == .routine ? .function : self }

  /// A view or a materialized view.
  package var isView: Bool { self == .view || self == .matview }
}

/// One ALTER TABLE subcommand kind: libpg_query's `AlterTableType` without `AT_`, limited to the
/// kinds PostgreSQL's grammar produces (the `…Recurse`, `ReAdd…` and `Cooked…` kinds are made
/// during execution and never reach a parse tree).
package enum AlterTableType: String, Hashable, Sendable, CaseIterable {
  case addColumn = "AddColumn", columnDefault = "ColumnDefault", dropNotNull = "DropNotNull",
    setNotNull = "SetNotNull", dropExpression = "DropExpression", setStatistics = "SetStatistics",
    setOptions = "SetOptions", resetOptions = "ResetOptions", setStorage = "SetStorage",
    setCompression = "SetCompression", dropColumn = "DropColumn", addConstraint = "AddConstraint",
    alterConstraint = "AlterConstraint", validateConstraint = "ValidateConstraint",
    dropConstraint = "DropConstraint", alterColumnType = "AlterColumnType",
    alterColumnGenericOptions = "AlterColumnGenericOptions", changeOwner = "ChangeOwner",
    clusterOn = "ClusterOn", dropCluster = "DropCluster", setLogged = "SetLogged",
    setUnlogged = "SetUnLogged", dropOids = "DropOids", setAccessMethod = "SetAccessMethod",
    setTablespace = "SetTableSpace", setRelOptions = "SetRelOptions", resetRelOptions = "ResetRelOptions",
    enableTrigger = "EnableTrig", enableAlwaysTrigger = "EnableAlwaysTrig",
    enableReplicaTrigger = "EnableReplicaTrig", disableTrigger = "DisableTrig",
    enableAllTriggers = "EnableTrigAll", disableAllTriggers = "DisableTrigAll",
    enableUserTriggers = "EnableTrigUser", disableUserTriggers = "DisableTrigUser",
    enableRule = "EnableRule", enableAlwaysRule = "EnableAlwaysRule", enableReplicaRule = "EnableReplicaRule",
    disableRule = "DisableRule", addInherit = "AddInherit", dropInherit = "DropInherit", addOf = "AddOf",
    dropOf = "DropOf", replicaIdentity = "ReplicaIdentity", enableRowSecurity = "EnableRowSecurity",
    disableRowSecurity = "DisableRowSecurity", forceRowSecurity = "ForceRowSecurity",
    noForceRowSecurity = "NoForceRowSecurity", genericOptions = "GenericOptions",
    attachPartition = "AttachPartition", detachPartition = "DetachPartition",
    detachPartitionFinalize = "DetachPartitionFinalize", addIdentity = "AddIdentity",
    setIdentity = "SetIdentity", dropIdentity = "DropIdentity"

  /// libpg_query's spelling, `AT_AddColumn`.
  init?(libpgQuery value: String) {
    guard value.hasPrefix("AT_") else { return nil }
    self.init(rawValue: String(value.dropFirst(3)))
  }
}

/// What a REINDEX rebuilds.
package enum ReindexTarget: String, Hashable, Sendable, CaseIterable {
  case index, table, schema, system, database

  /// libpg_query's spelling, `REINDEX_OBJECT_TABLE`.
  init?(libpgQuery value: String) {
    guard value.hasPrefix("REINDEX_OBJECT_") else { return nil }
    self.init(rawValue: value.dropFirst(15).lowercased())
  }
}

/// libpg_query's node type of a top-level statement (`IndexStmt`, `GrantStmt`, …): every one the
/// grammar produces, so a rule that looks for one names a case, not a string.
package enum NodeType: String, Hashable, Sendable, CaseIterable {
  /// A statement the decoder could not read.
  case unknown = "Unknown"
  case insertStmt = "InsertStmt",
    deleteStmt = "DeleteStmt",
    updateStmt = "UpdateStmt",
    mergeStmt = "MergeStmt",
    selectStmt = "SelectStmt",
    alterTableStmt = "AlterTableStmt",
    alterDomainStmt = "AlterDomainStmt",
    grantStmt = "GrantStmt",
    grantRoleStmt = "GrantRoleStmt",
    alterDefaultPrivilegesStmt = "AlterDefaultPrivilegesStmt",
    closePortalStmt = "ClosePortalStmt",
    clusterStmt = "ClusterStmt",
    copyStmt = "CopyStmt",
    createStmt = "CreateStmt",
    defineStmt = "DefineStmt",
    dropStmt = "DropStmt",
    truncateStmt = "TruncateStmt",
    commentStmt = "CommentStmt",
    fetchStmt = "FetchStmt",
    indexStmt = "IndexStmt",
    createFunctionStmt = "CreateFunctionStmt",
    alterFunctionStmt = "AlterFunctionStmt",
    doStmt = "DoStmt",
    renameStmt = "RenameStmt",
    ruleStmt = "RuleStmt",
    notifyStmt = "NotifyStmt",
    listenStmt = "ListenStmt",
    unlistenStmt = "UnlistenStmt",
    transactionStmt = "TransactionStmt",
    viewStmt = "ViewStmt",
    loadStmt = "LoadStmt",
    createDomainStmt = "CreateDomainStmt",
    createdbStmt = "CreatedbStmt",
    dropdbStmt = "DropdbStmt",
    vacuumStmt = "VacuumStmt",
    explainStmt = "ExplainStmt",
    createTableAsStmt = "CreateTableAsStmt",
    createSeqStmt = "CreateSeqStmt",
    alterSeqStmt = "AlterSeqStmt",
    variableSetStmt = "VariableSetStmt",
    variableShowStmt = "VariableShowStmt",
    discardStmt = "DiscardStmt",
    createTrigStmt = "CreateTrigStmt",
    createPLangStmt = "CreatePLangStmt",
    createRoleStmt = "CreateRoleStmt",
    alterRoleStmt = "AlterRoleStmt",
    dropRoleStmt = "DropRoleStmt",
    lockStmt = "LockStmt",
    constraintsSetStmt = "ConstraintsSetStmt",
    reindexStmt = "ReindexStmt",
    checkPointStmt = "CheckPointStmt",
    createSchemaStmt = "CreateSchemaStmt",
    alterDatabaseStmt = "AlterDatabaseStmt",
    alterDatabaseRefreshCollStmt = "AlterDatabaseRefreshCollStmt",
    alterDatabaseSetStmt = "AlterDatabaseSetStmt",
    alterRoleSetStmt = "AlterRoleSetStmt",
    createConversionStmt = "CreateConversionStmt",
    createCastStmt = "CreateCastStmt",
    createOpClassStmt = "CreateOpClassStmt",
    createOpFamilyStmt = "CreateOpFamilyStmt",
    alterOpFamilyStmt = "AlterOpFamilyStmt",
    prepareStmt = "PrepareStmt",
    executeStmt = "ExecuteStmt",
    deallocateStmt = "DeallocateStmt",
    declareCursorStmt = "DeclareCursorStmt",
    createTableSpaceStmt = "CreateTableSpaceStmt",
    dropTableSpaceStmt = "DropTableSpaceStmt",
    alterObjectDependsStmt = "AlterObjectDependsStmt",
    alterObjectSchemaStmt = "AlterObjectSchemaStmt",
    alterOwnerStmt = "AlterOwnerStmt",
    alterOperatorStmt = "AlterOperatorStmt",
    alterTypeStmt = "AlterTypeStmt",
    dropOwnedStmt = "DropOwnedStmt",
    reassignOwnedStmt = "ReassignOwnedStmt",
    compositeTypeStmt = "CompositeTypeStmt",
    createEnumStmt = "CreateEnumStmt",
    createRangeStmt = "CreateRangeStmt",
    alterEnumStmt = "AlterEnumStmt",
    alterTSDictionaryStmt = "AlterTSDictionaryStmt",
    alterTSConfigurationStmt = "AlterTSConfigurationStmt",
    createFdwStmt = "CreateFdwStmt",
    alterFdwStmt = "AlterFdwStmt",
    createForeignServerStmt = "CreateForeignServerStmt",
    alterForeignServerStmt = "AlterForeignServerStmt",
    createUserMappingStmt = "CreateUserMappingStmt",
    alterUserMappingStmt = "AlterUserMappingStmt",
    dropUserMappingStmt = "DropUserMappingStmt",
    alterTableSpaceOptionsStmt = "AlterTableSpaceOptionsStmt",
    alterTableMoveAllStmt = "AlterTableMoveAllStmt",
    secLabelStmt = "SecLabelStmt",
    createForeignTableStmt = "CreateForeignTableStmt",
    importForeignSchemaStmt = "ImportForeignSchemaStmt",
    createExtensionStmt = "CreateExtensionStmt",
    alterExtensionStmt = "AlterExtensionStmt",
    alterExtensionContentsStmt = "AlterExtensionContentsStmt",
    createEventTrigStmt = "CreateEventTrigStmt",
    alterEventTrigStmt = "AlterEventTrigStmt",
    refreshMatViewStmt = "RefreshMatViewStmt",
    alterSystemStmt = "AlterSystemStmt",
    createPolicyStmt = "CreatePolicyStmt",
    alterPolicyStmt = "AlterPolicyStmt",
    createTransformStmt = "CreateTransformStmt",
    createAmStmt = "CreateAmStmt",
    createPublicationStmt = "CreatePublicationStmt",
    alterPublicationStmt = "AlterPublicationStmt",
    createSubscriptionStmt = "CreateSubscriptionStmt",
    alterSubscriptionStmt = "AlterSubscriptionStmt",
    dropSubscriptionStmt = "DropSubscriptionStmt",
    createStatsStmt = "CreateStatsStmt",
    alterCollationStmt = "AlterCollationStmt",
    callStmt = "CallStmt",
    alterStatsStmt = "AlterStatsStmt"
}
