/// Text in a migration that is not SQL for the server, set aside before parsing.
package struct SkippedRegion: Hashable, Sendable {
  package enum Kind: Hashable, Sendable {
    /// A psql meta-command line (`\set`, `\connect`, `\i`, …).
    case psqlMetaCommand
    /// The data lines of `COPY … FROM stdin`, through `\.`.
    case copyData
    /// A psql variable (`:name`, `:'name'`, `:"name"`), parsed as a plain identifier or string.
    case psqlVariable
    /// A template placeholder (`{{ … }}`, `${…}`), parsed as an identifier of the same length.
    case templatePlaceholder
  }

  package var kind: Kind
  package var range: SourceRange
}

/// Makes psql scripts and templated SQL parseable without moving any byte: psql-only lines and
/// COPY data become spaces, placeholders become identifiers of the same length.
enum Preprocessor {
  /// The text to parse and what was set aside; nil when the text needs no change (the usual case).
  package static func run(_ source: SourceFile) -> (
    bytes: [UInt8], skipped: [SkippedRegion], substitutions: [String: String]
  )? {
    let bytes = source.bytes
    guard bytes.contains(0x5C) || bytes.contains(0x7B) || bytes.contains(0x3A) else { return nil }
    var output = bytes
    var skipped: [SkippedRegion] = []
    var substitutions: [String: String] = [:]
    let lines = source.lineStarts.indices.map(source.lineRange)
    var hasMetaCommands = false
    var lexer = Lexer()
    /// Bytes inside comments: placeholders there are left alone.
    var commented = [Bool](repeating: false, count: bytes.count)
    var lineIndex = 0
    while lineIndex < lines.count {
      let line = lines[lineIndex]
      let text = bytes[line.start..<line.end]
      let trimmed = text.drop { $0 == 0x20 || $0 == 0x09 }
      if lexer.isCode, trimmed.first == 0x5C {  // a line starting with a backslash: psql meta-command
        blank(&output, line)
        skipped.append(SkippedRegion(kind: .psqlMetaCommand, range: line))
        hasMetaCommands = true
        lineIndex += 1
        continue
      }
      let copyStarts = lexer.isCode && isCopyFromStdin(trimmed)
      let next = lineIndex + 1 < lines.count ? source.lineStarts[lineIndex + 1] : bytes.count
      lexer.advance(over: bytes, line.start..<next, marking: &commented)
      if copyStarts {
        // Data follows on the next lines up to a line holding only `\.`.
        var end = lineIndex + 1
        while end < lines.count, !isEndOfCopy(bytes[lines[end].start..<lines[end].end]) { end += 1 }
        if lineIndex + 1 < lines.count {
          let last = min(end, lines.count - 1)
          let region = SourceRange(start: lines[lineIndex + 1].start, end: lines[last].end)
          blank(&output, region)
          skipped.append(SkippedRegion(kind: .copyData, range: region))
          hasMetaCommands = true
        }
        lineIndex = end + 1
        continue
      }
      lineIndex += 1
    }
    var counter = 0
    var index = 0
    while index + 1 < output.count {
      let byte = output[index]
      let next = output[index + 1]
      if (byte == 0x7B && next == 0x7B) || (byte == 0x24 && next == 0x7B), !commented[index] {
        let close: [UInt8] = byte == 0x7B ? [0x7D, 0x7D] : [0x7D]
        if let end = output.firstIndex(
          of: close, from: index + 2, before: byte == 0x24 ? lineEnd(output, index) : output.count)
        {
          let range = SourceRange(start: index, end: end + close.count)
          let original = String(decoding: bytes[range.start..<range.end], as: UTF8.self)
          let name = identifier(counter, length: range.length)
          counter += 1
          substitutions[name] = original
          output.replaceSubrange(range.start..<range.end, with: Array(name.utf8))
          skipped.append(SkippedRegion(kind: .templatePlaceholder, range: range))
          index = range.end
          continue
        }
      }
      index += 1
    }
    // psql variables: `:'x'` and `:"x"` are never SQL; `:x` only counts in a file with
    // meta-commands. The scanner tells a `:` in code from one inside a string or comment.
    let quotedColon = zip(output, output.dropFirst()).contains { $0 == 0x3A && ($1 == 0x27 || $1 == 0x22) }
    if quotedColon || (hasMetaCommands && output.contains(0x3A)) {
      var cString = output
      cString.append(0)
      let tokens = cString.withUnsafeBytes { raw in
        raw.baseAddress.flatMap { PgQuery.scan($0.assumingMemoryBound(to: CChar.self)) } ?? []
      }
      for (position, token) in tokens.enumerated() where token.kind == Token.Kind.colon && position + 1 < tokens.count {
        let next = tokens[position + 1]
        guard next.start == token.end else { continue }
        let quoted = output[next.start] == 0x27 || output[next.start] == 0x22
        guard quoted || (hasMetaCommands && next.kind == Token.Kind.identifier) else { continue }
        output[token.start] = 0x20
        skipped.append(SkippedRegion(kind: .psqlVariable, range: SourceRange(start: token.start, end: next.end)))
      }
    }
    guard !skipped.isEmpty else { return nil }
    return (output, skipped, substitutions)
  }

