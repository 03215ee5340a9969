/// A TOML reader for `miglint.toml`: tables, dotted and quoted keys, inline tables, arrays,
/// the four kinds of strings, integers, floats and booleans. Dates and arrays of tables (no
/// configuration key takes one) are errors that say so.
///
/// miglint reads a file from any repository it lints, so this reader never trusts its input:
/// every malformed file is an error with a line and column, nesting is bounded, and it never
/// aborts (the C++ library used before asserted on some malformed files, ending the process).
package enum TOMLValue: Equatable, Sendable {
  case string(String)
  case int(Int)
  case double(Double)
  case bool(Bool)
  case array([TOMLValue])
  case table(TOMLTable)

  package var string: String? { if case .string(let value) = self { value } else { nil } }
  package var int: Int? { if case .int(let value) = self { value } else { nil } }
  package var double: Double? { if case .double(let value) = self { value } else { nil } }
  package var bool: Bool? { if case .bool(let value) = self { value } else { nil } }
  package var array: [TOMLValue]? { if case .array(let value) = self { value } else { nil } }
  package var table: TOMLTable? { if case .table(let value) = self { value } else { nil } }
}

/// Keys in the order the file gives them.
package struct TOMLTable: Equatable, Sendable {
  package private(set) var keys: [String] = []
  private var values: [String: TOMLValue] = [:]
  /// Tables opened by a `[header]` or by a dotted key, which later dotted keys may extend;
  /// inline tables are closed.
  fileprivate var open = Set<String>()

  package subscript(key: String) -> TOMLValue? { values[key] }

  fileprivate mutating func set(_ key: String, _ value: TOMLValue) {
    if values.updateValue(value, forKey: key) == nil { keys.append(key) }
  }

  package static func == (lhs: TOMLTable, rhs: TOMLTable) -> Bool { lhs.keys == rhs.keys && lhs.values == rhs.values }
}

package struct TOMLError: Error, Sendable {
  package var line: Int
  package var column: Int
  package var message: String
}

