import MigLintSyntax

/// What the engine, the history replay or the workspace observed, for a rule to judge. The
/// observers gather facts; the rules in MigLintRules (one type per rule) turn each into a
/// finding, and write its message, help and severity: nowhere else are rule messages written.
package enum Observation: Sendable, Hashable {
  // The engine, per file.
  /// A statement (or a PL/pgSQL body, `inBody`) the grammar rejected or miglint could not analyse.
  case syntaxError(SyntaxError, inBody: Bool, target: PostgresVersion)
  /// A psql meta-command line (`\set`, `\i`), skipped.
  case psqlMetaCommand(String)
  /// The data of a `COPY … FROM stdin`, skipped.
  case copyData
  /// A psql variable (`:name`) read as a plain name.
  case psqlVariable(String)
  /// Template placeholders: how many, the first as written, and how many statements holding one
  /// could not be parsed.
  case templatePlaceholders(count: Int, first: String, unparsed: Int)
  /// `EXECUTE` statements that build DDL at run time in a DO block or a function.
  case dynamicDDL(count: Int, inDoBlock: Bool)
  /// A suppression comment (`miglint-ignore` or `miglint-ignore-file`) that names no rule.
  case suppressionWithoutRule(directive: String)
  /// A suppression comment naming no known rule.
  case unknownSuppressedRule(String)
  /// A suppression comment without a reason, when reasons are required.
  case suppressionWithoutReason
  /// A suppression entry that silenced nothing.
  case unusedSuppression(String)

  // The workspace: a directory's layout.
  /// Files for other databases, skipped: the first one's name and the count per dialect.
  case otherDialectFiles(first: String, dialects: [DialectCount])
  /// Prisma's `migration_lock.toml` names another database: its migrations were skipped.
  case otherPrismaProvider(String, migrations: Int)
  /// A version another migration of the directory uses too.
  case duplicateVersion(String, earlierFile: String, tool: MigrationTool)
  /// No migration of the directory has a down.
  case noDownMigrations(migrations: Int, tool: MigrationTool)
  /// One migration has no down where its siblings have.
  case missingDown(version: String, tool: MigrationTool, expected: String)
  /// A down marker indented by mistake: the tool does not read it.
  case indentedDownMarker(String, tool: MigrationTool)
  /// ORM migration code miglint could not follow (a helper from another module, SQL built at
  /// run time), with why.
  case unanalysableCode(String, tool: MigrationTool)

  // The workspace: the deploy record.
  /// A file present at the git base (deployed) and gone now.
  case deployedFileGoneSinceBase(String, base: String)
  /// A migration the deploy record lists, with its files, that no longer exists.
  case deployedMigrationGone(version: String, files: [String])
  /// A deployed file of a migration that is gone, while the migration now has `now`.
  case deployedFileRenamed(String, version: String, record: String, now: [String])
  /// An up script added to a migration after it was deployed.
  case fileAddedAfterDeploy(String, version: String, record: String)
  /// A deployed file whose text changed, with the first changed line when the old text is known.
  case deployedFileChanged(String, record: String, firstChange: LineChange?)
  /// A pending migration that sorts before a deployed one.
  case pendingBeforeDeployed(version: String, lastDeployed: String, tool: MigrationTool)

  // The history replay.
  /// A migration without statements (in its file, or its up section), and the others like it.
  case emptyMigration(version: String, isSection: Bool, others: [String])
  /// A down that does not give back the schema from before its up.
  case downDoesNotRevert(version: String, differences: [SchemaDifference])
  /// The downs of a group of migrations that revert together (popx) do not give back the schema.
  case groupDownsDoNotRevert(first: String, last: String, differences: [SchemaDifference])

  /// Files of one other database.
  package struct DialectCount: Sendable, Hashable {
    package var dialect: String
    package var files: Int

    package init(dialect: String, files: Int) {
      self.dialect = dialect
      self.files = files
    }
  }

  /// The first line where a file differs from its deployed text (1-based), both sides as written.
  package struct LineChange: Sendable, Hashable {
    package var line: Int
    package var deployed: String
    package var now: String

    package init(line: Int, deployed: String, now: String) {
      self.line = line
      self.deployed = deployed
      self.now = now
    }
  }

  /// The observation's kind, to find the rule that judges it.
  package var kind: Kind {
    switch self {
    case .syntaxError: .syntaxError
    case .psqlMetaCommand: .psqlMetaCommand
    case .copyData: .copyData
    case .psqlVariable: .psqlVariable
    case .templatePlaceholders: .templatePlaceholders
    case .dynamicDDL: .dynamicDDL
    case .suppressionWithoutRule: .suppressionWithoutRule
    case .unknownSuppressedRule: .unknownSuppressedRule
    case .suppressionWithoutReason: .suppressionWithoutReason
    case .unusedSuppression: .unusedSuppression
    case .otherDialectFiles: .otherDialectFiles
    case .otherPrismaProvider: .otherPrismaProvider
    case .duplicateVersion: .duplicateVersion
    case .noDownMigrations: .noDownMigrations
    case .missingDown: .missingDown
    case .indentedDownMarker: .indentedDownMarker
    case .unanalysableCode: .unanalysableCode
    case .deployedFileGoneSinceBase: .deployedFileGoneSinceBase
    case .deployedMigrationGone: .deployedMigrationGone
    case .deployedFileRenamed: .deployedFileRenamed
    case .fileAddedAfterDeploy: .fileAddedAfterDeploy
    case .deployedFileChanged: .deployedFileChanged
    case .pendingBeforeDeployed: .pendingBeforeDeployed
    case .emptyMigration: .emptyMigration
    case .downDoesNotRevert: .downDoesNotRevert
    case .groupDownsDoNotRevert: .groupDownsDoNotRevert
    }
  }

  /// One kind per case; every kind has exactly one rule (a test checks).
  package enum Kind: Sendable, Hashable, CaseIterable {
    case syntaxError, psqlMetaCommand, copyData, psqlVariable, templatePlaceholders, dynamicDDL,
      suppressionWithoutRule, unknownSuppressedRule, suppressionWithoutReason, unusedSuppression,
      otherDialectFiles, otherPrismaProvider, duplicateVersion, noDownMigrations, missingDown, indentedDownMarker,
      unanalysableCode,
      deployedFileGoneSinceBase, deployedMigrationGone, deployedFileRenamed, fileAddedAfterDeploy,
      deployedFileChanged, pendingBeforeDeployed, emptyMigration, downDoesNotRevert, groupDownsDoNotRevert
  }
}