  // MARK: - Helpers

  /// Just enough of PostgreSQL's lexer to know, at each line start, whether we are in code or
  /// inside a string, quoted identifier, dollar quote or comment.
  private struct Lexer {
    enum State: Equatable { case code, string(backslashes: Bool), identifier, dollar([UInt8]), blockComment(Int) }

    var state = State.code
    var isCode: Bool { state == .code }

    mutating func advance(over bytes: [UInt8], _ range: Range<Int>, marking commented: inout [Bool]) {
      var index = range.lowerBound
      while index < range.upperBound {
        let byte = bytes[index]
        let next: UInt8 = index + 1 < bytes.count ? bytes[index + 1] : 0
        switch state {
        case .code:
          if byte == 0x2D, next == 0x2D {  // -- comment to the end of the line
            while index < range.upperBound, bytes[index] != 0x0A {
              commented[index] = true
              index += 1
            }
            continue
          } else if byte == 0x2F, next == 0x2A {
            state = .blockComment(1)
            commented[index] = true
            index += 1
          } else if byte == 0x27 {
            let escaped = index > 0 && (bytes[index - 1] == 0x45 || bytes[index - 1] == 0x65)
            state = .string(backslashes: escaped)
          } else if byte == 0x22 {
            state = .identifier
          } else if byte == 0x24, let tag = dollarTag(bytes, index) {
            state = .dollar(tag)
            index += tag.count
            continue
          }
        case .string(let backslashes):
          if backslashes, byte == 0x5C {
            index += 1
          } else if byte == 0x27 {
            if next == 0x27 { index += 1 } else { state = .code }
          }
        case .identifier:
          if byte == 0x22 {
            if next == 0x22 { index += 1 } else { state = .code }
          }
        case .dollar(let tag):
          if byte == 0x24, index + tag.count <= bytes.count, Array(bytes[index..<index + tag.count]) == tag {
            state = .code
            index += tag.count
            continue
          }
        case .blockComment(let depth):
          commented[index] = true
          if byte == 0x2F, next == 0x2A {
            state = .blockComment(depth + 1)
            commented[index + 1] = true
            index += 1
          } else if byte == 0x2A, next == 0x2F {
            state = depth == 1 ? .code : .blockComment(depth - 1)
            commented[index + 1] = true
            index += 1
          }
        }
        index += 1
      }
    }

