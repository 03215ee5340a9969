import MigLintSyntax

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The base protocol's framing: a `Content-Length` header, an empty line, then that many bytes.
struct FrameReader {
  /// What one read from the stream gave.
  enum Frame {
    case message([UInt8])
    /// A header block without a usable `Content-Length` (the body, if any, cannot be found).
    case badHeader(String)
    case end
  }

  /// A message larger than this is refused (its bytes are skipped): no client sends one.
  static let maximumLength = 64 << 20

  private let descriptor: Int32
  private var buffer: [UInt8] = []
  private var position = 0

  init(descriptor: Int32) { self.descriptor = descriptor }

  mutating func next() -> Frame {
    var length: Int?
    var headers: [String] = []
    // Headers: lines up to an empty one.
    while true {
      guard let line = readLine() else { return .end }
      if line.isEmpty {
        if headers.isEmpty { continue }  // stray line breaks between messages
        break
      }
      headers.append(line)
      let parts = line.split(separator: ":", maxSplits: 1).map { String($0).trimmingSpaces }
      if parts.count == 2, parts[0].lowercased() == "content-length" { length = Int(parts[1]) }
    }
    guard let length, length >= 0 else {
      return .badHeader("no Content-Length in the header `\(headers.joined(separator: "\\r\\n"))`")
    }
    guard length <= Self.maximumLength else {
      guard skip(length) else { return .end }
      return .badHeader("a message of \(length) bytes is larger than the \(Self.maximumLength) bytes accepted")
    }
    guard let body = take(length) else { return .end }
    return .message(body)
  }

  private mutating func fill() -> Bool {
    if position > 0, position == buffer.count {
      buffer.removeAll(keepingCapacity: true)
      position = 0
    }
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      if count < 0, errno == EINTR { continue }
      guard count > 0 else { return false }
      buffer += chunk[0..<count]
      return true
    }
  }

  /// A header line without its `\r\n`; nil at the end of the stream.
  private mutating func readLine() -> String? {
    while true {
      if let newline = buffer[position...].firstIndex(of: 0x0A) {
        var end = newline
        if end > position, buffer[end - 1] == 0x0D { end -= 1 }
        let line = String(decoding: buffer[position..<end], as: UTF8.self)
        position = newline + 1
        return line
      }
      guard fill() else { return nil }
    }
  }

  private mutating func take(_ count: Int) -> [UInt8]? {
    while buffer.count - position < count { guard fill() else { return nil } }
    let body = Array(buffer[position..<position + count])
    position += count
    return body
  }

  private mutating func skip(_ count: Int) -> Bool {
    var left = count
    while left > 0 {
      if position == buffer.count { guard fill() else { return false } }
      let taken = min(left, buffer.count - position)
      position += taken
      left -= taken
    }
    return true
  }
}

/// Writes one framed message to `descriptor` (all of it, across short writes).
func writeFrame(_ body: String, to descriptor: Int32) {
  let bytes = Array("Content-Length: \(body.utf8.count)\r\n\r\n".utf8) + Array(body.utf8)
  var offset = 0
  while offset < bytes.count {
    let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    if written < 0, errno == EINTR { continue }
    guard written > 0 else { return }
    offset += written
  }
}
