import MigLintSyntax

/// The transaction a migration tool runs a script in, as far as statements inside it can tell.
package struct ToolTransaction: Hashable, Sendable {
  /// A sentence naming the tool: "goose runs this file in a transaction".
  package var reason: String
  /// How to run the script without it: "add `-- +goose NO TRANSACTION` to the file".
  package var optOut: String
  /// The tool sends the whole script as one multi-statement query: PostgreSQL runs it as one
  /// implicit transaction (unless it holds a single statement), and a `COMMIT` inside does not
  /// end it, the next statement starts another.
  package var singleQuery: Bool
  /// The tool runs the script without a transaction when every statement needs that (Flyway).
  package var skippedWhenAllNonTransactional: Bool

  package init(reason: String, optOut: String, singleQuery: Bool = false, skippedWhenAllNonTransactional: Bool = false)
  {
    self.reason = reason
    self.optOut = optOut
    self.singleQuery = singleQuery
    self.skippedWhenAllNonTransactional = skippedWhenAllNonTransactional
  }

  /// Whether the tool wraps a script of `statements` in this transaction.
  package func applies(to statements: [Statement]) -> Bool {
    if singleQuery, statements.count < 2 { return false }
    if skippedWhenAllNonTransactional, !statements.isEmpty,
      statements.allSatisfy({ $0.nonTransactionalName != nil || $0.isTransactionControlOrSetting })
    {
      return false
    }
    return true
  }
}

extension Statement {
  /// What the statement does, when PostgreSQL refuses it inside a transaction block
  /// ("cannot run inside a transaction block"): `CREATE INDEX CONCURRENTLY`, `VACUUM`, …
  package var nonTransactionalName: String? {
    switch kind {
    case .createIndex(let index) where index.concurrently: return "CREATE INDEX CONCURRENTLY"
    case .drop(let drop) where drop.concurrently: return "DROP INDEX CONCURRENTLY"
    case .reindex(let reindex) where reindex.concurrently: return "REINDEX CONCURRENTLY"
    case .vacuum(let vacuum) where vacuum.isVacuum: return "VACUUM"
    case .createDatabase: return "CREATE DATABASE"
    case .alterSystem: return "ALTER SYSTEM"
    case .alterTable(let alter)
    where alter.commands.contains { $0.subtype == .detachPartition && $0.concurrent }:
      return "DETACH PARTITION CONCURRENTLY"
    default: return nil
    }
  }
}

/// The direction a script moves the schema.
package enum MigrationDirection: String, Hashable, Sendable {
  case up, down
}

/// What one migration tool runs as one unit: a whole file, or the section of a file between markers.
package struct MigrationScript: Hashable, Sendable {
  /// Index of the file in ``MigrationSet/files``.
  package var file: Int
  /// The section of the file; nil for the whole file.
  package var range: SourceRange?
  package var direction: MigrationDirection
  /// Nil when the tool runs the script without a transaction (or the behaviour is unknown).
  package var transaction: ToolTransaction?

  package init(file: Int, range: SourceRange? = nil, direction: MigrationDirection, transaction: ToolTransaction?) {
    self.file = file
    self.range = range
    self.direction = direction
    self.transaction = transaction
  }

  /// True when `offset` lies in the script.
  package func contains(_ offset: Int) -> Bool {
    guard let range else { return true }
    return offset >= range.start && offset < range.end
  }
}

/// One migration: its version, the scripts that apply it and those that revert it.
package struct Migration: Hashable, Sendable {
  /// The version as written (`0003`, `20240101120000`, `2.1`).
  package var version: String
  package var name: String
  package var up: [MigrationScript]
  package var down: [MigrationScript]
  /// After the last deployed migration (a deploy record is known and does not list it).
  package var isPending: Bool
  /// Set when the migration's down does not undo its own up but the group's downs together undo
  /// the group's ups (ory's popx splits one change into numbered parts this way).
  package var revertGroup: RevertGroup?
  /// Runs again whenever it changes, after the versioned ones (Flyway's `R__`): it has no place
  /// in the version order and no down.
  package var isRepeatable = false

  /// Consecutive migrations that revert only together.
  package struct RevertGroup: Hashable, Sendable {
    package var key: String
    package var size: Int

    package init(key: String, size: Int) {
      self.key = key
      self.size = size
    }
  }

  package init(version: String, name: String, up: [MigrationScript], down: [MigrationScript], isPending: Bool = false) {
    self.version = version
    self.name = name
    self.up = up
    self.down = down
    self.isPending = isPending
  }
}

/// The file an ORM migration's SQL was generated from, and where each part of the SQL comes
/// from in it: findings are reported there.
package struct GeneratedSource: Sendable {
  package var source: SourceFile
  package var map: SourceMap
  /// Offsets from here on stand for the file's own offsets (less this base): findings about the
  /// file rather than its SQL (a deploy record's, the layout's) are located there.
  package let fileBase: Int

  /// `generatedLength` is the length of the generated SQL.
  package init(source: SourceFile, map: SourceMap, generatedLength: Int) {
    self.source = source
    fileBase = generatedLength + 1
    var map = map
    map.append(
      SourceMap.Segment(
        generated: SourceRange(start: fileBase, end: fileBase + source.bytes.count + 1),
        original: SourceRange(start: 0, end: source.bytes.count + 1), verbatim: true))
    self.map = map
  }

  /// A range of the file, as a range of the generated text that maps back to it.
  package func generated(_ fileRange: SourceRange) -> SourceRange {
    SourceRange(start: fileRange.start + fileBase, end: fileRange.end + fileBase)
  }
}

/// A file that belongs to a migration set.
package struct MigrationFile: Sendable {
  package var path: String
  /// The bytes to parse (SQL files that could be read); nil for the others.
  package var bytes: [UInt8]?
  /// Nil when the file could not be read as text; set before parsing only for files that are
  /// not parsed but carry findings (the deploy record, another dialect's file).
  package var source: SourceFile?
  /// Why the file could not be read or linted.
  package var inputError: String?
  /// SQL files are parsed; other files (the deploy record) only carry findings.
  package var isSQL: Bool
  /// Statement rules report on this file (`--scope`, and files named on the command line).
  package var reported: Bool
  /// Named on the command line (a directory names all of its files).
  package var requested: Bool
  /// The deploy record, or a file that the deploy record lists and that is gone: its findings
  /// are shown even when only some files of the directory were named.
  package var isRecord: Bool
  /// Set for an ORM migration: `bytes` is the SQL it sends, generated from this file.
  package var generatedFrom: GeneratedSource?

  package init(
    path: String, bytes: [UInt8]? = nil, source: SourceFile?, inputError: String? = nil, isSQL: Bool = true,
    reported: Bool = true, requested: Bool = false, isRecord: Bool = false
  ) {
    self.path = path
    self.bytes = bytes
    self.source = source
    self.inputError = inputError
    self.isSQL = isSQL
    self.reported = reported
    self.requested = requested
    self.isRecord = isRecord
  }
}

/// A migrations directory: its files, its migrations in the order the tool applies them, and
/// what the workspace found about its layout and deploy record.
package struct MigrationSet: Sendable {
  package var files: [MigrationFile]
  package var migrations: [Migration]
  /// What the workspace observed about the layout and deploy record, for rules to judge.
  package var observations: [SetObservation]

  package init(files: [MigrationFile], migrations: [Migration], observations: [SetObservation]) {
    self.files = files
    self.migrations = migrations
    self.observations = observations
  }

  /// Index of the first pending migration, when a deploy record says which are pending.
  var firstPending: Int? { migrations.firstIndex(where: \.isPending) }
}
