import MigLintSyntax
import Testing

@Suite struct SourceFileTests {
  @Test func positionsCountCharactersAndUTF16Units() throws {
    let source = try SourceFile(path: "a.sql", text: "SELECT 'é🚀', x;\nSELECT 2;")
    let x = Array(source.bytes).firstIndex(of: UInt8(ascii: "x"))!
    let position = source.position(of: x)
    #expect(position.line == 1)
    #expect(position.column == 14)  // S E L E C T _ ' é 🚀 ' , _ x
    #expect(position.utf16Column == 15)  // the rocket is two UTF-16 units
    #expect(source.position(of: source.lineStarts[1]).line == 2)
  }

  @Test func crlfAndLoneCarriageReturnsEndLines() throws {
    let source = try SourceFile(path: "a.sql", text: "SELECT 1;\r\nSELECT 2;\rSELECT 3;\n")
    #expect(source.lineStarts == [0, 11, 21, 31])
    #expect(source.lineText(0) == "SELECT 1;")
    #expect(source.position(of: 11) == SourcePosition(line: 2, column: 1, utf16Column: 1, fileOffset: 11))
  }

  /// Each kind of line break, and a NUL or a bad byte, at every place of a text three words
  /// long: the lines start, and the text is refused, where a byte at a time says.
  @Test func breaksAndBadBytesAreFoundWhereverTheyFall() throws {
    let plain = Array("SELECT a, é FROM table_t;".utf8)
    for place in 0..<plain.count where plain[place] & 0xC0 != 0x80 {
      for line in [[0x0A], [0x0D], [0x0D, 0x0A]] as [[UInt8]] {
        let text = Array(plain[..<place]) + line + Array(plain[place...])
        var expected = [0]
        var index = 0
        while index < text.count {
          if text[index] == 0x0D, index + 1 < text.count, text[index + 1] == 0x0A { index += 1 }
          if text[index] == 0x0A || text[index] == 0x0D { expected.append(index + 1) }
          index += 1
        }
        #expect(try SourceFile(path: "a.sql", data: text).lineStarts == expected, "\(text)")
      }
      for bad: UInt8 in [0x00, 0xFF] {
        var text = plain
        guard plain[place] < 0x80 else { continue }
        text[place] = bad
        do {
          _ = try SourceFile(path: "a.sql", data: text)
          Issue.record("accepted a bad byte at \(place)")
        } catch {
          let offset: Int
          switch error {
          case .nulByte(let at, _, _): offset = bad == 0 ? at : -1
          case .invalidUTF8(let at, _, _): offset = bad == 0 ? -1 : at
          default: offset = -1
          }
          #expect(offset == place)
        }
      }
    }
  }

  @Test func aBOMIsStrippedButFileOffsetsCountIt() throws {
    let source = try SourceFile(path: "a.sql", data: [0xEF, 0xBB, 0xBF] + Array("SELECT 1;".utf8))
    #expect(source.bomLength == 3)
    #expect(source.text == "SELECT 1;")
    #expect(source.position(of: 0) == SourcePosition(line: 1, column: 1, utf16Column: 1, fileOffset: 3))
  }

  @Test func nulBytesAreRejectedWithTheirOffset() {
    #expect(throws: InputError.nulByte(offset: 12, line: 2, column: 3)) {
      try SourceFile(path: "a.sql", data: Array("SELECT 1;\nSE".utf8) + [0] + Array("LECT".utf8))
    }
  }

  @Test func invalidUTF8IsRejectedWithItsOffset() {
    #expect(throws: InputError.invalidUTF8(offset: 8, line: 1, column: 9)) {
      try SourceFile(path: "a.sql", data: Array("SELECT '".utf8) + [0xC3, 0x28] + Array("';".utf8))
    }
    // Overlong encodings and surrogates are not UTF-8 either.
    #expect(throws: InputError.self) { try SourceFile(path: "a.sql", data: [0xC0, 0xAF]) }
    #expect(throws: InputError.self) { try SourceFile(path: "a.sql", data: [0xED, 0xA0, 0x80]) }
  }

  @Test func oversizedFilesAreRejected() {
    #expect(throws: InputError.tooLarge(bytes: SourceFile.maximumSize + 1, limit: SourceFile.maximumSize)) {
      try SourceFile(path: "big.sql", data: [UInt8](repeating: 0x20, count: SourceFile.maximumSize + 1))
    }
  }
}

extension SourceFileTests {
  /// Columns on long lines come from block counts: they must equal a count from the line start.
  @Test func columnsOnLongLinesMatchACountFromTheLineStart() throws {
    var text = "short line\n"
    var generator = SystemRandomNumberGenerator()
    let pieces = ["a", "é", "日", "😀", " ", "\t", "xyz"]
    for _ in 0..<3 {
      for _ in 0..<900 { text += pieces[Int(generator.next() % UInt64(pieces.count))] }
      text += "\r\n"
    }
    let source = try SourceFile(path: "t.sql", text: text)
    let bytes = source.bytes
    for offset in stride(from: 0, through: bytes.count, by: 7) {
      let line = source.line(of: offset)
      var column = 1
      var utf16 = 1
      for byte in bytes[source.lineStarts[line - 1]..<offset] where byte & 0xC0 != 0x80 {
        column += 1
        utf16 += byte >= 0xF0 ? 2 : 1
      }
      let position = source.position(of: offset)
      #expect(position.column == column && position.utf16Column == utf16, "offset \(offset)")
    }
  }
}
