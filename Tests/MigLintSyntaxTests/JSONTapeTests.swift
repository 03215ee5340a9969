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

  @Test func rejectsMalformedJSON() {
    #expect(throws: JSONTapeError.self) { try withTape(#"{"a": [1, 2"#) { _ in () } }
    #expect(throws: JSONTapeError.self) { try withTape(#"{"a" 1}"#) { _ in () } }
  }
}
