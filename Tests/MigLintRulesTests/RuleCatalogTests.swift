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

  @Test func everyStatementRuleLivesInItsCategoryFolder() throws {
    for rule in registry.statementRules {
      let description = type(of: rule).description
      let path =
        "\(TestLint.repositoryRoot)/Sources/MigLintRules/\(description.category.folderName)/\(description.typeName).swift"
      #expect(try readText(path).contains("id: \"\(description.id)\""), "\(description.id) is not in \(path)")
      #expect(String(describing: type(of: rule)) == description.typeName)
    }
  }

  @Test func everyHistoryRuleHasItsOwnFile() throws {
    for description in registry.descriptions where description.category == .history {
      let path = "\(TestLint.repositoryRoot)/Sources/MigLintRules/History/\(description.typeName).swift"
      #expect(try readText(path).contains("struct \(description.typeName): EngineRule"), "\(description.id): \(path)")
    }
  }

  @Test func idsAndAliasesAreUniqueAndMatchTheCatalog() throws {
    var names = Set<String>()
    for description in registry.descriptions {
      #expect(names.insert(description.id).inserted, "duplicate id \(description.id)")
    }
    // Every id is in RULES.md, the catalog users' configs depend on.
    let catalogPath = TestLint.repositoryRoot + "/../shared/docs/RULES.md"
    // RULES.md asks for dynamic SQL to be reported ("Inside function bodies and DO blocks") but
    // names no id; `dynamic-sql` awaits its row in the catalog.
    let awaitingCatalogRow: Set<String> = ["dynamic-sql"]
    if let catalog = try? readText(catalogPath) {
      for description in registry.descriptions where !awaitingCatalogRow.contains(description.id) {
        #expect(catalog.contains("`\(description.id)`"), "\(description.id) is not in RULES.md")
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
