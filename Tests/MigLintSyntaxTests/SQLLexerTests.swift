import Foundation
import MigLintSyntax
import MigLintTestSupport
import Testing

/// `SQLLexer` gives exactly the tokens of libpg_query's `pg_query_scan` (positions, token
/// numbers, keyword categories, and failure), on keywords, edge cases, every fixture and
/// generated input.
@Suite struct SQLLexerTests {
  /// The first input, if any, on which the two scanners differ, with both answers.
  static func firstDifference(_ inputs: some Sequence<[UInt8]>) -> String? {
    for input in inputs {
      let text = (input + [0]).map { CChar(bitPattern: $0) }
      let (ours, theirs) = (PgQuery.scan(text), PgQuery.referenceScan(text))
      if ours != theirs {
        let text = String(decoding: input.prefix { $0 != 0 }, as: UTF8.self)
        return "\(text.debugDescription)\n  ours:       \(describe(ours))\n  libpg_query: \(describe(theirs))"
      }
    }
    return nil
  }

  static func describe(_ tokens: [Token]?) -> String {
    tokens.map { $0.map { "\($0.start)..<\($0.end) \($0.kind)\($0.isKeyword ? "k" : "")" }.joined(separator: ", ") }
      ?? "error"
  }

  static func check(_ inputs: [String]) {
    let difference = firstDifference(inputs.lazy.map { Array($0.utf8) })
    #expect(difference == nil, "\(difference ?? "")")
  }

  @Test func everyKeywordInEveryCase() {
    let words = Self.keywordsOfTheGrammar
    #expect(words.count == 460)
    Self.check(
      words.flatMap { [$0, $0.uppercased(), $0.prefix(1).uppercased() + $0.dropFirst(), "\($0)_x", "\($0)1"] })
  }

  /// The words libpg_query's scanner calls keywords, found by asking it about every word of its
  /// token enum: the table is not read back from the lexer that is under test.
  static let keywordsOfTheGrammar: [String] = {
    guard
      let proto = try? String(contentsOfFile: "/usr/include/pg_query/pg_query.proto", encoding: .utf8),
      let body = proto.range(of: "enum Token {").map({ proto[$0.upperBound...] })
    else { return [] }
    var words: [String] = []
    for line in body.split(separator: "\n") {
      let parts = line.split(whereSeparator: { $0 == " " || $0 == "=" || $0 == ";" })
      guard parts.count >= 2, let number = Int(parts[1]), number >= 277 else { continue }
      let name = parts[0].lowercased()
      for word in [name, name.hasSuffix("_p") ? String(name.dropLast(2)) : nil].compactMap({ $0 }) {
        if let tokens = PgQuery.referenceScan(word), tokens.count == 1, tokens[0].isKeyword {
          words.append(word)
          break
        }
      }
    }
    return words
  }()

