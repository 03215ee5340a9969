#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes text to a file descriptor (1 = stdout, 2 = stderr), retrying short writes.
func writeText(_ text: String, to descriptor: Int32) {
  var bytes = Array(text.utf8)[...]
  while !bytes.isEmpty {
    let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    if count < 0 {
      if errno == EINTR { continue }
      return
    }
    bytes = bytes.dropFirst(count)
  }
}

/// Writes a line to standard error.
func printError(_ text: String) {
  writeText(text.hasSuffix("\n") ? text : text + "\n", to: 2)
}

/// Ends the process with `code`.
func terminate(_ code: Int32) -> Never { exit(code) }
