#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Path globs: `*` and `?` and `[…]` within one path segment, `**` for any number of segments.
package struct Glob: Sendable, Hashable {
  package let pattern: String
  private let segments: [String]

  package init(_ pattern: String) {
    var text = pattern
    while text.hasPrefix("./") { text.removeFirst(2) }
    self.pattern = text
    segments = text.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
  }

  /// True when the text has glob characters.
  package static func isPattern(_ text: String) -> Bool { text.contains { "*?[".contains($0) } }

  /// Matches a relative path (`a/b/c.sql`).
  package func matches(_ path: String) -> Bool {
    var text = path
    while text.hasPrefix("./") { text.removeFirst(2) }
    let parts = text.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    return match(segments[...], parts[...])
  }

  /// The leading segments without glob characters: where a walk must start.
  package var staticPrefix: String {
    let fixed = segments.prefix { !Self.isPattern($0) }
    let prefix = fixed.joined(separator: "/")
    return pattern.hasPrefix("/") ? "/" + prefix : prefix
  }

  private func match(_ pattern: ArraySlice<String>, _ path: ArraySlice<String>) -> Bool {
    guard let first = pattern.first else { return path.isEmpty }
    if first == "**" {
      let rest = pattern.dropFirst()
      var remaining = path
      while true {
        if match(rest, remaining) { return true }
        guard !remaining.isEmpty else { return false }
        remaining = remaining.dropFirst()
      }
    }
    guard let segment = path.first, fnmatch(first, segment, 0) == 0 else { return false }
    return match(pattern.dropFirst(), path.dropFirst())
  }
}
