import MigLintCore
import MigLintSyntax

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Everything a reporter prints: the results of one run.
package struct Report: Sendable {
  static let toolName = "miglint"

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
    // Counted in an array: hashing the severity of every finding cost a percent of a run.
    var tally = [0, 0, 0]
    for result in results {
      for diagnostic in result.diagnostics {
        switch diagnostic.severity {
        case .error: tally[0] += 1
        case .warning: tally[1] += 1
        case .info: tally[2] += 1
        }
      }
    }
    var counts: [Severity: Int] = [:]
    for (severity, count) in zip([Severity.error, .warning, .info], tally) where count > 0 { counts[severity] = count }
    return counts
  }

  /// The migrations directories of the run, in the order their files come.
  package var directories: [DirectorySummary] {
    var seen = Set<String>()
    return results.compactMap(\.directory).filter { seen.insert($0.path).inserted }
  }

  package var inputErrors: [(path: String, message: String)] {
    results.compactMap { result in result.inputError.map { (result.path, $0) } }
  }

  /// "2 errors, 1 warning, 3 info" (only the severities found).
  var countsPhrase: String {
    let counts = counts
    var parts: [String] = []
    if let errors = counts[.error] { parts.append(plural(errors, "error")) }
    if let warnings = counts[.warning] { parts.append(plural(warnings, "warning")) }
    if let infos = counts[.info] { parts.append("\(infos) info") }
    return parts.joined(separator: ", ")
  }

  /// For each diagnostic of `result`, a key that survives line shifts and unrelated edits: rule,
  /// file, the flagged text with whitespace collapsed, and the occurrence number of that triple
  /// (so two identical statements differ), as UTF-8 bytes separated by NUL. Reporters hash it
  /// into their fingerprint format.
  ///
  /// `body` gets each diagnostic's index and key, in order. One buffer holds every key in turn,
  /// and the keys seen are kept end to end in another: a key an array cost two allocations a
  /// finding, more than the rest of the fingerprint.
  static func forEachFingerprintKey(_ result: FileResult, _ body: (Int, [UInt8]) -> Void) {
    // The keys seen (without their occurrence): where each is in `seen`, its length, its hash and
    // how many times it came, found by their 64-bit hash in a table of open addressing (hashing
    // the long keys themselves, or the hashes again in a Dictionary, cost more than writing the
    // findings); equal keys are told apart from colliding ones by comparison.
    var seen: [UInt8] = []
    var entries: [(start: Int, count: Int, hash: UInt64, times: Int)] = []
    let mask = (1 << (Int.bitWidth - max(1, result.diagnostics.count).leadingZeroBitCount + 1)) - 1
    var table = [Int](repeating: -1, count: mask + 1)
    let path = Array(result.path.utf8)
    var key: [UInt8] = []
    let text = result.source?.bytes
    // By index, fields read where they are: a loop over the diagnostics copied each one whole.
    for index in result.diagnostics.indices {
      let range = result.diagnostics[index].range
      let flagged = text.map { text in
        let lower = min(max(0, range.start), text.count)
        return text[lower..<min(max(lower, range.end), text.count)]
      }
      key.removeAll(keepingCapacity: true)
      appendUTF8(result.diagnostics[index].ruleID, to: &key)
      key.append(0)
      if result.diagnostics[index].path == result.path {
        path.withUnsafeBufferPointer { key.append(contentsOf: $0) }
      } else {
        appendUTF8(result.diagnostics[index].path, to: &key)
      }
      key.append(0)
      appendCollapsingWhitespace(flagged ?? [], to: &key)
      let hash = wordHash(key)
      var slot = Int(truncatingIfNeeded: hash) & mask
      var occurrence = 0
      while table[slot] >= 0 {
        let entry = entries[table[slot]]
        if entry.hash == hash, entry.count == key.count,
          seen.withUnsafeBufferPointer({ seen in
            key.withUnsafeBufferPointer { key in
              guard let seen = seen.baseAddress, let key = key.baseAddress else { return entry.count == 0 }
              return memcmp(seen + entry.start, key, entry.count) == 0
            }
          })
        {
          occurrence = entry.times
          entries[table[slot]].times += 1
          break
        }
        slot = (slot + 1) & mask
      }
      if table[slot] < 0 {
        table[slot] = entries.count
        entries.append((seen.count, key.count, hash, 1))
        key.withUnsafeBufferPointer { seen.append(contentsOf: $0) }
      }
      key.append(0)
      appendDecimal(occurrence, to: &key)
      body(index, key)
    }
  }

  /// A string's UTF-8 bytes appended at once, from where they are.
  private static func appendUTF8(_ text: String, to out: inout [UInt8]) {
    text.withUTF8Bytes { out.append(contentsOf: $0) }
  }

  /// The decimal digits of a count, without making a String.
  private static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
    if value >= 10 { appendDecimal(value / 10, to: &out) }
    out.append(0x30 + UInt8(value % 10))
  }

  /// A 64-bit hash of `bytes`, eight at a time (only compared within one run).
  private static func wordHash(_ bytes: [UInt8]) -> UInt64 {
    var hash = FNV1a()
    bytes.withUnsafeBytes { raw in
      var offset = 0
      while offset + 8 <= raw.count {
        hash.add(word: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        offset += 8
      }
      while offset < raw.count {
        hash.add(raw[offset])
        offset += 1
      }
    }
    return hash.value
  }

  /// The text with runs of spaces, tabs and line breaks as one space, none at the ends, split
  /// by Character (grapheme cluster): `\r\n`, or a space with a combining mark, is one Character
  /// and not a separator. The fingerprints users' scanners keep depend on it staying so.
  private static func appendCollapsingWhitespace(_ bytes: ArraySlice<UInt8>, to out: inout [UInt8]) {
    // ASCII without `\r\n` has one Character per byte: collapsed byte by byte, in place, without
    // Characters (a report fingerprints every finding); anything else, by Character.
    let start = out.count
    // The bytes themselves as room to write in (collapsed, they are never longer).
    bytes.withUnsafeBufferPointer { out.append(contentsOf: $0) }
    let written = out.withUnsafeMutableBufferPointer { target in
      bytes.withUnsafeBufferPointer { source -> Int? in
        var written = start
        var pendingSpace = false
        var previous: UInt8 = 0
        for byte in source {
          if byte >= 0x80 || previous == 0x0D && byte == 0x0A { return nil }
          previous = byte
          if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D {
            pendingSpace = written > start
            continue
          }
          if pendingSpace {
            target[written] = 0x20
            written += 1
            pendingSpace = false
          }
          target[written] = byte
          written += 1
        }
        return written
      }
    }
    out.removeSubrange((written ?? start)...)
    guard written == nil else { return }
    out +=
      String(decoding: bytes, as: UTF8.self)
      .split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).joined(separator: " ").utf8
  }
}

