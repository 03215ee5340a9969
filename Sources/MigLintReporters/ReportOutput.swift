/// Where a report goes, a chunk at a time.
///
/// A report of thousands of findings was built whole, turned into a String and copied again to
/// be written: three copies, each as large as the report (39 MB of JSON for 34,000 findings),
/// and more memory than the lint itself. Reporters append here; every ``chunkSize`` bytes go to
/// `send`.
package final class ReportOutput {
  static let chunkSize = 1 << 16

  private var buffer: [UInt8] = []
  private let send: (UnsafeBufferPointer<UInt8>) -> Void

  /// - Parameter send: receives the report's bytes in order, a chunk at a time (valid during
  ///   the call only: they are not copied for it).
  package init(_ send: @escaping (UnsafeBufferPointer<UInt8>) -> Void) {
    self.send = send
    buffer.reserveCapacity(Self.chunkSize)
  }

  package func append(_ text: String) {
    buffer.append(contentsOf: text.utf8)
    if buffer.count >= Self.chunkSize { flush() }
  }

  package func append(bytes: [UInt8]) {
    buffer += bytes
    if buffer.count >= Self.chunkSize { flush() }
  }

  /// Takes what a reporter's own buffer holds and empties it.
  func take(_ bytes: ByteBuffer) {
    flush()
    if bytes.count > 0 { bytes.withBytes(send) }
    bytes.removeAll()
  }

  /// Sends what is buffered.
  package func flush() {
    guard !buffer.isEmpty else { return }
    buffer.withUnsafeBufferPointer(send)
    buffer.removeAll(keepingCapacity: true)
  }

  /// The whole output of `write` as one String (tests, and formats that are small).
  static func collecting(_ write: (ReportOutput) -> Void) -> String {
    var bytes: [UInt8] = []
    let output = ReportOutput { bytes += $0 }
    write(output)
    output.flush()
    return String(decoding: bytes, as: UTF8.self)
  }
}
