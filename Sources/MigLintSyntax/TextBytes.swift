/// What every reader of a file's raw bytes needs in the same way: where a UTF-8 byte-order mark
/// ends and where lines break (`\n`, `\r\n` or `\r`). The one place that knows both.
package enum TextBytes {
  /// 3 when `bytes` start with a UTF-8 byte-order mark, else 0.
  package static func bomLength(_ bytes: some Collection<UInt8>) -> Int {
    bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
  }

  /// The length of the line break at `index`: 2 for `\r\n`, 1 for `\n` or `\r`, else 0.
  @inline(__always)
  package static func lineBreak(_ bytes: [UInt8], at index: Int) -> Int {
    guard index < bytes.count else { return 0 }
    switch bytes[index] {
    case 0x0A: return 1
    case 0x0D: return index + 1 < bytes.count && bytes[index + 1] == 0x0A ? 2 : 1
    default: return 0
    }
  }

  /// Lines of `bytes` without their line breaks; a last line without a break counts.
  package static func lines(_ bytes: [UInt8]) -> [SourceRange] {
    var result: [SourceRange] = []
    var start = 0
    var index = 0
    while index < bytes.count {
      let length = lineBreak(bytes, at: index)
      if length == 0 {
        index += 1
        continue
      }
      result.append(SourceRange(start: start, end: index))
      index += length
      start = index
    }
    if start < bytes.count { result.append(SourceRange(start: start, end: bytes.count)) }
    return result
  }

  /// Offsets where lines start: 0, and each offset after a line break.
  package static func lineStarts(_ bytes: [UInt8]) -> [Int] {
    var starts = [0]
    var index = 0
    bytes.withUnsafeBufferPointer { buffer in
      while index < buffer.count {
        // Eight bytes without a line break are passed over at once (most of a line).
        if index + 8 <= buffer.count, let base = buffer.baseAddress {
          let word = Words.load(base + index)
          if Words.bytes(equalTo: 0x0A, in: word) | Words.bytes(equalTo: 0x0D, in: word) == 0 {
            index += 8
            continue
          }
        }
        switch buffer[index] {
        case 0x0A:
          index += 1
          starts.append(index)
        case 0x0D:
          index += index + 1 < buffer.count && buffer[index + 1] == 0x0A ? 2 : 1
          starts.append(index)
        default:
          index += 1
        }
      }
    }
    return starts
  }

  /// Eight bytes of text read as one number, for scans that pass over the bytes they are not
  /// looking for a word at a time.
  package enum Words {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The eight bytes at `pointer`, the first in the lowest byte.
    @inline(__always)
    package static func load(_ pointer: UnsafePointer<UInt8>) -> UInt64 {
      UInt64(littleEndian: UnsafeRawPointer(pointer).loadUnaligned(as: UInt64.self))
    }

    /// Nonzero when a byte of `word` equals `byte` (the high bit of the lowest such byte is
    /// set, and maybe of bytes above it, never below).
    @inline(__always)
    package static func bytes(equalTo byte: UInt8, in word: UInt64) -> UInt64 {
      let zeroWhereEqual = word ^ (ones &* UInt64(byte))
      return (zeroWhereEqual &- ones) & ~zeroWhereEqual & highBits
    }

    /// Whether every byte of `word` is ASCII other than NUL.
    @inline(__always)
    package static func isASCIIWithoutNul(_ word: UInt64) -> Bool {
      word & highBits == 0 && bytes(equalTo: 0, in: word) == 0
    }
  }

  /// The first line of a file's text (after a byte-order mark, offsets relative to that text),
  /// where findings about the whole file point; empty for a file that could not be read.
  package static func firstLine(_ bytes: [UInt8]?) -> SourceRange {
    guard let bytes else { return SourceRange(start: 0, end: 0) }
    let bom = bomLength(bytes)
    let end = bytes[bom...].firstIndex { $0 == 0x0A || $0 == 0x0D } ?? bytes.count
    return SourceRange(start: 0, end: end - bom)
  }

  /// The text with its byte-order mark removed and every line break written as `\n`.
  package static func normalized(_ bytes: [UInt8]) -> [UInt8] {
    var result: [UInt8] = []
    result.reserveCapacity(bytes.count)
    var index = bomLength(bytes)
    while index < bytes.count {
      let length = lineBreak(bytes, at: index)
      if length == 0 {
        result.append(bytes[index])
        index += 1
      } else {
        result.append(0x0A)
        index += length
      }
    }
    return result
  }
}

extension String {
  /// `body` over the string's UTF-8 bytes where they are: `withUTF8` needs a mutable copy, which
  /// retains and releases the string, and reporters and layouts do this for every name and
  /// message of a run.
  @inlinable package func withUTF8Bytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
    if let result = utf8.withContiguousStorageIfAvailable(body) { return result }
    var copy = self
    return copy.withUTF8(body)
  }
}
