/// A half-open range of UTF-8 byte offsets into a ``SourceFile``'s text (after any BOM).
package struct SourceRange: Hashable, Sendable, Comparable {
  package var start: Int
  package var end: Int

  /// Creates a range; `end` is clamped so that it is never before `start`.
  package init(start: Int, end: Int) {
    self.start = start
    self.end = max(start, end)
  }

  package var length: Int { end - start }

  package func contains(_ offset: Int) -> Bool { offset >= start && offset < end }

  package static func < (lhs: SourceRange, rhs: SourceRange) -> Bool {
    (lhs.start, lhs.end) < (rhs.start, rhs.end)
  }
}

/// A 1-based position for people and editors.
package struct SourcePosition: Hashable, Sendable {
  /// 1-based line.
  package var line: Int
  /// 1-based column counted in Unicode scalars (what a reader counts as characters).
  package var column: Int
  /// 1-based column counted in UTF-16 code units (what LSP clients use).
  package var utf16Column: Int
  /// 0-based byte offset into the file as stored on disk (BOM included).
  package var fileOffset: Int

  package init(line: Int, column: Int, utf16Column: Int, fileOffset: Int) {
    self.line = line
    self.column = column
    self.utf16Column = utf16Column
    self.fileOffset = fileOffset
  }
}

/// Why a file's bytes cannot be linted as SQL text.
package enum InputError: Error, Equatable, Sendable, CustomStringConvertible {
  case nulByte(offset: Int, line: Int, column: Int)
  case invalidUTF8(offset: Int, line: Int, column: Int)
  case tooLarge(bytes: Int, limit: Int)

  package var description: String {
    switch self {
    case .nulByte(let offset, let line, let column):
      return "not a text file: NUL byte at byte offset \(offset) (line \(line), column \(column))"
    case .invalidUTF8(let offset, let line, let column):
      return "invalid UTF-8 at byte offset \(offset) (line \(line), column \(column))"
    case .tooLarge(let bytes, let limit):
      return "file is \(bytes) bytes, above the limit of \(limit) bytes"
    }
  }
}

