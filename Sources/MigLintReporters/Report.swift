import MigLintCore
import MigLintSyntax

/// Everything a reporter prints: the results of one run.
package struct Report: Sendable {
  package static let toolName = "miglint"

  package var toolVersion: String
  package var results: [FileResult]
  package var registry: RuleRegistry
  package var configuration: Configuration
  /// The exit code the run ends with (SARIF records it).
  package var exitCode: Int32

  package init(
    toolVersion: String, results: [FileResult], registry: RuleRegistry, configuration: Configuration,
    exitCode: Int32
  ) {
    self.toolVersion = toolVersion
    self.results = results
    self.registry = registry
    self.configuration = configuration
    self.exitCode = exitCode
  }

  package var diagnostics: [Diagnostic] { results.flatMap(\.diagnostics) }

  /// Findings per severity, in one pass.
  package var counts: [Severity: Int] {
    var counts: [Severity: Int] = [:]
    for result in results {
      for diagnostic in result.diagnostics { counts[diagnostic.severity, default: 0] += 1 }
    }
    return counts
  }

  package var inputErrors: [(path: String, message: String)] {
    results.compactMap { result in result.inputError.map { (result.path, $0) } }
  }
}

/// An output format.
package enum OutputFormat: String, Sendable, CaseIterable {
  case text, json, sarif

  /// Renders `report`; `color` applies to text only.
  package func render(_ report: Report, color: Bool) -> String {
    switch self {
    case .text: TextReporter(color: color).render(report)
    case .json: JSONReporter().render(report)
    case .sarif: SARIFReporter().render(report)
    }
  }
}

extension String {
  /// The text with control characters from the input shown as escapes, never printed raw.
  package var escapingControlCharacters: String {
    // Fast path: most text has no control character (C0 but tab, DEL, or C1 as 0xC2 0x80…0x9F).
    var previous: UInt8 = 0
    let clean = utf8.allSatisfy { byte in
      defer { previous = byte }
      return (byte >= 0x20 || byte == 0x09) && byte != 0x7F && !(previous == 0xC2 && byte >= 0x80 && byte <= 0x9F)
    }
    if clean { return self }
    var out = ""
    for scalar in unicodeScalars {
      if scalar.value < 0x20 && scalar != "\t" || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) {
        out += "\\u{" + String(scalar.value, radix: 16) + "}"
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}

/// FNV-1a, 64 bit: stable across runs and platforms, for fingerprints.
package func stableHash(_ text: String) -> String {
  var hash: UInt64 = 0xcbf2_9ce4_8422_2325
  for byte in text.utf8 {
    hash ^= UInt64(byte)
    hash = hash &* 0x0000_0100_0000_01B3
  }
  let hex = String(hash, radix: 16)
  return String(repeating: "0", count: 16 - hex.count) + hex
}
