import MigLintJavaScript
import MigLintSyntax
import Testing

@Suite struct LexerTests {
  func kinds(_ text: String) -> [JSToken.Kind] { JSLexer.tokenize(Array(text.utf8)).tokens.map(\.kind) }
  func texts(_ text: String) -> [String] {
    let bytes = Array(text.utf8)
    return JSLexer.tokenize(bytes).tokens.map { String(decoding: bytes[$0.start..<$0.end], as: UTF8.self) }
  }

  @Test func everyTokenKind() {
    let source = """
      #!/usr/bin/env node
      // line
      /* block */ const a = 'x', b = "y", c = `t`, d = `h${a}m${b}t`, e = /re[/]g/gi, f = 0x1F, g = 1_000.5e-3n;
      class K { #p = 1 }
      """
    let tokens = JSLexer.tokenize(Array(source.utf8))
    #expect(tokens.errors.isEmpty)
    let kinds = Set(tokens.tokens.map(\.kind))
    let all: Set<JSToken.Kind> = [
      .identifier, .privateName, .punctuator, .number, .string, .template, .templateHead, .templateMiddle,
      .templateTail, .regex, .lineComment, .blockComment,
    ]
    #expect(kinds == all)
    #expect(texts("d = `h${a}m${b}t`").suffix(5) == ["`h${", "a", "}m${", "b", "}t`"])
  }

  @Test func divisionAndRegularExpressionsAreToldApart() {
    #expect(kinds("a / b / c") == [.identifier, .punctuator, .identifier, .punctuator, .identifier])
    #expect(kinds("x = /a/.test(y)").contains(.regex))
    #expect(kinds("return /a/") == [.identifier, .regex])
    #expect(kinds("(a) / 2") == [.punctuator, .identifier, .punctuator, .punctuator, .number])
  }

  @Test func numericForms() {
    for number in ["0", "42", "3.14", ".5", "1e10", "2E-3", "0xFF", "0o17", "0b101", "1_000_000", "10n"] {
      #expect(kinds(number) == [.number], "\(number)")
    }
  }

  @Test func nestedTemplatesKeepTheirBraces() {
    let texts = texts("`a${ {x: `b${c}`}.x }d`")
    #expect(texts.first == "`a${")
    #expect(texts.last == "}d`")
    #expect(texts.contains("`b${"))
  }

  @Test func unterminatedLiteralsAreNotedAndLexingGoesOn() {
    let string = JSLexer.tokenize(Array("x = 'open\ny = 2".utf8))
    #expect(string.errors.map(\.message) == ["unterminated string"])
    #expect(string.tokens.last.map { $0.kind } == .number)
    let template = JSLexer.tokenize(Array("x = `open ${a}".utf8))
    #expect(template.errors.map(\.message) == ["unterminated template literal"])
    let comment = JSLexer.tokenize(Array("/* open".utf8))
    #expect(comment.errors.map(\.message) == ["unterminated comment"])
  }

  @Test func decoratorsAndTypeScript() {
    #expect(texts("@Entity() class A { private readonly x?: Map<string, number[]> = new Map(); }").contains("@"))
    #expect(texts("a?.b ?? c").contains("?."))
    #expect(texts("a ? .5 : 1").contains("?"))
  }

  @Test func positionsAreBytesAndUTF16ComesFromTheSourceFile() throws {
    let text = "const é = '😀'; up()"
    let bytes = Array(text.utf8)
    let tokens = JSLexer.tokenize(bytes).tokens
    let up = try #require(tokens.first { String(decoding: bytes[$0.start..<$0.end], as: UTF8.self) == "up" })
    #expect(up.start == Array("const é = '😀'; ".utf8).count)
    let source = try SourceFile(path: "m.js", text: text)
    let position = source.position(of: up.start)
    #expect(position.column == 16)
    #expect(position.utf16Column == 17)
  }

  @Test func aFileThatIsNotJavaScriptNeverStopsTheLexer() {
    let bytes = Array("SELECT * FROM t WHERE a = 'x' -- comment\n\\set x 1\n\u{1}\u{2}".utf8)
    let tokens = JSLexer.tokenize(bytes).tokens
    #expect(!tokens.isEmpty)
    #expect(tokens.last.map { $0.end } ?? 0 <= bytes.count)
  }
}