    /// `$tag$` or `$$` starting at `index`, if that is what is there.
    private func dollarTag(_ bytes: [UInt8], _ index: Int) -> [UInt8]? {
      if index > 0 {
        let previous = bytes[index - 1]
        // `$1` parameters and identifiers containing `$` are not quotes.
        if (previous >= 0x30 && previous <= 0x39) || (previous >= 0x41 && previous <= 0x5A)
          || (previous >= 0x61 && previous <= 0x7A) || previous == 0x5F
        {
          return nil
        }
      }
      var end = index + 1
      while end < bytes.count {
        let byte = bytes[end]
        if byte == 0x24 { return Array(bytes[index...end]) }
        let isTagByte =
          (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F || byte >= 0x80
          || (end > index + 1 && byte >= 0x30 && byte <= 0x39)
        guard isTagByte else { return nil }
        end += 1
      }
      return nil
    }
  }

  /// Block comments nested deeper than this are flattened before parsing.
  static let maximumCommentDepth = 64

  /// `bytes` with the inside of every block comment nested deeper than ``maximumCommentDepth``
  /// blanked (its outer `/*` and `*/` and its line breaks kept, so no offset or line moves); nil
  /// when there is none. PostgreSQL's scanner takes time quadratic in such nesting, and a
  /// comment's content means nothing to the migration.
  static func flatteningDeepComments(_ bytes: [UInt8]) -> [UInt8]? {
    var opened = 0
    for index in bytes.indices.dropLast() where bytes[index] == 0x2F && bytes[index + 1] == 0x2A { opened += 1 }
    guard opened > maximumCommentDepth else { return nil }
    var commented = [Bool](repeating: false, count: bytes.count)
    var lexer = Lexer()
    lexer.advance(over: bytes, 0..<bytes.count, marking: &commented)
    var output = bytes
    var changed = false
    var index = 0
    while index + 1 < bytes.count {
      guard commented[index], bytes[index] == 0x2F, bytes[index + 1] == 0x2A else {
        index += 1
        continue
      }
      // A block comment: follow its nesting to its end.
      let start = index
      var depth = 0
      var deepest = 0
      while index + 1 < bytes.count {
        if bytes[index] == 0x2F, bytes[index + 1] == 0x2A {
          depth += 1
          deepest = max(deepest, depth)
          index += 2
        } else if bytes[index] == 0x2A, bytes[index + 1] == 0x2F {
          depth -= 1
          index += 2
          if depth == 0 { break }
        } else {
          index += 1
        }
      }
      guard deepest > maximumCommentDepth, depth == 0 else { continue }
      for inner in (start + 2)..<(index - 2) where output[inner] != 0x0A && output[inner] != 0x0D {
        output[inner] = 0x20
      }
      changed = true
    }
    return changed ? output : nil
  }

  private static func blank(_ bytes: inout [UInt8], _ range: SourceRange) {
    for index in range.start..<range.end where bytes[index] != 0x0A && bytes[index] != 0x0D { bytes[index] = 0x20 }
  }

  /// `COPY … FROM stdin …;` on one line.
  private static func isCopyFromStdin(_ line: ArraySlice<UInt8>) -> Bool {
    let text = String(decoding: line, as: UTF8.self).uppercased()
    return text.hasPrefix("COPY ") && text.contains("FROM STDIN") && text.trimmingSpaces.hasSuffix(";")
  }

  private static func isEndOfCopy(_ line: ArraySlice<UInt8>) -> Bool {
    String(decoding: line, as: UTF8.self).trimmingSpaces == "\\."
  }

  private static func lineEnd(_ bytes: [UInt8], _ index: Int) -> Int {
    var end = index
    while end < bytes.count, bytes[end] != 0x0A { end += 1 }
    return end
  }

  /// A unique identifier of exactly `length` bytes (placeholders are at least 3 bytes long).
  private static func identifier(_ counter: Int, length: Int) -> String {
    var name = "_t\(counter)"
    if name.utf8.count > length { name = String(repeating: "_", count: length) }
    return name + String(repeating: "_", count: max(0, length - name.utf8.count))
  }
}