/// The text of one migration file with a line index for turning byte offsets into positions.
///
/// The text is validated UTF-8 without NUL bytes (libpg_query reads a C string, so a NUL would
/// silently truncate the parse). A leading UTF-8 BOM is stripped; offsets in ``SourceRange`` are
/// relative to the text after the BOM, and ``position(of:)`` reports file offsets with it.
package struct SourceFile: Sendable {
  /// Largest file accepted; bigger inputs are rejected with a message rather than parsed.
  package static let maximumSize = 64 << 20

  /// The path shown in diagnostics.
  package let path: String
  /// UTF-8 bytes of the text (BOM stripped), not NUL-terminated.
  package let bytes: [UInt8]
  /// 3 when the file started with a UTF-8 BOM, else 0.
  package let bomLength: Int
  /// Byte offset at which each line starts. Line endings are `\n`, `\r\n` and a lone `\r`.
  package let lineStarts: [Int]
  /// For files with a line longer than ``blockSize``: scalars (and scalars needing two UTF-16
  /// units) before each block of that many bytes, so that a column on a long line is counted
  /// from the nearest block, not from the line's start (findings on one long line stay linear).
  private let blockCounts: [(scalars: Int32, astral: Int32)]
  private static let blockSize = 512

  /// Validates and indexes a file's bytes.
  ///
  /// - Parameters:
  ///   - path: Path shown in diagnostics.
  ///   - data: The file's bytes as read.
  /// - Throws: ``InputError`` for NUL bytes, invalid UTF-8 or an oversized file.
  package init(path: String, data: [UInt8]) throws(InputError) {
    guard data.count <= Self.maximumSize else {
      throw .tooLarge(bytes: data.count, limit: Self.maximumSize)
    }
    let bom = TextBytes.bomLength(data)
    let body = bom == 0 ? data : Array(data[bom...])
    let starts = TextBytes.lineStarts(body)
    if let bad = Self.firstInvalidByte(body) {
      let position = Self.position(offset: bad.offset, bytes: body, lineStarts: starts, bom: bom)
      throw bad.isNul
        ? .nulByte(offset: position.fileOffset, line: position.line, column: position.column)
        : .invalidUTF8(offset: position.fileOffset, line: position.line, column: position.column)
    }
    self.path = path
    self.bytes = body
    self.bomLength = bom
    self.lineStarts = starts
    let hasLongLine = zip(starts, starts.dropFirst() + [body.count]).contains { $1 - $0 > Self.blockSize }
    blockCounts = hasLongLine ? Self.blockCounts(of: body) : []
  }

  /// Convenience for tests and stdin: a file from a Swift string.
  package init(path: String, text: String) throws(InputError) {
    try self.init(path: path, data: Array(text.utf8))
  }

  /// The text as a Swift string.
  package var text: String { String(decoding: bytes, as: UTF8.self) }

  /// The text of a range.
  package func text(of range: SourceRange) -> String {
    let lower = min(max(0, range.start), bytes.count)
    let upper = min(max(lower, range.end), bytes.count)
    return String(decoding: bytes[lower..<upper], as: UTF8.self)
  }

  /// 0-based line index containing `offset`.
  private static func lineIndex(of offset: Int, in lineStarts: [Int]) -> Int {
    max(0, lineStarts.partitioningIndex { $0 > offset } - 1)
  }

  /// 1-based line of a byte offset (no column counting).
  package func line(of offset: Int) -> Int { Self.lineIndex(of: offset, in: lineStarts) + 1 }

  /// 1-based line and columns of a byte offset.
  package func position(of offset: Int) -> SourcePosition {
    Self.position(offset: offset, bytes: bytes, lineStarts: lineStarts, bom: bomLength, blocks: blockCounts)
  }

  /// The text of a 0-based line without its line ending.
  package func lineText(_ index: Int) -> String {
    let range = lineRange(index)
    return String(decoding: bytes[range.start..<range.end], as: UTF8.self)
  }

  /// Byte range of a 0-based line without its line ending.
  package func lineRange(_ index: Int) -> SourceRange {
    let start = lineStarts[index]
    var end = index + 1 < lineStarts.count ? lineStarts[index + 1] : bytes.count
    while end > start, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
    return SourceRange(start: start, end: end)
  }

  // MARK: - Indexing

  private static func blockCounts(of bytes: [UInt8]) -> [(scalars: Int32, astral: Int32)] {
    var counts: [(scalars: Int32, astral: Int32)] = []
    counts.reserveCapacity(bytes.count / blockSize + 1)
    var scalars: Int32 = 0
    var astral: Int32 = 0
    for (index, byte) in bytes.enumerated() {
      if index % blockSize == 0 { counts.append((scalars, astral)) }
      if byte & 0xC0 != 0x80 { scalars += 1 }
      if byte >= 0xF0 { astral += 1 }
    }
    return counts
  }

  /// Scalars and astral scalars that start in `bytes[..<offset]`, from the nearest block count.
  private static func prefixCounts(_ offset: Int, _ bytes: [UInt8], _ blocks: [(scalars: Int32, astral: Int32)])
    -> (scalars: Int, astral: Int)
  {
    let block = min(offset / blockSize, blocks.count - 1)
    var scalars = Int(blocks[block].scalars)
    var astral = Int(blocks[block].astral)
    for byte in bytes[(block * blockSize)..<offset] {
      if byte & 0xC0 != 0x80 { scalars += 1 }
      if byte >= 0xF0 { astral += 1 }
    }
    return (scalars, astral)
  }

  private static func position(
    offset: Int, bytes: [UInt8], lineStarts: [Int], bom: Int, blocks: [(scalars: Int32, astral: Int32)] = []
  ) -> SourcePosition {
    let clamped = min(max(0, offset), bytes.count)
    let low = lineIndex(of: clamped, in: lineStarts)
    let lineStart = lineStarts[low]
    if !blocks.isEmpty, clamped - lineStart > blockSize {
      let end = prefixCounts(clamped, bytes, blocks)
      let start = prefixCounts(lineStart, bytes, blocks)
      let scalars = end.scalars - start.scalars
      return SourcePosition(
        line: low + 1, column: 1 + scalars, utf16Column: 1 + scalars + end.astral - start.astral,
        fileOffset: clamped + bom)
    }
    var column = 1
    var utf16 = 1
    var index = lineStart
    while index < clamped {
      let byte = bytes[index]
      if byte & 0xC0 != 0x80 {  // a scalar starts here
        column += 1
        utf16 += byte >= 0xF0 ? 2 : 1
      }
      index += 1
    }
    return SourcePosition(line: low + 1, column: column, utf16Column: utf16, fileOffset: clamped + bom)
  }

  /// The first NUL byte or invalid UTF-8 sequence, if any.
  private static func firstInvalidByte(_ text: [UInt8]) -> (offset: Int, isNul: Bool)? {
    text.withUnsafeBufferPointer { firstInvalidByte($0) }
  }

  private static func firstInvalidByte(_ bytes: UnsafeBufferPointer<UInt8>) -> (offset: Int, isNul: Bool)? {
    var index = 0
    let count = bytes.count
    while index < count {
      // Eight ASCII bytes but NUL are passed over at once (nearly all of a migration).
      if index + 8 <= count, let base = bytes.baseAddress,
        TextBytes.Words.isASCIIWithoutNul(TextBytes.Words.load(base + index))
      {
        index += 8
        continue
      }
      let byte = bytes[index]
      if byte < 0x80 {
        if byte == 0 { return (index, true) }
        index += 1
        continue
      }
      let length: Int
      var minimum: UInt32
      var scalar: UInt32
      switch byte {
      case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(byte & 0x1F)
      case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(byte & 0x0F)
      case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(byte & 0x07)
      default: return (index, false)
      }
      guard index + length <= count else { return (index, false) }
      for next in 1..<length {
        let continuation = bytes[index + next]
        guard continuation & 0xC0 == 0x80 else { return (index, false) }
        scalar = scalar << 6 | UInt32(continuation & 0x3F)
      }
      if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) {
        return (index, false)
      }
      minimum = 0
      index += length
    }
    return nil
  }
}

extension String {
  /// The string without leading and trailing spaces and tabs.
  package var trimmingSpaces: String {
    var slice = Substring(self)
    while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
    while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
    return String(slice)
  }
}
