import MigLintSyntax

/// An open document: the editor's text (never the disk copy) and its version.
struct Document {
  var uri: String
  /// The file path for `file:` URIs; nil for others (an unsaved buffer).
  var path: String?
  var version: Int
  private(set) var bytes: [UInt8]
  private(set) var lineStarts: [Int]

  init(uri: String, version: Int, text: String) {
    self.uri = uri
    path = FileURI.path(uri)
    self.version = version
    bytes = Array(text.utf8)
    lineStarts = TextBytes.lineStarts(bytes)
  }

  /// A `textDocument/didChange` entry: a range and its new text, or the whole text.
  mutating func apply(_ change: JSON) {
    guard let text = change["text"]?.string else { return }
    guard let range = change["range"], let start = offset(range["start"]), let end = offset(range["end"]) else {
      bytes = Array(text.utf8)
      lineStarts = TextBytes.lineStarts(bytes)
      return
    }
    bytes.replaceSubrange(min(start, end)..<max(start, end), with: Array(text.utf8))
    lineStarts = TextBytes.lineStarts(bytes)
  }

  /// The byte offset of an LSP position (0-based line, UTF-16 code units), clamped to the text.
  func offset(_ position: JSON?) -> Int? {
    guard let position, let line = position["line"]?.int, let character = position["character"]?.int else {
      return nil
    }
    guard line >= 0 else { return 0 }
    guard line < lineStarts.count else { return bytes.count }
    var offset = lineStarts[line]
    let lineEnd = line + 1 < lineStarts.count ? lineStarts[line + 1] : bytes.count
    var units = 0
    while offset < lineEnd, units < character {
      let byte = bytes[offset]
      if byte == 0x0A || byte == 0x0D { break }
      let length = Self.sequenceLength(byte)
      units += length == 4 ? 2 : 1
      offset = min(lineEnd, offset + length)
    }
    return offset
  }

  /// The LSP position of a byte offset.
  func position(of offset: Int) -> (line: Int, character: Int) {
    let clamped = max(0, min(offset, bytes.count))
    let line = max(0, lineStarts.partitioningIndex { $0 > clamped } - 1)
    var units = 0
    var index = lineStarts[line]
    while index < clamped {
      let length = Self.sequenceLength(bytes[index])
      units += length == 4 ? 2 : 1
      index += length
    }
    return (line, units)
  }

  /// Bytes of the UTF-8 sequence `byte` starts; a 4-byte one is two UTF-16 code units.
  private static func sequenceLength(_ byte: UInt8) -> Int {
    byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4
  }
}

/// `file:` URIs and paths.
enum FileURI {
  /// The path of a `file:` URI, percent-decoded; nil for other schemes.
  static func path(_ uri: String) -> String? {
    guard uri.hasPrefix("file://") else { return nil }
    var rest = Substring(uri.dropFirst("file://".count))
    // `file://host/path`: only a local (empty or localhost) host names a path here.
    if !rest.hasPrefix("/") {
      guard let slash = rest.firstIndex(of: "/"), rest[..<slash] == "localhost" else { return nil }
      rest = rest[slash...]
    }
    var bytes: [UInt8] = []
    var iterator = Array(rest.utf8)[...]
    while let byte = iterator.popFirst() {
      if byte == 0x25, iterator.count >= 2,
        let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16)
      {
        bytes.append(value)
        iterator = iterator.dropFirst(2)
      } else {
        bytes.append(byte)
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// The `file:` URI of an absolute path, with the characters RFC 3986 reserves percent-encoded.
  static func uri(_ path: String) -> String {
    var out = "file://"
    for byte in path.utf8 {
      let unreserved =
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
        || "-._~/".utf8.contains(byte)
      if unreserved {
        out.unicodeScalars.append(Unicode.Scalar(byte))
      } else {
        let hex = String(byte, radix: 16, uppercase: true)
        out += "%" + (hex.count == 1 ? "0" : "") + hex
      }
    }
    return out
  }
}
