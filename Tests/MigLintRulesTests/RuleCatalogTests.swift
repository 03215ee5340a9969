import Foundation
import MigLintCore
import MigLintRules
import MigLintTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

@Suite struct RuleCatalogTests {
  let registry = BuiltinRules.registry

  @Test func generatedRulePagesAreCurrent() throws {
    for (name, text) in RuleDocs.pages(registry) {
      let path = TestLint.repositoryRoot + "/rules/" + name
      let onDisk = try readText(path)
      #expect(onDisk == text, "rules/\(name) is stale or missing: run `swift run miglint rules --markdown rules/`")
    }
  }

  /// Every rule type, statement or observation, with its description.
  var ruleTypes: [(name: String, description: RuleDescription)] {
    registry.statementRules.map { (String(describing: type(of: $0)), type(of: $0).description) }
      + registry.observationRules.map { (String(describing: $0), $0.description) }
  }

  @Test func everyRuleLivesInItsOwnFileInItsCategoryFolder() throws {
    for (name, description) in ruleTypes {
      let path = "\(TestLint.repositoryRoot)/Sources/MigLintRules/\(description.category.folderName)/\(name).swift"
      #expect(try readText(path).contains("id: \"\(description.id)\""), "\(description.id) is not in \(path)")
    }
    for rule in registry.statementRules {
      #expect(String(describing: type(of: rule)) == type(of: rule).description.typeName)
    }
  }

  /// The other direction: a rule file that `BuiltinRules` does not list would never run.
  @Test func everyRuleFileIsRegistered() throws {
    let registered = Set(ruleTypes.map { "\($0.description.category.folderName)/\($0.name).swift" })
    for category in RuleCategory.allCases {
      let folder = "\(TestLint.repositoryRoot)/Sources/MigLintRules/\(category.folderName)"
      for file in try FileManager.default.contentsOfDirectory(atPath: folder) where file.hasSuffix(".swift") {
        #expect(registered.contains("\(category.folderName)/\(file)"), "\(folder)/\(file) is not in BuiltinRules")
      }
    }
  }

  /// Every observation the workspace, the replay or the engine makes has one rule to judge it.
  @Test func everyObservationHasExactlyOneRule() {
    for kind in Observation.Kind.allCases {
      let judges = registry.observationRules.filter { $0.judges.contains(kind) }
      #expect(judges.count == 1, "\(kind) is judged by \(judges.map { $0.description.id })")
    }
  }

  @Test func idsAndAliasesAreUniqueAcrossRules() {
    var names: [String: String] = [:]
    for description in registry.descriptions {
      for name in [description.id] + description.aliases {
        if let owner = names[name] { Issue.record("`\(name)` of \(description.id) is already \(owner)'s") }
        names[name] = description.id
      }
    }
  }

  /// Ids are a contract: `docs/rule-ids.txt` lists every id ever published, the catalog's among
  /// them; an id is never dropped or renamed.
  @Test func idsMatchThePublishedList() throws {
    let published = Set(
      try readText(TestLint.repositoryRoot + "/docs/rule-ids.txt").split(separator: "\n").map(String.init)
        .filter { !$0.hasPrefix("#") && !$0.isEmpty })
    #expect(published == Set(registry.descriptions.map(\.id)))
    // The catalog the project started from, where it is at hand.
    if let catalog = try? readText(TestLint.repositoryRoot + "/../shared/docs/RULES.md") {
      for line in catalog.split(separator: "\n") where line.hasPrefix("| `") {
        let id = line.dropFirst(3).prefix { $0 != "`" }
        // Rule rows; other tables of the page start with SQL (`DROP COLUMN`).
        guard id.contains("-"), id.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" }) else { continue }
        #expect(published.contains(String(id)), "RULES.md's `\(id)` is not in docs/rule-ids.txt")
      }
    }
  }

  @Test func messagesFollowTheHouseStyle() {
    for description in registry.descriptions {
      #expect(!description.summary.hasSuffix("."), "\(description.id): summary ends with a period")
      #expect(description.rationale.contains("## What it flags"))
      #expect(description.rationale.contains("## Why it is dangerous"))
      #expect(description.rationale.contains("## Safe alternative"))
    }
    for description in registry.descriptions {
      for example in description.triggering {
        for diagnostic in TestLint.lint(example, sql: example.stripped.sql, select: [description.id]) {
          #expect(!diagnostic.message.hasSuffix("."), "\(description.id): message ends with a period")
          #expect(diagnostic.help != nil, "\(description.id): no help")
        }
      }
    }
  }
}

func readText(_ path: String) throws -> String {
  guard let file = fopen(path, "rb") else { throw TestFailure("cannot open \(path)") }
  defer { fclose(file) }
  var bytes: [UInt8] = []
  var buffer = [UInt8](repeating: 0, count: 65536)
  while true {
    let count = fread(&buffer, 1, buffer.count, file)
    if count <= 0 { break }
    bytes += buffer[0..<count]
  }
  return String(decoding: bytes, as: UTF8.self)
}

struct TestFailure: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
