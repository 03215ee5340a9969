import MigLintSyntax

/// The lowest severity that makes the run fail (exit code 1).
package enum FailLevel: String, Sendable, CaseIterable {
  case error, warning, info, never

  /// True when a finding of `severity` fails the run.
  package func fails(_ severity: Severity) -> Bool {
    switch self {
    case .never: false
    case .error: severity >= .error
    case .warning: severity >= .warning
    case .info: true
    }
  }
}

/// Settings from `miglint.toml` and the command line (command-line values win).
package struct Configuration: Sendable {
  /// The file the settings came from, if any.
  package var path: String?
  package var pgVersion: PostgresVersion = .default
  /// Rule ids, aliases, categories, `all` or `default`; nil = the rules enabled by default.
  package var select: [String]?
  package var ignore: [String] = []
  /// Severity per rule id.
  package var severity: [String: Severity] = [:]
  package var failOn: FailLevel = .warning
  /// Globs relative to the configuration file's directory.
  package var include: [String] = []
  package var exclude: [String] = []
  package var requireSuppressionReason = false
  package var lockTimeoutSetByRunner = false
  /// Statement kinds `forbidden-statement` reports (StatementKindNames).
  package var forbid: [String] = []
  /// Per migrations directory (relative to the configuration file): `tool` and `transaction`.
  package var directories: [String: DirectorySettings] = [:]
  /// Threads for parsing, replay finishing and rendering (`--jobs`; not a file setting: it
  /// belongs to the machine, not the project).
  package var jobs = Parallel.coreCount

  package init() {}

  var ruleOptions: RuleOptions {
    RuleOptions(lockTimeoutSetByRunner: lockTimeoutSetByRunner, forbid: Set(forbid), selectors: select ?? [])
  }
}

/// A migration tool whose layout miglint understands (docs/layouts.md); each has its type in
/// `Sources/MigLintWorkspace/Layouts/`. The case order is the detection order: layouts whose files
/// say more (a plan, a lock file, folder names) come before those matched by names or markers.
package enum MigrationTool: String, CaseIterable, Sendable {
  // JavaScript/TypeScript migrations: a directory holding them is theirs.
  case sequelize
  case knex
  case typeorm
  case sqitch
  case prisma
  case diesel
  case upDown = "up-down"
  case drizzle
  case flyway
  case pop
  case golangMigrate = "golang-migrate"
  case goose
  case dbmate
  case sqlMigrate = "sql-migrate"
  case plain

  /// What a run's summary calls a directory of the tool's.
  package var summaryName: String {
    switch self {
    case .plain: "numbered SQL files"
    case .upDown: "up/down folders"
    default: displayName
    }
  }

  /// The name used in messages: "goose", "Prisma Migrate".
  package var displayName: String {
    switch self {
    case .sequelize: "Sequelize"
    case .knex: "Knex"
    case .typeorm: "TypeORM"
    case .prisma: "Prisma Migrate"
    case .flyway: "Flyway"
    case .drizzle: "Drizzle"
    case .upDown: "the migration runner"
    case .plain: "the migration runner"
    default: rawValue
    }
  }
}

/// How a directory's scripts run, from the configuration's `transaction` key.
package enum TransactionMode: String, CaseIterable, Sendable {
  /// The runner wraps each script in a transaction.
  case perFile = "per-file"
  /// The runner sends each script as one multi-statement query (an implicit transaction).
  case singleQuery = "single-query"
  case none
}

/// Settings of one migrations directory (`[directories."<path>"]` in miglint.toml).
package struct DirectorySettings: Sendable, Equatable {
  /// Overrides the detected tool.
  package var tool: MigrationTool?
  /// Overrides how the tool runs each script.
  package var transaction: TransactionMode?

  package init(tool: MigrationTool? = nil, transaction: TransactionMode? = nil) {
    self.tool = tool
    self.transaction = transaction
  }
}

/// All rules known to miglint, by id and alias.
package struct RuleRegistry: Sendable {
  package let descriptions: [RuleDescription]
  package let statementRules: [any StatementRule]
  private let byName: [String: Int]

  package let observationRules: [any ObservationRule.Type]
  /// The rule that judges each kind of observation.
  private let judges: [Observation.Kind: any ObservationRule.Type]

  package init(statementRules: [any StatementRule], observationRules: [any ObservationRule.Type]) {
    self.statementRules = statementRules
    self.observationRules = observationRules
    var judges: [Observation.Kind: any ObservationRule.Type] = [:]
    for rule in observationRules {
      for kind in rule.judges { judges[kind] = rule }
    }
    self.judges = judges
    let all = statementRules.map { type(of: $0).description } + observationRules.map { $0.description }
    descriptions = all.sorted { $0.id < $1.id }
    var byName: [String: Int] = [:]
    for (index, description) in descriptions.enumerated() {
      byName[description.id] = index
      for alias in description.aliases where byName[alias] == nil { byName[alias] = index }
    }
    self.byName = byName
  }

  /// The id of the rule that judges `kind` (every kind has one: `RuleCatalogTests` checks).
  package func ruleID(judging kind: Observation.Kind) -> String? { judges[kind]?.description.id }

  /// The finding a rule makes of `observation`; nil only for a kind no rule judges.
  package func judge(_ observation: Observation, at range: SourceRange) -> RuleFinding? {
    guard let rule = judges[observation.kind], let finding = rule.finding(for: observation, at: range) else {
      return nil
    }
    return RuleFinding(rule.description.id, finding)
  }

  /// The description for an id or alias.
  package func description(for name: String) -> RuleDescription? {
    byName[name].map { descriptions[$0] }
  }

  /// The canonical id for an id or alias.
  package func canonicalID(_ name: String) -> String? { description(for: name)?.id }

  /// Checks a selector (`select`/`ignore` entry): an id, alias, category, `all` or `default`.
  package func isValidSelector(_ name: String) -> Bool {
    name == "all" || name == "default" || RuleCategory(rawValue: name) != nil || byName[name] != nil
  }

  /// Ids of the rules that run under `configuration`.
  package func enabledIDs(_ configuration: Configuration) -> Set<String> {
    func matches(_ description: RuleDescription, _ selector: String) -> Bool {
      selector == "all" || selector == description.category.rawValue || canonicalID(selector) == description.id
        || (selector == "default" && description.enabledByDefault)
    }
    var enabled = Set<String>()
    for description in descriptions {
      let selected =
        configuration.select.map { selectors in selectors.contains { matches(description, $0) } }
        ?? description.enabledByDefault
      if selected, !configuration.ignore.contains(where: { matches(description, $0) }) {
        enabled.insert(description.id)
      }
    }
    return enabled
  }

  /// The severity of `id` under `configuration`.
  package func severity(of id: String, _ configuration: Configuration) -> Severity {
    configuration.severity[id] ?? description(for: id)?.severity ?? .warning
  }
}
