#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes text to a file descriptor (1 = stdout, 2 = stderr), retrying short writes.
func writeText(_ text: String, to descriptor: Int32) { writeBytes(Array(text.utf8), to: descriptor) }

/// Writes bytes to a file descriptor, retrying short writes.
func writeBytes(_ whole: [UInt8], to descriptor: Int32) {
  whole.withUnsafeBufferPointer { writeBytes($0, to: descriptor) }
}

func writeBytes(_ whole: UnsafeBufferPointer<UInt8>, to descriptor: Int32) {
  var written = 0
  while written < whole.count, let base = whole.baseAddress {
    let count = write(descriptor, base + written, whole.count - written)
    if count < 0 {
      if errno == EINTR { continue }
      return
    }
    written += count
  }
}

/// Writes a line to standard error.
///
/// Messages quote paths, keys and lines from the input: control characters are escaped (an
/// ESC or BEL from a crafted file name never reaches the terminal raw) and a message is cut at
/// ``maximumErrorLength`` characters.
func printError(_ text: String) {
  var line = text.hasSuffix("\n") ? String(text.dropLast()) : text
  if line.count > maximumErrorLength { line = line.prefix(maximumErrorLength - 1) + "…" }
  writeText(line.escapingControlCharacters.replacing("\t", with: "\\t") + "\n", to: 2)
}

/// The longest message written to standard error.
let maximumErrorLength = 600

/// Ends the process with `code`.
func terminate(_ code: Int32) -> Never { exit(code) }
