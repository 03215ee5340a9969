import MigLintServer

/// `miglint lsp`: the language server for editors, on standard input and output.
struct Lsp: Command {
  static let name = "lsp"
  static let abstract = "Run the language server (LSP 3.17 over standard input and output) for editors."
  static let discussion: String? = """
    The editor starts it in the project's folder (or sends the folder with `initialize`). It \
    lints .sql files as `miglint` does, with their history and the project's miglint.toml, on \
    the editor's unsaved text; offers each fix, a fix-all action and suppression comments; and \
    shows on hover the locks a statement takes.
    """
  /// Standard input and output is the only transport; clients that name it (vscode-languageclient
  /// adds `--stdio` to a command run over stdio) are accepted.
  static let options: [Option<Lsp>] = [
    .flag("stdio", \.stdio, help: "Use standard input and output (the default and only transport).")
  ]

  var stdio = false

  func run() throws {
    throw ExitCode(LanguageServer(toolVersion: toolVersion).run())
  }
}
