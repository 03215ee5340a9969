import MigLintCore
import MigLintSyntax

/// Applies the fixes rules offer (`--fix`, `--diff`), in memory, until nothing changes.
package enum Fixer {
  /// Passes before giving up on a fix that keeps producing new findings.
  static let maximumPasses = 10

  /// What fixing produced: the findings on the fixed text, and each changed file before and after.
  package struct Outcome: Sendable {
    package var results: [FileResult]
    /// Files whose text changed, in report order.
    package var changes: [(path: String, original: [UInt8], fixed: [UInt8])]
    package var applied: Int
    /// Fixes applied to each changed file, so that a file that could not be written is not counted.
    package var appliedByPath: [String: Int] = [:]
    /// Why some fixes were not applied (a fix that would break the parse, no convergence).
    package var notes: [String]
  }

  /// Lints, applies the allowed fixes of each file's findings, and lints again with the fixed text
  /// (a fix can remove, move or uncover findings, and overlapping fixes wait for the next pass).
  /// A file's safe fixes go first; its unsafe ones wait until no safe fix is left.
  /// `lint` gets the fixed text of every path changed so far.
  package static func run<Failure: Error>(
    allowing safety: FixSafety, lint: ([String: [UInt8]]) throws(Failure) -> [FileResult]
  ) throws(Failure) -> Outcome {
    var results = try lint([:])
    var originals: [String: [UInt8]] = [:]
    var fixed: [String: [UInt8]] = [:]
    var stuck = Set<String>()
    var applied = 0
    var appliedByPath: [String: Int] = [:]
    var notes: [String] = []
    var pass = 0
    while true {
      var changedThisPass = false
      for result in results where !stuck.contains(result.path) {
        guard let source = result.source, result.inputError == nil,
          result.diagnostics.contains(where: { $0.fixes.contains { $0.safety <= safety } })
        else { continue }
        // A file that does not parse is never touched: its fixes may rest on a wrong reading.
        if originals[result.path] == nil, !Parser.parse(source).syntaxErrors.isEmpty {
          notes.append("\(result.path): not fixed: it has a syntax error")
          stuck.insert(result.path)
          continue
        }
        // Safe fixes first, unsafe ones in later passes, judged on the text the safe ones left: two
        // fixes each right alone may not be together (a `SET` added before a lone statement makes
        // a one-query tool wrap the file in a transaction, where an added CONCURRENTLY fails).
        let hasSafe = result.diagnostics.contains { $0.fixes.contains { $0.safety <= .safe } }
        let (bytes, count) = apply(
          result.diagnostics, to: source.bytes, allowing: hasSafe ? min(safety, .safe) : safety)
        guard count > 0 else { continue }
        let full = onDisk(bytes, like: source)
        guard let check = try? SourceFile(path: result.path, data: full), Parser.parse(check).syntaxErrors.isEmpty
        else {
          notes.append("\(result.path): fixes not applied: the result would not parse")
          stuck.insert(result.path)
          continue
        }
        if originals[result.path] == nil { originals[result.path] = onDisk(source.bytes, like: source) }
        fixed[result.path] = full
        applied += count
        appliedByPath[result.path, default: 0] += count
        changedThisPass = true
      }
      guard changedThisPass else { break }
      pass += 1
      results = try lint(fixed)
      if pass == maximumPasses {
        notes.append("fixes did not settle after \(maximumPasses) passes; the last pass is kept")
        break
      }
    }
    let changes = results.compactMap { result in
      originals[result.path].flatMap { original in
        fixed[result.path].flatMap { $0 == original ? nil : (result.path, original, $0) }
      }
    }
    return Outcome(results: results, changes: changes, applied: applied, appliedByPath: appliedByPath, notes: notes)
  }

  /// `text` as the file stores it: with the byte-order mark `source` was read with.
  private static func onDisk(_ text: [UInt8], like source: SourceFile) -> [UInt8] {
    source.bomLength > 0 ? [0xEF, 0xBB, 0xBF] + text : text
  }

  /// Applies the first allowed fix of each diagnostic, skipping fixes that overlap one already
  /// taken (those are reconsidered on the next pass). `bytes` is the text after any BOM, as the
  /// edits' offsets are.
  package static func apply(_ diagnostics: [Diagnostic], to bytes: [UInt8], allowing safety: FixSafety) -> (
    bytes: [UInt8], applied: Int
  ) {
    var taken: [Edit] = []
    var applied = 0
    for diagnostic in diagnostics.sorted(by: { $0.range.start < $1.range.start }) {
      guard let fix = diagnostic.fixes.first(where: { $0.safety <= safety }),
        fix.edits.allSatisfy({ edit in edit.range.end <= bytes.count && !taken.contains { conflict(edit, $0) } })
      else { continue }
      taken += fix.edits
      applied += 1
    }
    // Rules write new lines as LF; a file that uses CRLF gets CRLF.
    let crlf = usesCRLF(bytes)
    var out = bytes
    for edit in taken.sorted(by: { $0.range.start > $1.range.start }) {
      var replacement = Array(edit.replacement.utf8)
      if crlf {
        replacement = replacement.enumerated().flatMap { index, byte in
          byte == 0x0A && (index == 0 || replacement[index - 1] != 0x0D) ? [0x0D, 0x0A] : [byte]
        }
      }
      out.replaceSubrange(edit.range.start..<edit.range.end, with: replacement)
    }
    return (out, applied)
  }

  /// Whether most line ends of `bytes` are CRLF.
  static func usesCRLF(_ bytes: [UInt8]) -> Bool {
    var crlf = 0
    var lf = 0
    for index in bytes.indices where bytes[index] == 0x0A {
      if index > 0, bytes[index - 1] == 0x0D { crlf += 1 } else { lf += 1 }
    }
    return crlf > lf
  }

  /// Two edits conflict when they overlap or meet at a point where their order would matter (an
  /// insertion at the same place as, or at either end of, another edit). Replacements that only
  /// touch are independent.
  static func conflict(_ a: Edit, _ b: Edit) -> Bool {
    let (x, y) = (a.range, b.range)
    if x.length > 0, y.length > 0 { return x.start < y.end && y.start < x.end }
    return x.start <= y.end && y.start <= x.end
  }
}