/// An object of the schema model, named for a message.
package enum SchemaObject: Sendable, Hashable {
  case table(QualifiedName)
  case column(QualifiedName, String)
  case constraint(String, on: QualifiedName)
  case index(QualifiedName)
  case view(QualifiedName, materialized: Bool)
  case object(ObjectType, QualifiedName)
}

/// One way the schema after an up and its down differs from the schema before the up.
package enum SchemaDifference: Sendable, Hashable {
  case leftOver(SchemaObject)
  case missing(SchemaObject)
  case columnType(table: QualifiedName, column: String, now: TypeReference, was: TypeReference)
  case nullability(table: QualifiedName, column: String, notNull: Bool)
}

/// A rule that judges observations: the engine's, the history replay's or the workspace's.
package protocol ObservationRule: Rule {
  /// The kinds of observation this rule turns into findings.
  static var judges: Set<Observation.Kind> { get }
  /// The finding for `observation`, located at `range`; nil for a kind not in ``judges``.
  static func finding(for observation: Observation, at range: SourceRange) -> Finding?
}

/// An observation about one file of a migration set, located in it.
package struct SetObservation: Sendable {
  package var file: Int
  package var observation: Observation
  package var range: SourceRange

  package init(file: Int, _ observation: Observation, at range: SourceRange) {
    self.file = file
    self.observation = observation
    self.range = range
  }
}