  @Test func edgeCases() {
    Self.check([
      // names, keywords and prefixed strings
      "select \"\" x", "\"a\"\"b\"", "\"\"\"\"", "\"a", "é a€b _a a$1 a$", "u&x", "U&'x' y", "u&'a'\n'b' x",
      "u&\"\"", "u&\"a\"\"b\" z", "U&\"x", "n'x'", "N'x' n nx'a'", "b'1''0'", "x'1''0'", "b'x", "x'x", "e'x",
      // strings and their continuation
      "'a'\n'b'", "'a'  -- c\n  'b'", "'a' 'b'", "'a'\n--c\n'b'", "'a' \n 'b'", "'a'\t\n\t'b'", "'a'\r'b'",
      "'a'\u{0C}\n'b'", "'a'\n\u{0C}'b'", "'a'\n\n'b'", "'a'\n /* c */ 'b'", "'a' /*c*/\n'b'", "'a'\n'b' x",
      "b'1'\n'0'", "x'1'\n'0'", "'''x'", "'it''s'", "'a", "'a'\n", "'a'\n  ",
      // escapes
      "e'\\0'", "e'\\377'", "e'\\303\\251'", "e'\\u0041'", "e'\\ud800'", "e'\\q'", "e'\\", "e'\\x'", "e'\\xg'",
      "e'\\x41'", "e'\\u00'", "e'\\U00000041'", "e'\\ud83d\\ude00'", "e'\\ud83d'", "e'\\ude00'", "e'\\u0000'",
      "e'\\uzz'", "e'\\ud83d\\n'", "e'\\ud83dx'", "e'\\U00110000'", "e'\\U0010FFFF'", "e'\\xff'",
      "e'\\xc3\\xa9'", "e'\\é'", "e'\\'", "e'a\\\n'", "e'\\''", "e''''", "e'\\\\'", "E'\\u12345'",
      "e'\\ud83d\\U0000de00'", "e'\\1234'", "e'\\xabc'", "e'a'\n'\\n'", "e'\\303'\n'\\251'",
      // dollar quotes and parameters
      "$a", "$a$x$a$", "$$x$b$$", "$a$x$a", "$$x", "$1", "$12$", "$_a$ $_a$", "$a1$x$a1$", "$1abc", "$1é",
      "$1_", "$1$", "$1::int", "$", "$é$x$é$", "$a$ $b$ $a$",
      // numbers
      "123abc", "1.5e", "1e+", "1..2", "0x1F", "1_000", "1.5x", "1e5x", ".5", ".5e3", "1.", "1.e5", "1.x",
      "1.e", ".5x", "1e", "1...2", "2147483647", "2147483648", "00000000002147483647", "1e-5", "1E+5",
      "a.1", "1.a", "1a", "1_", "1é", "3.14.15",
      // operators, punctuation, comments
      "a<=>b", "a=-1", "a?-b", "@-", "!=", "*/", "\\", "{", "`", "#", "~~*", "+-+", "1+-2", "a ->> b",
      "a ~>=~ b", "?", "a ? b", "&", "|", "a.b.c", "a..b", "a...b", ":a", "::", ":=:", "=>", "=>>", "<>=",
      "!==", "!=-", "@@", "||", "|/", "-->", "a--b", "a-/*c*/b", "*/*x*/", "/*/ x */", "/* /**/ y */",
      "--x\r\ny", "/* x", "/* /* */", "/* /* */ */", "a+--b", "a*/*b*/", "%", "^", "a%-b", "a^-b", "<<=",
      "a\u{0B}b", "\u{01}", "\u{7F}", "(1)", "[1]", "a::b[1]", String(repeating: "+", count: 64),
      String(repeating: "~", count: 63), String(repeating: "~", count: 64), String(repeating: "a", count: 70),
      String(repeating: "-", count: 3), "=-", "<=-", "<->", "#-", "@@@", "!!", "! =",
    ])
  }

  /// The `.sql` files under `root`.
  static func sqlFiles(under root: String) -> [[UInt8]] {
    let paths = (FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []).sorted()
    return paths.filter { $0.hasSuffix(".sql") }.compactMap { FileManager.default.contents(atPath: root + "/" + $0) }
      .map { Array($0) }
  }

  /// Every fixture, and every `.sql` file under `$MIGLINT_LEXER_CORPUS` when it is set (real
  /// projects' migrations, the bench's corpora).
  @Test func everyFixture() throws {
    let texts = Self.sqlFiles(under: TestLint.repositoryRoot + "/fixtures")
    #expect(texts.count > 50)
    let corpus = ProcessInfo.processInfo.environment["MIGLINT_LEXER_CORPUS"].map { Self.sqlFiles(under: $0) } ?? []
    let difference = Self.firstDifference(texts + corpus)
    #expect(difference == nil, "\(difference ?? "")")
  }

  /// Inputs made of pieces each scanner rule has to tell apart, and fixtures mutated.
  @Test func generatedInputs() throws {
    let pieces = [
      "'", "''", "\"", "\"\"", "$", "$$", "$a$", "$1", "$a", "e'", "E'", "b'", "x'", "n'", "u&'", "U&\"", "u&",
      "\\", "\\\\", "\\'", "\\u", "\\U", "\\x", "\\0", "\\377", "\\xff", "\\ud83d", "\\ude00", "\\u0041", "0041",
      "d800", "/*", "*/", "--", "\n", "\r", "\t", " ", "\u{0C}", "\u{0B}", ";", ",", "(", ")", "[", "]", ".", "..",
      ":", "::", ":=", "=", "=>", "<", ">", "<=", ">=", "<>", "!", "!=", "+", "-", "*", "/", "%", "^", "~", "@",
      "#", "&", "|", "`", "?", "1", "12", "2147483648", "1.5", ".5", "e", "E", "e+", "e-", "5", "a", "abc",
      "select", "CREATE", "nchar", "_", "é", "日本", "😀", "{", "}", "\u{01}",
    ].map { Array($0.utf8) }
    var random = Mutator.Random(state: Mutator.seed)
    var inputs: [[UInt8]] = []
    for _ in 0..<(Mutator.iterations * 20) {
      inputs.append((0..<(1 + random.below(12))).flatMap { _ in random.pick(pieces) })
    }
    let fixtures = Self.sqlFiles(under: TestLint.repositoryRoot + "/fixtures")
    for _ in 0..<(Mutator.iterations * 5) {
      inputs.append(Mutator.mutate(random.pick(fixtures), others: fixtures, &random))
    }
    let difference = Self.firstDifference(inputs)
    #expect(difference == nil, "seed \(Mutator.seed): \(difference ?? "")")
  }
}
