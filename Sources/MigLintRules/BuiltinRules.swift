import MigLintCore

/// Every built-in rule. A new rule is added here and nowhere else.
package enum BuiltinRules {
  package static let registry = RuleRegistry(
    statementRules: [
      // lock
      CreateIndexNonConcurrently(),
      DropIndexNonConcurrently(),
      AddColumnNotNullWithoutDefault(),
      AddColumnVolatileDefault(),
      SetNotNull(),
      ConstraintWithoutNotValid(),
      AddUniqueConstraint(),
      AlterColumnType(),
      MissingLockTimeout(),
      MissingStatementTimeout(),
      ReindexNonConcurrently(),
      DetachPartitionNonConcurrently(),
      RefreshMatviewNonConcurrently(),
      FullTableRewrite(),
      AddColumnGeneratedStored(),
      AddColumnSerial(),
      ValidateInSameTransaction(),
      AddPrimaryKey(),
      AddExclusionConstraint(),
      StatementsAfterAccessExclusive(),
      UnbatchedBackfill(),
      LockTable(),
      AttachPartitionScan(),
      ForeignKeyWithoutIndex(),
      // transaction
      ConcurrentlyInTransaction(),
      AddEnumValueInTransaction(),
      TransactionNesting(),
      UncommittedTransaction(),
      // compat
      DropColumn(),
      DropTable(),
      RenameColumn(),
      RenameTable(),
      DropObject(),
      DropDatabase(),
      CascadeDrop(),
      TruncateTable(),
      RenameObject(),
      DropNotNull(),
      DomainCheckConstraint(),
      DropColumnReferenced(),
      AlterColumnTypeReferenced(),
      DropTableReferenced(),
      ForbiddenStatement(),
      // type
      IntPrimaryKey(),
      SerialColumn(),
      VarcharLength(),
      TimestampWithoutTimeZone(),
      CharColumn(),
      JsonColumn(),
      IdentifierTooLong(),
      NonIdempotentStatement(),
      DuplicateColumnAssignment(),
      UnqualifiedTable(),
    ],
    observationRules: [
      SyntaxErrorRule.self, UnusedSuppression.self, InvalidSuppression.self, TemplatedSQL.self, PsqlMetaCommand.self,
      DynamicSQL.self, UnsupportedDialect.self, UnanalyzableMigrationCode.self,
      // history: judged from what the workspace and the history replay observe
      MissingDownMigration.self, DownDoesNotRevertUp.self, EmptyMigration.self, DuplicateMigrationVersion.self,
      EditedAfterDeploy.self, DeletedAfterDeploy.self, OutOfOrderMigration.self,
    ])
}
