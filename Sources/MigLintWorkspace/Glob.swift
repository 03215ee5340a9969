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
    // `**/**` means what `**` means: consecutive ones collapse.
    var parts: [String] = []
    for part in text.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    where !(part == "**" && parts.last == "**") {
      parts.append(part)
    }
    segments = parts
  }

  /// True when the text has glob characters.
  static func isPattern(_ text: String) -> Bool { text.contains { "*?[".contains($0) } }

  /// Matches a relative path (`a/b/c.sql`).
  package func matches(_ path: String) -> Bool {
    var text = path
    while text.hasPrefix("./") { text.removeFirst(2) }
    let parts = text.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    return match(parts)
  }

  /// The leading segments without glob characters: where a walk must start.
  package var staticPrefix: String {
    let fixed = segments.prefix { !Self.isPattern($0) }
    let prefix = fixed.joined(separator: "/")
    return pattern.hasPrefix("/") ? "/" + prefix : prefix
  }

  /// Which path positions each pattern segment can end at, segment by segment: time
  /// proportional to segments × path length, never a backtracking search.
  private func match(_ path: [String]) -> Bool {
    var reachable = [Bool](repeating: false, count: path.count + 1)
    reachable[0] = true
    for segment in segments {
      var next = [Bool](repeating: false, count: path.count + 1)
      if segment == "**" {
        // Any number of directories: every position from the first reachable one on.
        guard let first = reachable.firstIndex(of: true) else { return false }
        for position in first...path.count { next[position] = true }
      } else {
        for position in path.indices where reachable[position] && fnmatch(segment, path[position], 0) == 0 {
          next[position + 1] = true
        }
      }
      reachable = next
    }
    return reachable[path.count]
  }
}
