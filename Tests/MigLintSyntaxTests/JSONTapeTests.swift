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

  /// Walking a container in place gives what the arrays give, at every node: nested and empty
  /// containers, and nodes of the other kinds (no children).
  @Test func walkingInPlaceGivesTheMembersAndElements() throws {
    let json = #"{"a": {"deep": [1, {"x": [2, [], {}]}, "s"]}, "b": [], "c": {}, "d": [[1], [2, 3]], "e": null}"#
    try withTape(json) { tape in
      #expect(tape.entries.count > 20)
      for node in tape.entries.indices {
        #expect(tape.eachMember(node).map { [$0.key, $0.value] } == tape.members(node).map { [$0.key, $0.value] })
        #expect(Array(tape.eachElement(node)) == tape.elements(node))
      }
      #expect(Array(tape.eachElement(nil)).isEmpty && Array(tape.eachMember(nil)).isEmpty)
      #expect(Array(tape.eachMember(0)).count == 5)
    }
  }

  @Test func rejectsMalformedJSON() {
    #expect(throws: JSONTapeError.self) { try withTape(#"{"a": [1, 2"#) { _ in () } }
    #expect(throws: JSONTapeError.self) { try withTape(#"{"a" 1}"#) { _ in () } }
  }
}
