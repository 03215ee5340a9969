import MigLintSyntax
import Testing

@Suite struct JSONTapeTests {
  func withTape<T>(_ json: String, _ body: (JSONTape) throws -> T) throws -> T {
    let bytes = Array(json.utf8)
    return try bytes.withUnsafeBufferPointer { buffer in try body(try JSONTape(bytes: buffer)) }
  }

  @Test func readsMembersAndSkipsSubtrees() throws {
    try withTape(#"{"a": {"deep": [1, {"x": 2}]}, "b": -12, "c": true, "d": "q\"\\\n\u00e9\ud83d\ude80"}"#) { tape in
      #expect(tape.int(tape.member(0, "b")) == -12)
      #expect(tape.bool(tape.member(0, "c")))
      #expect(tape.string(tape.member(0, "d")) == "q\"\\\né🚀")
      #expect(tape.elements(tape.member(tape.member(0, "a"), "deep")).count == 2)
      #expect(tape.member(0, "missing") == nil)
    }
  }

  /// A container's children, walked in place, are the entries whose innermost enclosing
  /// container it is (found here from the entries' extents alone): nested and empty
  /// containers, and nodes of the other kinds (no children).
  @Test func walkingInPlaceGivesTheChildren() throws {
    let json = #"{"a": {"deep": [1, {"x": [2, [], {}]}, "s"]}, "b": [], "c": {}, "d": [[1], [2, 3]], "e": null}"#
    try withTape(json) { tape in
      let entries = tape.entries
      #expect(entries.count > 20)
      func isContainer(_ index: Int) -> Bool { entries[index].kind == .object || entries[index].kind == .array }
      let parent = entries.indices.map { child in
        entries.indices.last { $0 < child && isContainer($0) && child < entries[$0].next }
      }
      for node in entries.indices {
        let children = entries.indices.filter { parent[$0] == node }
        let members =
          entries[node].kind == .object
          ? stride(from: 0, to: children.count, by: 2).map {
            [children[$0], children[$0 + 1]]
          } : []
        #expect(tape.eachMember(node).map { [$0.key, $0.value] } == members)
        #expect(tape.members(node).map { [$0.key, $0.value] } == members)
        #expect(Array(tape.eachElement(node)) == (entries[node].kind == .array ? children : []))
        #expect(tape.elements(node) == (entries[node].kind == .array ? children : []))
      }
      #expect(Array(tape.eachElement(nil)).isEmpty && Array(tape.eachMember(nil)).isEmpty)
      #expect(tape.members(0).count == 5)
    }
  }

  /// More entries than the room first made for libpg_query's JSON (an entry per four bytes):
  /// short numbers, empty strings and nested arrays, all read.
  @Test func denseJSONIsReadWhole() throws {
    let numbers = (0..<200).map { String($0 % 10) }
    try withTape("[" + numbers.joined(separator: ",") + "]") { tape in
      #expect(tape.entries.count == 201)
      #expect(tape.eachElement(0).map { tape.int($0) } == numbers.map { Int($0) })
    }
    try withTape("[" + Array(repeating: #""""#, count: 150).joined(separator: ",") + "]") { tape in
      #expect(tape.elements(0).map { tape.string($0) } == Array(repeating: "", count: 150))
    }
    try withTape(String(repeating: "[", count: 300) + String(repeating: "]", count: 300)) { tape in
      #expect(tape.entries.count == 300)
      #expect(tape.entries.enumerated().allSatisfy { $0.element.next == 300 && $0.element.start == $0.offset })
    }
  }

  /// Strings of every length up to three words, with an escaped quote or backslash at each
  /// place and non-ASCII text around it: each ends where it ends, whole.
  @Test func stringsEndAtTheirClosingQuoteWhereverItFalls() throws {
    for length in 0..<24 {
      for place in 0...length {
        for (escape, meaning) in [(#"\""#, "\""), (#"\\"#, "\\"), ("é", "é"), (#"\u00e9"#, "é")] {
          let plain = Array(repeating: "a", count: length)
          let written = (plain[..<place] + [escape] + plain[place...]).joined()
          let expected = (plain[..<place] + [meaning] + plain[place...]).joined()
          try withTape(#"{"k": [""# + written + #"", "z"]}"#) { tape in
            let strings = tape.elements(tape.member(0, "k")).map { tape.string($0) }
            #expect(strings == [expected, "z"], "\(written)")
          }
        }
      }
    }
  }

  @Test func rejectsMalformedJSON() {
    #expect(throws: JSONTapeError.self) { try withTape(#"{"a": [1, 2"#) { _ in () } }
    #expect(throws: JSONTapeError.self) { try withTape(#"{"a" 1}"#) { _ in () } }
  }
}