/// "1 file", "2 files".
package func plural(_ count: Int, _ noun: String, _ plural: String? = nil) -> String {
  "\(count) \(count == 1 ? noun : plural ?? noun + "s")"
}

/// An output format.
package enum OutputFormat: String, Sendable, CaseIterable {
  case text, json, sarif, github, gitlab, junit, markdown

  /// Renders `report`; `color` applies to text only, `jobs` to text and SARIF, `links` to
  /// markdown only.
  package func render(_ report: Report, color: Bool, links: SourceLinks? = nil, jobs: Int = Parallel.coreCount)
    -> String
  {
    ReportOutput.collecting { write(report, color: color, links: links, jobs: jobs, to: $0) }
  }

  /// Writes `report` to `output` as it is rendered: text, JSON and SARIF, whose reports grow
  /// with the findings, never hold the whole of it.
  package func write(
    _ report: Report, color: Bool, links: SourceLinks? = nil, jobs: Int = Parallel.coreCount, to output: ReportOutput
  ) {
    switch self {
    case .text: TextReporter(color: color, jobs: jobs).write(report, to: output)
    case .json: JSONReporter().write(report, to: output)
    case .sarif: SARIFReporter(jobs: jobs).write(report, to: output)
    case .github: output.append(GitHubReporter().render(report))
    case .gitlab: output.append(GitLabReporter().render(report))
    case .junit: output.append(JUnitReporter().render(report))
    case .markdown: output.append(MarkdownReporter(links: links).render(report))
    }
  }
}

extension String {
  /// The text with control characters from the input shown as escapes, never printed raw.
  package var escapingControlCharacters: String {
    // Fast path: most text has no control character (C0 but tab, DEL, or C1 as 0xC2 0x80…0x9F).
    var text = self
    let clean = text.withUTF8 { bytes in
      var previous: UInt8 = 0
      for byte in bytes {
        if (byte < 0x20 && byte != 0x09) || byte == 0x7F || (previous == 0xC2 && byte >= 0x80 && byte <= 0x9F) {
          return false
        }
        previous = byte
      }
      return true
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

extension Diagnostic {
  /// The message and, on the next line, the help; control characters from the input escaped.
  var messageWithHelp: String {
    let message = self.message.escapingControlCharacters
    guard let help else { return message }
    return message + "\n" + help.escapingControlCharacters
  }

  /// "Message. Help": one paragraph, for formats that show a single text.
  var messageAndHelp: String { help.map { message + "\(Self.helpSeparator)" + $0 } ?? message }

  /// What joins the message and the help in ``messageAndHelp`` (SARIF writes the same paragraph
  /// without joining them first).
  static let helpSeparator: StaticString = ". "
}

/// A path as a URI path: ASCII letters, digits and `-._~/` kept, every other byte `%XX`.
func percentEncodedPath(_ path: String) -> String {
  let hex = Array("0123456789ABCDEF".utf8)
  var out: [UInt8] = []
  out.reserveCapacity(path.utf8.count)
  for byte in path.utf8 {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"),
      UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
      out.append(byte)
    default:
      out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
    }
  }
  return String(decoding: out, as: UTF8.self)
}

/// A fingerprint of `bytes`: stable across runs and platforms (written as 16 hex digits).
func stableHash(_ bytes: [UInt8]) -> UInt64 {
  var hash = FNV1a()
  hash.add(contentsOf: bytes)
  return hash.value
}
