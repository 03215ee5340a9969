import MigLintSyntax

/// How serious a finding is.
package enum Severity: String, Sendable, CaseIterable, Comparable, Codable {
  case info, warning, error

  private var rank: Int {
    switch self {
    case .info: 0
    case .warning: 1
    case .error: 2
    }
  }

  package static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// The folder and theme of a rule (the sections of `rules/README.md`).
package enum RuleCategory: String, Sendable, CaseIterable {
  case lock, transaction, compat, type, history, syntax

  /// Folder name under `Sources/MigLintRules/`.
  package var folderName: String {
    switch self {
    case .lock: "Lock"
    case .transaction: "Transaction"
    case .compat: "Compat"
    case .type: "Type"
    case .history: "History"
    case .syntax: "Meta"
    }
  }
}

/// How safe it is to apply a fix without reading it (CONTRIBUTING.md, "Adding a rule").
package enum FixSafety: String, Sendable, Comparable {
  /// Meaning-preserving: `--fix` applies it.
  case safe
  /// Plausible but can change behaviour: only with `--unsafe-fixes`.
  case unsafe
  /// Shown, never applied.
  case display

  private var rank: Int {
    switch self {
    case .safe: 0
    case .unsafe: 1
    case .display: 2
    }
  }

  package static func < (lhs: FixSafety, rhs: FixSafety) -> Bool { lhs.rank < rhs.rank }
}

/// A SQL example in a rule description; `▶` marks where the diagnostic must start.
package struct RuleExample: Sendable, ExpressibleByStringLiteral {
  package static let marker: Character = "▶"

  package var sql: String
  /// Target PostgreSQL major version for this example (the default when nil).
  package var pgVersion: Int?
  /// `miglint.toml` text the example runs with, if it needs settings.
  package var configuration: String?

  /// For rules about a migration set: the files of a migrations directory (`▶` in one of them).
  package var files: [ExampleFile] = []
  /// The files as they were deployed: written first and recorded with `miglint sum`, then
  /// replaced by ``files``.
  package var deployed: [ExampleFile]?
  /// Checks that do not apply to this example.
  package var skips: Set<ExampleCheck> = []

  package init(
    _ sql: String, pgVersion: Int? = nil, configuration: String? = nil, skipping skips: Set<ExampleCheck> = []
  ) {
    self.sql = sql
    self.pgVersion = pgVersion
    self.configuration = configuration
    self.skips = skips
  }

  /// An example made of a migrations directory's files.
  package init(files: [ExampleFile], deployed: [ExampleFile]? = nil, configuration: String? = nil) {
    self.sql = ""
    self.files = files
    self.deployed = deployed
    self.configuration = configuration
  }

  package init(stringLiteral value: String) { self.init(value) }

  /// The SQL without markers, and the byte offsets where markers stood.
  package var stripped: (sql: String, markers: [Int]) {
    var text = ""
    var markers: [Int] = []
    for character in sql {
      if character == Self.marker {
        markers.append(text.utf8.count)
      } else {
        text.append(character)
      }
    }
    return (text, markers)
  }
}

/// Checks every triggering example goes through (RuleExampleTests), which an example may opt out
/// of when they cannot apply to it, saying so where the example is written.
package enum ExampleCheck: Sendable, Hashable {
  /// A `-- miglint-ignore <rule>` comment before the statement silences it (not for the rules
  /// about suppression comments themselves).
  case suppression
  /// The SQL inside a block comment does not fire.
  case inComment
  /// The SQL inside a dollar-quoted string does not fire (not for template placeholders, which
  /// engines substitute inside strings too).
  case inString
}

/// What `miglint --fix` makes of a statement: the text before (the rule fires on it) and the exact
/// text after, with the rule's fixes applied until nothing changes.
package struct Correction: Sendable {
  package var before: String
  package var after: String

  package init(_ before: String, _ after: String) {
    self.before = before
    self.after = after
  }
}

/// A file of a directory example: path relative to the migrations directory, and its text.
package struct ExampleFile: Sendable {
  package var path: String
  package var text: String

  package init(_ path: String, _ text: String) {
    self.path = path
    self.text = text
  }
}

/// Everything about a rule that is not its code: the single source of its docs and its tests.
package struct RuleDescription: Sendable {
  /// The fixed id users write in configs and suppressions.
  package var id: String
  /// One line: the hazard, as a sentence without a trailing period.
  package var summary: String
  package var category: RuleCategory
  package var severity: Severity
  package var enabledByDefault: Bool
  /// Markdown: "## What it flags", "## Why it is dangerous", "## Safe alternative".
  package var rationale: String
  /// Ids of other linters (squawk) that name the same hazard; accepted in configs and suppressions.
  package var aliases: [String]
  /// The safety of the fix the rule offers, nil when it offers none.
  package var fixSafety: FixSafety?
  /// Markdown describing configuration keys the rule reads, if any.
  package var options: String?
  /// Markdown describing how the target PostgreSQL version changes the verdict, if it does.
  package var versionNotes: String?
  package var triggering: [RuleExample]
  package var nonTriggering: [RuleExample]
  /// For a rule with a fix: examples of its fixes, with the exact text they produce.
  package var corrections: [Correction]
  /// Where the description is written, for test failures to point at its examples.
  package var sourcePath: String
  package var sourceLine: Int

  package init(
    id: String, summary: String, category: RuleCategory, severity: Severity,
    enabledByDefault: Bool = true, aliases: [String] = [], fixSafety: FixSafety? = nil,
    options: String? = nil, versionNotes: String? = nil, rationale: String,
    triggering: [RuleExample], nonTriggering: [RuleExample], corrections: [Correction] = [],
    sourcePath: String = #filePath, sourceLine: Int = #line
  ) {
    self.corrections = corrections
    self.sourcePath = sourcePath
    self.sourceLine = sourceLine
    self.id = id
    self.summary = summary
    self.category = category
    self.severity = severity
    self.enabledByDefault = enabledByDefault
    self.aliases = aliases
    self.fixSafety = fixSafety
    self.options = options
    self.versionNotes = versionNotes
    self.rationale = rationale
    self.triggering = triggering
    self.nonTriggering = nonTriggering
  }

  /// The rule's type name: `create-index-non-concurrently` → `CreateIndexNonConcurrently`.
  package var typeName: String {
    id.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
  }
}

/// Where rule pages live, for links in text output and `helpUri` in SARIF.
package enum RuleDocumentation {
  package static let baseURL = "https://github.com/miglint/miglint/blob/main/rules/"

  package static func url(for id: String) -> String { baseURL + id + ".md" }
}
