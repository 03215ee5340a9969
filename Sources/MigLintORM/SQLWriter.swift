import MigLintJavaScript
import MigLintSyntax

/// Writes the SQL an ORM migration sends, statement by statement, with where each part of it
/// comes from in the migration's file.
struct SQLWriter {
  private(set) var bytes: [UInt8] = []
  private(set) var map = SourceMap()
  /// The transaction (by the id its call gave it) that the statements written are in.
  private var open: Int?
  /// The line being written (1-based). Statements start on the line of their call when the SQL
  /// before them leaves room, so that a message naming a line of the SQL names the file's line.
  private var line = 1

  /// Appends generated SQL standing for `range` (the call that sends it) and ends it.
  mutating func statement(_ sql: String, for range: SourceRange, line target: Int, transaction: Int? = nil) {
    pad(to: target, transaction)
    append(Array(sql.utf8) + Array(";\n".utf8), for: range, verbatim: false)
  }

  /// Appends a generated statement made of parts, each standing for its own call (a column of
  /// `createTable` for the column's builder).
  mutating func statement(parts: [(text: String, range: SourceRange)], line target: Int, transaction: Int? = nil) {
    guard let first = parts.first else { return }
    pad(to: target, transaction)
    for (index, part) in parts.enumerated() {
      let text = index == parts.count - 1 ? part.text + ";\n" : part.text
      append(Array(text.utf8), for: part.range, verbatim: false)
    }
  }

  /// Appends SQL written in the file (a string literal's value): each piece keeps its place.
  mutating func embedded(_ sql: JSString, for range: SourceRange, line target: Int, transaction: Int? = nil) {
    pad(to: target, transaction)
    for piece in sql.pieces {
      append(piece.text, for: piece.source, verbatim: piece.verbatim)
    }
    // A string's last statement needs no `;`; an empty statement after one is harmless.
    append(Array("\n;\n".utf8), for: SourceRange(start: sql.range.end, end: sql.range.end), verbatim: false)
  }

  /// Appends a `//` comment of the file as a `--` comment (same length, so it maps byte for byte).
  /// `range` covers the comment and the line break after it.
  mutating func comment(_ text: [UInt8], at range: SourceRange) {
    guard text.starts(with: [0x2F, 0x2F]) else { return }
    append([0x2D, 0x2D] + text.dropFirst(2) + [0x0A], for: range, verbatim: true)
  }

  /// Ends the open transaction, if any.
  mutating func commit(at range: SourceRange) {
    guard open != nil else { return }
    append(Array("COMMIT;\n".utf8), for: range, verbatim: false)
    open = nil
  }

  var offset: Int { bytes.count }

  /// Where each transaction was opened (the call that opened it, and its line): its `BEGIN`.
  var openings: [Int: (range: SourceRange, line: Int)] = [:]

  /// Line breaks up to line `target`.
  private mutating func pad(to target: Int) {
    let breaks = target - line
    guard breaks > 0 else { return }
    bytes += [UInt8](repeating: 0x0A, count: breaks)
    line += breaks
  }

  /// Moves to line `target` for a statement in `transaction`: `COMMIT` the open one, `BEGIN`
  /// the new one (at the call that opened it).
  private mutating func pad(to target: Int, _ transaction: Int?) {
    if transaction != open {
      if open != nil {
        pad(to: target - 1 - (transaction != nil ? 1 : 0))
        append(
          Array("COMMIT;\n".utf8), for: openings[open ?? 0]?.range ?? SourceRange(start: 0, end: 0), verbatim: false)
      }
      if let transaction {
        let opening = openings[transaction]
        pad(to: opening?.line ?? target - 1)
        append(Array("BEGIN;\n".utf8), for: opening?.range ?? SourceRange(start: 0, end: 0), verbatim: false)
      }
      open = transaction
    }
    pad(to: target)
  }

  private mutating func append(_ text: [UInt8], for original: SourceRange, verbatim: Bool) {
    let start = bytes.count
    // A NUL (an escape in a string, a byte in a comment) would end the text PostgreSQL reads.
    bytes += text.contains(0) ? text.map { $0 == 0 ? 0x20 : $0 } : text
    line += text.count { $0 == 0x0A }
    // A verbatim piece whose bytes differ in length from the original (never, by construction)
    // would map wrongly: fall back to the whole range.
    let exact = verbatim && text.count == original.length
    map.append(
      SourceMap.Segment(generated: SourceRange(start: start, end: bytes.count), original: original, verbatim: exact))
  }
}