package enum TOML {
  /// Deepest nesting of arrays and inline tables.
  static let maximumDepth = 64

  package static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
    var reader = Reader(scalars: Array(text.unicodeScalars))
    return try reader.document()
  }

  private struct Reader {
    let scalars: [Unicode.Scalar]
    var index = 0
    var line = 1
    var lineStart = 0

    var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }
    func peek(_ offset: Int) -> Unicode.Scalar? { index + offset < scalars.count ? scalars[index + offset] : nil }

    func error(_ message: String) -> TOMLError {
      TOMLError(line: line, column: index - lineStart + 1, message: message)
    }

    mutating func advance() {
      if current == "\n" {
        line += 1
        lineStart = index + 1
      }
      index += 1
    }

    mutating func skipBlanks() { while current == " " || current == "\t" { advance() } }

    /// Blanks, then an optional comment, then the end of the line (or of the file).
    mutating func endOfLine() throws(TOMLError) {
      skipBlanks()
      if current == "#" { try comment() }
      if current == "\r", peek(1) == "\n" { advance() }
      guard current == nil || current == "\n" else { throw error("expected the end of the line, found \(shown)") }
      if current != nil { advance() }
    }

    mutating func comment() throws(TOMLError) {
      while let scalar = current, scalar != "\n" {
        if scalar == "\r", peek(1) == "\n" { return }
        if isControl(scalar) && scalar != "\t" { throw error("control character U+\(hex(scalar)) in a comment") }
        advance()
      }
    }

    /// Blank lines, comments and line ends (inside arrays).
    mutating func skipSpace() throws(TOMLError) {
      while true {
        skipBlanks()
        if current == "#" {
          try comment()
        } else if current == "\n" {
          advance()
        } else if current == "\r", peek(1) == "\n" {
          advance()
          advance()
        } else {
          return
        }
      }
    }

    var shown: String {
      guard let scalar = current else { return "the end of the file" }
      return isControl(scalar) ? "U+\(hex(scalar))" : "`\(Character(scalar))`"
    }

    func isControl(_ scalar: Unicode.Scalar) -> Bool { scalar.value < 0x20 || scalar.value == 0x7F }
    func hex(_ scalar: Unicode.Scalar) -> String {
      let digits = String(scalar.value, radix: 16, uppercase: true)
      return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    func isBare(_ scalar: Unicode.Scalar?) -> Bool {
      guard let scalar, scalar.isASCII else { return false }
      return scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-"
    }

    mutating func document() throws(TOMLError) -> TOMLTable {
      var root = TOMLTable()
      var path: [String] = []
      var defined = Set<[String]>()
      while true {
        try skipSpace()
        guard let scalar = current else { return root }
        if scalar == "[" {
          advance()
          if current == "[" { throw error("arrays of tables (`[[…]]`) are not used by any miglint setting") }
          skipBlanks()
          path = try key()
          skipBlanks()
          guard current == "]" else { throw error("expected `]` to close the table header, found \(shown)") }
          advance()
          guard defined.insert(path).inserted else {
            throw error("table `\(path.joined(separator: "."))` is defined twice")
          }
          try open(path, in: &root)
          try endOfLine()
        } else {
          let keys = try key()
          skipBlanks()
          guard current == "=" else { throw error("expected `=` after the key, found \(shown)") }
          advance()
          skipBlanks()
          let value = try self.value(depth: 0)
          try insert(path + keys, value, in: &root)
          try endOfLine()
        }
      }
    }

    /// Makes sure the tables along `path` exist and are open to more keys.
    mutating func open(_ path: [String], in table: inout TOMLTable) throws(TOMLError) {
      guard let first = path.first else { return }
      var child = try openChild(first, of: &table)
      try open(Array(path.dropFirst()), in: &child)
      table.set(first, .table(child))
    }

    /// Sets `path` (the current table's path, then the dotted key) to `value`.
    mutating func insert(_ path: [String], _ value: TOMLValue, in table: inout TOMLTable) throws(TOMLError) {
      let first = path[0]
      if path.count == 1 {
        guard table[first] == nil else { throw error("`\(first)` is defined twice") }
        table.set(first, value)
        return
      }
      var child = try openChild(first, of: &table)
      try insert(Array(path.dropFirst()), value, in: &child)
      table.set(first, .table(child))
    }

    /// The table under `key`, new or still open (not a value, not an inline table).
    func openChild(_ key: String, of table: inout TOMLTable) throws(TOMLError) -> TOMLTable {
      let child: TOMLTable
      switch table[key] {
      case nil: child = TOMLTable()
      case .table(let existing) where table.open.contains(key): child = existing
      default: throw error("`\(key)` is already defined as a value")
      }
      table.open.insert(key)
      return child
    }

    /// A key: bare or quoted parts joined by dots.
    mutating func key() throws(TOMLError) -> [String] {
      var parts: [String] = []
      while true {
        skipBlanks()
        if current == "\"" || current == "'" {
          if peek(1) == current, peek(2) == current { throw error("a key cannot be a multi-line string") }
          parts.append(try singleLineString())
        } else if isBare(current) {
          var part = ""
          while isBare(current), let scalar = current {
            part.unicodeScalars.append(scalar)
            advance()
          }
          parts.append(part)
        } else {
          throw error("expected a key, found \(shown)")
        }
        skipBlanks()
        guard current == "." else { return parts }
        advance()
      }
    }

    mutating func value(depth: Int) throws(TOMLError) -> TOMLValue {
      guard depth < TOML.maximumDepth else {
        throw error("arrays and tables nest deeper than \(TOML.maximumDepth) levels")
      }
      guard let scalar = current else { throw error("expected a value, found the end of the file") }
      switch scalar {
      case "\"", "'":
        if peek(1) == scalar, peek(2) == scalar { return .string(try multiLineString()) }
        return .string(try singleLineString())
      case "[":
        advance()
        var items: [TOMLValue] = []
        while true {
          try skipSpace()
          if current == "]" { break }
          items.append(try value(depth: depth + 1))
          try skipSpace()
          if current == "," {
            advance()
            continue
          }
          guard current == "]" else { throw error("expected `,` or `]` in the array, found \(shown)") }
          break
        }
        advance()
        return .array(items)
      case "{":
        advance()
        var table = TOMLTable()
        skipBlanks()
        if current == "}" {
          advance()
          return .table(table)
        }
        while true {
          let keys = try key()
          skipBlanks()
          guard current == "=" else { throw error("expected `=` after the key, found \(shown)") }
          advance()
          skipBlanks()
          try insert(keys, try value(depth: depth + 1), in: &table)
          skipBlanks()
          if current == "," {
            advance()
            skipBlanks()
            continue
          }
          guard current == "}" else { throw error("expected `,` or `}` in the inline table, found \(shown)") }
          advance()
          table.open = []
          return .table(table)
        }
      case "t", "f":
        for (word, value) in [("true", true), ("false", false)] where matches(word) {
          index += word.unicodeScalars.count
          return .bool(value)
        }
        throw error("expected a value, found \(shown)")
      default:
        return try number()
      }
    }

    func matches(_ word: String) -> Bool {
      for (offset, scalar) in word.unicodeScalars.enumerated() where peek(offset) != scalar { return false }
      return !isBare(peek(word.unicodeScalars.count))
    }

    /// Decimal integers and floats (with `_` between digits); `inf` and `nan`.
    mutating func number() throws(TOMLError) -> TOMLValue {
      var text = ""
      while let scalar = current, isBare(scalar) || scalar == "+" || scalar == "." || scalar == ":" {
        text.unicodeScalars.append(scalar)
        advance()
      }
      guard !text.isEmpty else { throw error("expected a value, found \(shown)") }
      let unsigned = text.hasPrefix("+") || text.hasPrefix("-") ? String(text.dropFirst()) : text
      if ["inf", "nan"].contains(unsigned) {
        return .double(unsigned == "inf" ? (text.hasPrefix("-") ? -.infinity : .infinity) : .nan)
      }
      if text.contains(":") || (unsigned.count >= 10 && unsigned.dropFirst(4).first == "-") {
        throw error("dates and times are not used by any miglint setting")
      }
      if unsigned.hasPrefix("0x") || unsigned.hasPrefix("0o") || unsigned.hasPrefix("0b") {
        throw error("write `\(text)` as a decimal number")
      }
      // Underscores only between digits; no leading zero.
      let characters = Array(text)
      for (offset, character) in characters.enumerated() where character == "_" {
        guard offset > 0, offset + 1 < characters.count, characters[offset - 1].isNumber,
          characters[offset + 1].isNumber
        else { throw error("`\(text)` is not a number") }
      }
      let digits = text.replacing("_", with: "")
      let integerPart = unsigned.prefix { $0.isNumber }
      guard !integerPart.isEmpty, !(integerPart.count > 1 && integerPart.hasPrefix("0")) else {
        throw error("`\(text)` is not a number")
      }
      if let integer = Int(digits) { return .int(integer) }
      let isFloat =
        digits.allSatisfy { $0.isNumber || "+-.eE".contains($0) } && !digits.contains(".e") && !digits.contains(".E")
        && !digits.hasSuffix(".")
      if isFloat, let double = Double(digits) { return .double(double) }
      throw error("`\(text)` is not a number")
    }

    /// A basic (`"…"`, with escapes) or literal (`'…'`) string on one line.
    mutating func singleLineString() throws(TOMLError) -> String {
      guard let quote = current else { throw error("expected a string") }
      advance()
      var text = ""
      while true {
        guard let scalar = current, scalar != "\n" else { throw error("the string is not closed on its line") }
        if scalar == quote {
          advance()
          return text
        }
        if quote == "\"", scalar == "\\" {
          text.unicodeScalars.append(try escape())
          continue
        }
        if isControl(scalar) && scalar != "\t" { throw error("control character U+\(hex(scalar)) in a string") }
        text.unicodeScalars.append(scalar)
        advance()
      }
    }

    /// `"""…"""` or `'''…'''`; a line break right after the opening quotes is not part of it.
    mutating func multiLineString() throws(TOMLError) -> String {
      guard let quote = current else { throw error("expected a string") }
      index += 3
      if current == "\r", peek(1) == "\n" { advance() }
      if current == "\n" { advance() }
      var text = ""
      while true {
        guard let scalar = current else { throw error("the multi-line string is not closed") }
        if scalar == quote, peek(1) == quote, peek(2) == quote {
          // Up to two quotes may end the content just before the closing three.
          var run = 3
          while peek(run) == quote, run < 5 { run += 1 }
          for _ in 0..<(run - 3) { text.unicodeScalars.append(quote) }
          index += run
          return text
        }
        if quote == "\"", scalar == "\\" {
          // A backslash at the end of a line trims the line break and the blanks after it.
          var ahead = 1
          while peek(ahead) == " " || peek(ahead) == "\t" { ahead += 1 }
          if peek(ahead) == "\n" || (peek(ahead) == "\r" && peek(ahead + 1) == "\n") {
            advance()
            while let next = current, next == " " || next == "\t" || next == "\n" || next == "\r" { advance() }
            continue
          }
          text.unicodeScalars.append(try escape())
          continue
        }
        if isControl(scalar) && scalar != "\t" && scalar != "\n" && !(scalar == "\r" && peek(1) == "\n") {
          throw error("control character U+\(hex(scalar)) in a string")
        }
        text.unicodeScalars.append(scalar)
        advance()
      }
    }

    mutating func escape() throws(TOMLError) -> Unicode.Scalar {
      advance()
      guard let scalar = current else { throw error("the string is not closed") }
      advance()
      switch scalar {
      case "b": return "\u{8}"
      case "t": return "\t"
      case "n": return "\n"
      case "f": return "\u{C}"
      case "r": return "\r"
      case "\"": return "\""
      case "\\": return "\\"
      case "u", "U":
        let count = scalar == "u" ? 4 : 8
        var digits = ""
        for _ in 0..<count {
          guard let digit = current, digit.isASCII, digit.properties.isASCIIHexDigit else {
            throw error("`\\\(scalar)` needs \(count) hexadecimal digits")
          }
          digits.unicodeScalars.append(digit)
          advance()
        }
        guard let value = UInt32(digits, radix: 16), let result = Unicode.Scalar(value) else {
          throw error("`\\\(scalar)\(digits)` is not a Unicode scalar value")
        }
        return result
      default:
        throw error("unknown escape `\\\(Character(scalar))`")
      }
    }
  }
}
