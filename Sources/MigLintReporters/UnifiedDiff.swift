/// A unified diff of one file (`--diff`), readable by `patch -p0` and `git apply -p0`.
package enum UnifiedDiff {
  /// Lines of context around each change.
  static let context = 3

  private enum Operation {
    case same(Int, Int), removed(Int), added(Int)
  }

  /// The diff from `old` to `new`, empty when they are equal.
  package static func render(path: String, old: [UInt8], new: [UInt8]) -> String {
    guard old != new else { return "" }
    let a = lines(old)
    let b = lines(new)
    let operations = script(a, b)
    var out = "--- \(path)\n+++ \(path)\n"
    // Group the changes whose unchanged gap is short enough to share context.
    var index = 0
    while let first = operations[index...].firstIndex(where: { if case .same = $0 { false } else { true } }) {
      var last = first
      var cursor = first
      while cursor < operations.count {
        if case .same = operations[cursor] {
          let next = operations[cursor...].firstIndex { if case .same = $0 { false } else { true } }
          guard let next, next - cursor <= 2 * context else { break }
          cursor = next
        } else {
          last = cursor
          cursor += 1
        }
      }
      let start = max(0, first - context)
      let end = min(operations.count, last + 1 + context)
      out += hunk(operations[start..<end], a, b)
      index = end
    }
    return out
  }

  private static func hunk(_ operations: ArraySlice<Operation>, _ a: [ArraySlice<UInt8>], _ b: [ArraySlice<UInt8>])
    -> String
  {
    // Lines of each side before the hunk.
    var (oldBefore, newBefore) = (0, 0)
    for operation in operations.prefix(1) {
      switch operation {
      case .same(let i, let j): (oldBefore, newBefore) = (i, j)
      case .removed(let i): (oldBefore, newBefore) = (i, i)
      case .added(let j): (oldBefore, newBefore) = (j, j)
      }
    }
    var body = ""
    var oldCount = 0
    var newCount = 0
    func line(_ prefix: String, _ text: ArraySlice<UInt8>) {
      body += prefix + String(decoding: text, as: UTF8.self)
      if text.last != UInt8(ascii: "\n") { body += "\n\\ No newline at end of file\n" }
    }
    for operation in operations {
      switch operation {
      case .same(let i, _):
        oldCount += 1
        newCount += 1
        line(" ", a[i])
      case .removed(let i):
        oldCount += 1
        line("-", a[i])
      case .added(let j):
        newCount += 1
        line("+", b[j])
      }
    }
    // An empty side names the line before the hunk (0 at the top of the file).
    let oldLine = oldCount == 0 ? oldBefore : oldBefore + 1
    let newLine = newCount == 0 ? newBefore : newBefore + 1
    return "@@ -\(oldLine),\(oldCount) +\(newLine),\(newCount) @@\n" + body
  }

  /// Lines with their terminators (the last one may have none).
  private static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
    var lines: [ArraySlice<UInt8>] = []
    var start = 0
    for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
      lines.append(bytes[start...index])
      start = index + 1
    }
    if start < bytes.count { lines.append(bytes[start...]) }
    return lines
  }

  /// The shortest edit script (Myers), after the common head and tail are set aside.
  private static func script(_ a: [ArraySlice<UInt8>], _ b: [ArraySlice<UInt8>]) -> [Operation] {
    var head = 0
    while head < a.count, head < b.count, a[head] == b[head] { head += 1 }
    var tail = 0
    while tail < a.count - head, tail < b.count - head, a[a.count - 1 - tail] == b[b.count - 1 - tail] { tail += 1 }
    let n = a.count - head - tail
    let m = b.count - head - tail
    let limit = n + m
    let offset = limit + 1
    var v = [Int](repeating: 0, count: 2 * limit + 3)
    var trace: [[Int]] = []
    search: for d in 0...limit {
      trace.append(v)
      for k in stride(from: -d, through: d, by: 2) {
        var x = k == -d || (k != d && v[k - 1 + offset] < v[k + 1 + offset]) ? v[k + 1 + offset] : v[k - 1 + offset] + 1
        var y = x - k
        while x < n, y < m, a[head + x] == b[head + y] {
          x += 1
          y += 1
        }
        v[k + offset] = x
        if x >= n, y >= m { break search }
      }
    }
    var middle: [Operation] = []
    var x = n
    var y = m
    for d in stride(from: trace.count - 1, through: 0, by: -1) {
      let v = trace[d]
      let k = x - y
      let previous = k == -d || (k != d && v[k - 1 + offset] < v[k + 1 + offset]) ? k + 1 : k - 1
      let previousX = v[previous + offset]
      let previousY = previousX - previous
      while x > previousX, y > previousY {
        middle.append(.same(head + x - 1, head + y - 1))
        x -= 1
        y -= 1
      }
      if d > 0 {
        middle.append(x == previousX ? .added(head + y - 1) : .removed(head + x - 1))
      }
      x = previousX
      y = previousY
    }
    let before = (0..<head).map { Operation.same($0, $0) }
    let after = (0..<tail).map { Operation.same(a.count - tail + $0, b.count - tail + $0) }
    return before + middle.reversed() + after
  }
}
