import MigLintCore
import MigLintReporters
import MigLintRules
import MigLintSyntax
import MigLintWorkspace

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `miglint lsp`: the Language Server Protocol (3.17) over standard input and output.
///
/// One thread reads framed messages; this one answers them in order, lints open documents (after
/// a short pause while the user types) and publishes diagnostics. Documents are linted as the
/// command line lints them, with their migrations directory's layout, history, deploy record,
/// replay cache and the project's configuration; the editor's text is linted, never the disk copy,
/// and the other open files of the directory are linted along (an earlier migration's change
/// moves what the later ones see).
package final class LanguageServer {
  /// JSON-RPC error codes.
  enum ErrorCode: Int {
    case parseError = -32700
    case invalidRequest = -32600
    case methodNotFound = -32601
    case invalidParams = -32602
    case internalError = -32603
    case serverNotInitialized = -32002
  }

  /// A request that cannot be answered, with its error code.
  struct Failure: Error {
    var code: ErrorCode
    var message: String
  }

  /// How long typing pauses before a changed document is linted.
  static let debounce = 0.15

  private let output: Int32
  private let toolVersion: String
  private let inbox = Inbox()
  private let registry = BuiltinRules.registry
  private var workspace: Workspace?
  private var linter: Linter
  private var documents: [String: Document] = [:]
  /// The last lint of each open document: the version it was made of and its result.
  private var results: [String: (version: Int, result: FileResult)] = [:]
  /// Documents waiting to be linted, and when.
  private var pending: [String: Double] = [:]
  /// When each document was last linted.
  private var linted: [String: Double] = [:]
  private var initialized = false
  /// The client registers file watchers on request (`client/registerCapability`).
  private var canWatchFiles = false
  private var shuttingDown = false
  private var nextRequestID = 1
  /// The schema model before each directory's first open file, kept between edits.
  private let memory = ReplayCache.Memory()

  package init(output: Int32 = 1, toolVersion: String) {
    self.output = output
    self.toolVersion = toolVersion
    linter = Linter(registry: registry, configuration: Configuration())
  }

  /// Serves until `exit` or the end of `input`; returns the process's exit code (0 after a
  /// `shutdown`, else 1, as the protocol asks).
  package func run(input: Int32 = 0) -> Int32 {
    inbox.startReading(input)
    while true {
      guard let item = inbox.take(until: pending.values.min()) else {
        lintPending()
        continue
      }
      switch item {
      case .end:
        return shuttingDown ? 0 : 1
      case .badHeader(let why):
        respond(id: .null, error: Failure(code: .parseError, message: why))
      case .message(let bytes):
        if let code = handle(bytes) { return code }
      }
    }
  }

  // MARK: - Messages

  /// Handles one message; returns an exit code when the message is `exit`.
  private func handle(_ bytes: [UInt8]) -> Int32? {
    guard let message = JSON.parse(bytes), case .object = message else {
      respond(id: .null, error: Failure(code: .parseError, message: "the message is not a JSON object"))
      return nil
    }
    let id = message["id"]
    guard let method = message["method"]?.string else {
      // A response to one of our requests (`workspace/applyEdit`), or nonsense.
      if id != nil, message["result"] != nil || message["error"] != nil { return nil }
      respond(id: id ?? .null, error: Failure(code: .invalidRequest, message: "a message needs a method"))
      return nil
    }
    let params = message["params"] ?? .null
    if method == "exit" { return shuttingDown ? 0 : 1 }
    guard let id else {
      notification(method, params)
      return nil
    }
    do {
      guard initialized || method == "initialize" else {
        throw Failure(code: .serverNotInitialized, message: "`initialize` must come first")
      }
      guard !shuttingDown else { throw Failure(code: .invalidRequest, message: "the server is shutting down") }
      respond(id: id, result: try request(method, params))
    } catch let failure as Failure {
      respond(id: id, error: failure)
    } catch {
      respond(id: id, error: Failure(code: .internalError, message: "\(error)"))
    }
    return nil
  }

  private func request(_ method: String, _ params: JSON) throws -> JSONValue {
    switch method {
    case "initialize": return initialize(params)
    case "shutdown":
      shuttingDown = true
      return .null
    case "textDocument/codeAction": return try codeActions(params)
    case "textDocument/hover": return try hover(params)
    case "workspace/executeCommand": return try executeCommand(params)
    default: throw Failure(code: .methodNotFound, message: "`\(method)` is not supported")
    }
  }

  private func notification(_ method: String, _ params: JSON) {
    guard initialized else { return }
    switch method {
    case "textDocument/didOpen":
      guard let item = params["textDocument"], let uri = item["uri"]?.string, let text = item["text"]?.string else {
        return
      }
      documents[uri] = Document(uri: uri, version: item["version"]?.int ?? 0, text: text)
      lint([uri])
    case "textDocument/didChange":
      guard let uri = params["textDocument"]?["uri"]?.string, var document = documents[uri] else { return }
      for change in params["contentChanges"]?.array ?? [] { document.apply(change) }
      document.version = params["textDocument"]?["version"]?.int ?? document.version + 1
      documents[uri] = document
      // The first change after a pause is linted at once; the ones that follow while typing
      // go on wait until typing pauses.
      let now = Inbox.now()
      let idle = pending[uri] == nil && now - (linted[uri] ?? 0) > Self.debounce
      pending[uri] = idle ? now : now + Self.debounce
    case "textDocument/didSave":
      guard let uri = params["textDocument"]?["uri"]?.string, documents[uri] != nil else { return }
      lint([uri])
    case "textDocument/didClose":
      guard let uri = params["textDocument"]?["uri"]?.string else { return }
      documents[uri] = nil
      results[uri] = nil
      pending[uri] = nil
      linted[uri] = nil
      publish(uri, version: nil, [])
    case "workspace/didChangeConfiguration", "workspace/didChangeWatchedFiles":
      // `miglint.toml` or `miglint.sum` may have changed: every open document may read differently.
      loadConfiguration()
      lint(Set(documents.keys))
    case "initialized":
      watchFiles()
    default:
      break  // `$/cancelRequest` (requests are answered at once), others
    }
  }

  // MARK: - Lifecycle

  private func initialize(_ params: JSON) -> JSONValue {
    // The workspace's folder decides the configuration file and relative paths, as the working
    // directory does for the command line.
    let root = params["workspaceFolders"]?.array?.first?["uri"]?.string ?? params["rootUri"]?.string
    if let path = root.flatMap(FileURI.path) ?? params["rootPath"]?.string, FileSystem.kind(path) == .directory {
      chdir(path)
    }
    initialized = true
    canWatchFiles =
      params["capabilities"]?["workspace"]?["didChangeWatchedFiles"]?["dynamicRegistration"]?.bool ?? false
    loadConfiguration()
    let capabilities: JSONValue = .object([
      ("positionEncoding", .string("utf-16")),
      (
        "textDocumentSync",
        .object([
          ("openClose", .bool(true)), ("change", .int(2)), ("save", .object([("includeText", .bool(false))])),
        ])
      ),
      (
        "codeActionProvider",
        .object([("codeActionKinds", .array([.string("quickfix"), .string(Self.fixAllKind)]))])
      ),
      ("hoverProvider", .bool(true)),
      ("executeCommandProvider", .object([("commands", .array([.string(Self.fixAllCommand)]))])),
    ])
    return .object([
      ("capabilities", capabilities),
      ("serverInfo", .object([("name", .string("miglint")), ("version", .string(toolVersion))])),
    ])
  }

  /// Asks the client to report changes of the configuration, the deploy records and migrations on
  /// disk (a checkout changes what the open files' history holds).
  private func watchFiles() {
    guard canWatchFiles else { return }
    let patterns = ["**/miglint.toml", "**/.miglint.toml", "**/miglint.sum", "**/*.sql"]
    let registration: JSONValue = .object([
      ("id", .string("miglint-files")), ("method", .string("workspace/didChangeWatchedFiles")),
      (
        "registerOptions",
        .object([("watchers", .array(patterns.map { .object([("globPattern", .string($0))]) }))])
      ),
    ])
    sendRequest("client/registerCapability", .object([("registrations", .array([registration]))]))
  }

  /// Reads the configuration again; a broken one is shown, and the defaults lint meanwhile.
  private func loadConfiguration() {
    do {
      let workspace = try Workspace(Workspace.Overrides(), registry: registry)
      self.workspace = workspace
      linter = Linter(registry: registry, configuration: workspace.configuration)
    } catch {
      workspace = nil
      linter = Linter(registry: registry, configuration: Configuration())
      notify("window/showMessage", .object([("type", .int(1)), ("message", .string("miglint: \(error.description)"))]))
    }
  }

  // MARK: - Linting

  private func lintPending() {
    let now = Inbox.now()
    let due = Set(pending.filter { $0.value <= now }.keys)
    guard !due.isEmpty else { return }
    for uri in due { pending[uri] = nil }
    lint(due)
  }

  /// Lints `uris` with the other open documents of their migrations directories, and publishes.
  private func lint(_ uris: Set<String>) {
    var groups: [String: [Document]] = [:]
    var alone: [Document] = []
    for uri in uris {
      guard let document = documents[uri], Self.isLinted(document) else {
        if documents[uri] != nil { publish(uri, version: documents[uri]?.version, []) }
        continue
      }
      guard let path = document.path, FileSystem.kind(FileSystem.parent(of: path)) == .directory else {
        // An ORM migration is read as part of its directory only.
        if Self.isSQL(document) { alone.append(document) } else { publish(uri, version: document.version, []) }
        continue
      }
      groups[Layouts.root(of: path), default: []].append(document)
    }
    for root in groups.keys.sorted() {
      // Every open document of the directory: its text is what the others are linted after.
      let members = openDocuments(under: root)
      let lintResults: [FileResult]
      do {
        lintResults = try lintDirectory(members, override: nil)
      } catch {
        for document in members {
          publish(document.uri, version: document.version, [], inputError: error.description)
        }
        continue
      }
      store(lintResults, members)
    }
    if !alone.isEmpty {
      let inputs = alone.map { Input.standardInput(name: $0.path ?? $0.uri, bytes: $0.bytes) }
      store(Runner.lint(inputs, linter: linter, jobs: linter.configuration.jobs), alone)
    }
  }

  /// The open migrations (SQL, or ORM migrations) of the migrations directory `root`.
  private func openDocuments(under root: String) -> [Document] {
    documents.values.filter { document in
      guard Self.isLinted(document), let path = document.path else { return false }
      return Layouts.root(of: path) == root
    }
  }

  /// Lints the documents of one migrations directory (with `override` as one document's text).
  private func lintDirectory(_ members: [Document], override: (path: String, bytes: [UInt8])?) throws(WorkspaceError)
    -> [FileResult]
  {
    var replacements: [String: [UInt8]] = [:]
    for document in members { if let path = document.path { replacements[path] = document.bytes } }
    if let override { replacements[override.path] = override.bytes }
    let project = workspace?.project() ?? Project()
    let listings = try project.list([], replacements: replacements)
    var cache = ReplayCache.standard { name in getenv(name).map { String(cString: $0) } }
    cache?.memory = memory
    return try Runner.lint(listings, project: project, linter: linter, jobs: linter.configuration.jobs, cache: cache)
  }

  private func store(_ lintResults: [FileResult], _ documents: [Document]) {
    let byPath = Dictionary(lintResults.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
    for document in documents {
      guard let result = byPath[document.path ?? document.uri] else {
        // A JavaScript file that is not a migration of its directory has nothing to say.
        if !Self.isSQL(document) { publish(document.uri, version: document.version, []) }
        continue
      }
      results[document.uri] = (document.version, result)
      linted[document.uri] = Inbox.now()
      publish(document.uri, version: document.version, result.diagnostics, inputError: result.inputError)
    }
  }

  /// Hover and code actions read the document as SQL: SQL documents only.
  private static func isSQL(_ document: Document) -> Bool {
    Layouts.isSQL(document.path ?? document.uri)
  }

  /// Documents that get diagnostics: SQL, and the JavaScript/TypeScript files of ORM migrations.
  private static func isLinted(_ document: Document) -> Bool {
    isSQL(document) || Layouts.isScript(document.path ?? document.uri)
  }

  /// The current lint of `uri`, made now if the text changed since the last one.
  private func current(_ uri: String) -> (Document, FileResult)? {
    guard let document = documents[uri], Self.isSQL(document) else { return nil }
    if results[uri]?.version != document.version || pending[uri] != nil {
      pending[uri] = nil
      lint([uri])
    }
    guard let stored = results[uri], stored.version == document.version else { return nil }
    return (document, stored.result)
  }

  // MARK: - Diagnostics

  private func publish(_ uri: String, version: Int?, _ diagnostics: [Diagnostic], inputError: String? = nil) {
    var items = diagnostics.map { diagnostic(uri, $0) }
    if let inputError {
      items.append(
        .object([
          ("range", Self.range((0, 0), (0, 0))), ("severity", .int(1)), ("source", .string("miglint")),
          ("message", .string(inputError)),
        ]))
    }
    var params: [(String, JSONValue)] = [("uri", .string(uri))]
    if let version { params.append(("version", .int(version))) }
    params.append(("diagnostics", .array(items)))
    notify("textDocument/publishDiagnostics", .object(params))
  }

  private func diagnostic(_ uri: String, _ diagnostic: Diagnostic) -> JSONValue {
    let severity =
      switch diagnostic.severity {
      case .error: 1
      case .warning: 2
      case .info: 3
      }
    var message = diagnostic.message
    if let help = diagnostic.help { message += "\n" + help }
    var members: [(String, JSONValue)] = [
      ("range", Self.range(diagnostic)), ("severity", .int(severity)), ("code", .string(diagnostic.ruleID)),
      ("codeDescription", .object([("href", .string(RuleDocumentation.url(for: diagnostic.ruleID)))])),
      ("source", .string("miglint")), ("message", .string(message)),
    ]
    if !diagnostic.related.isEmpty {
      let here = FileSystem.currentDirectory()
      members.append(
        (
          "relatedInformation",
          .array(
            diagnostic.related.map { related in
              .object([
                (
                  "location",
                  .object([
                    ("uri", .string(FileURI.uri(FileSystem.absolute(related.path, from: here)))),
                    ("range", Self.range((related.line - 1, 0), (related.line - 1, 0))),
                  ])
                ),
                ("message", .string(related.message)),
              ])
            })
        ))
    }
    return .object(members)
  }

  private static func range(_ diagnostic: Diagnostic) -> JSONValue {
    range(
      (diagnostic.start.line - 1, diagnostic.start.utf16Column - 1),
      (diagnostic.end.line - 1, diagnostic.end.utf16Column - 1))
  }

  static func range(_ start: (line: Int, character: Int), _ end: (line: Int, character: Int)) -> JSONValue {
    .object([
      ("start", .object([("line", .int(start.line)), ("character", .int(start.character))])),
      ("end", .object([("line", .int(end.line)), ("character", .int(end.character))])),
    ])
  }

  // MARK: - Code actions

  static let fixAllKind = "source.fixAll.miglint"
  static let fixAllCommand = "miglint.fixAll"

  private func codeActions(_ params: JSON) throws -> JSONValue {
    guard let uri = params["textDocument"]?["uri"]?.string else {
      throw Failure(code: .invalidParams, message: "`textDocument.uri` is missing")
    }
    guard let (document, result) = current(uri) else { return .array([]) }
    let only = params["context"]?["only"]?.array?.compactMap(\.string)
    func wanted(_ kind: String) -> Bool { only.map { $0.contains { kind.hasPrefix($0) } } ?? true }
    let start = document.offset(params["range"]?["start"]) ?? 0
    let end = document.offset(params["range"]?["end"]) ?? start
    let touched = result.diagnostics.filter { $0.range.start <= end && start <= $0.range.end }
    var actions: [JSONValue] = []
    if wanted("quickfix") {
      for diagnostic in touched {
        for fix in diagnostic.fixes {
          actions.append(
            .object([
              ("title", .string(fix.title)), ("kind", .string("quickfix")),
              ("diagnostics", .array([self.diagnostic(uri, diagnostic)])),
              ("isPreferred", .bool(fix.safety == .safe)),
              ("edit", edit(document, fix.edits.map { ($0.range, $0.replacement) })),
            ]))
        }
      }
      // One parse finds the statement of each finding.
      let source = try? SourceFile(path: document.path ?? "untitled.sql", data: document.bytes)
      let statements = source.map { Parser.parse($0).statements } ?? []
      var seen = Set<String>()
      for diagnostic in touched where seen.insert(diagnostic.ruleID).inserted {
        actions += suppressions(document, diagnostic, statements, bom: source?.bomLength ?? 0)
      }
    }
    if wanted(Self.fixAllKind), result.diagnostics.contains(where: { $0.fixes.contains { $0.safety == .safe } }),
      let fixed = fixAll(document)
    {
      actions.append(
        .object([
          ("title", .string("Fix all safe miglint problems in this file")), ("kind", .string(Self.fixAllKind)),
          ("edit", fixed),
        ]))
    }
    return .array(actions)
  }

  /// "Suppress for this statement" and "for this file", each a comment with a reason to fill in.
  private func suppressions(
    _ document: Document, _ diagnostic: Diagnostic, _ statements: [Statement], bom: Int
  ) -> [JSONValue] {
    let reason = "why this is safe"
    var actions: [JSONValue] = []
    if let statement = statements.first(where: {
      $0.range.start <= diagnostic.range.start && diagnostic.range.start <= $0.range.end
    }) {
      let lineStart = document.position(of: statement.range.start + bom).line
      let startOffset = document.lineStarts[lineStart]
      let indent = String(decoding: document.bytes[startOffset...].prefix { $0 == 0x20 || $0 == 0x09 }, as: UTF8.self)
      actions.append(
        .object([
          ("title", .string("Suppress \(diagnostic.ruleID) for this statement")), ("kind", .string("quickfix")),
          (
            "edit",
            edit(
              document,
              [
                (
                  SourceRange(start: startOffset - bom, end: startOffset - bom),
                  "\(indent)-- miglint-ignore \(diagnostic.ruleID) -- \(reason)\n"
                )
              ], bom: bom)
          ),
        ]))
    }
    actions.append(
      .object([
        ("title", .string("Suppress \(diagnostic.ruleID) for this file")), ("kind", .string("quickfix")),
        (
          "edit",
          edit(
            document, [(SourceRange(start: 0, end: 0), "-- miglint-ignore-file \(diagnostic.ruleID) -- \(reason)\n")],
            bom: TextBytes.bomLength(document.bytes))
        ),
      ]))
    return actions
  }

  /// A `WorkspaceEdit` for `document` at its current version; ranges are offsets of the text
  /// after a byte-order mark, as diagnostics give them.
  private func edit(_ document: Document, _ edits: [(SourceRange, String)], bom: Int? = nil) -> JSONValue {
    let bom = bom ?? TextBytes.bomLength(document.bytes)
    let textEdits: [JSONValue] = edits.map { range, text in
      .object([
        ("range", Self.range(document.position(of: range.start + bom), document.position(of: range.end + bom))),
        ("newText", .string(text)),
      ])
    }
    return .object([
      (
        "documentChanges",
        .array([
          .object([
            (
              "textDocument",
              .object([("uri", .string(document.uri)), ("version", .int(document.version))])
            ),
            ("edits", .array(textEdits)),
          ])
        ])
      )
    ])
  }

  /// The whole document with every safe fix applied (as `--fix` does), as one edit; nil when
  /// nothing changes.
  private func fixAll(_ document: Document) -> JSONValue? {
    let name = document.path ?? document.uri
    let members = document.path.map { openDocuments(under: Layouts.root(of: $0)) } ?? []
    let outcome = Fixer.run(allowing: .safe) { (replacements: [String: [UInt8]]) -> [FileResult] in
      let bytes = replacements[name] ?? document.bytes
      if document.path != nil, let results = try? lintDirectory(members, override: (name, bytes)) {
        return results.filter { $0.path == name }
      }
      return Runner.lint([.standardInput(name: name, bytes: bytes)], linter: linter, jobs: 1)
    }
    guard let change = outcome.changes.first(where: { $0.path == name }) else { return nil }
    // The whole text, byte-order mark included (the fixed text keeps it).
    let bom = TextBytes.bomLength(document.bytes)
    let whole = SourceRange(start: -bom, end: document.bytes.count - bom)
    return edit(document, [(whole, String(decoding: change.fixed, as: UTF8.self))], bom: bom)
  }

  private func executeCommand(_ params: JSON) throws -> JSONValue {
    guard params["command"]?.string == Self.fixAllCommand else {
      throw Failure(code: .invalidParams, message: "unknown command `\(params["command"]?.string ?? "")`")
    }
    guard let uri = params["arguments"]?.array?.first?.string ?? params["arguments"]?.array?.first?["uri"]?.string,
      let document = documents[uri], let edit = fixAll(document)
    else { return .null }
    sendRequest(
      "workspace/applyEdit", .object([("label", .string("miglint: fix all safe problems")), ("edit", edit)]))
    return .null
  }

  // MARK: - Hover

  /// Rules whose finding means the statement rewrites its table.
  private static let rewriteRules: Set<String> = [
    "full-table-rewrite", "alter-column-type", "add-column-volatile-default", "add-column-generated-stored",
    "add-column-serial",
  ]

  private func hover(_ params: JSON) throws -> JSONValue {
    guard let uri = params["textDocument"]?["uri"]?.string else {
      throw Failure(code: .invalidParams, message: "`textDocument.uri` is missing")
    }
    guard let (document, result) = current(uri), let offset = document.offset(params["position"]),
      let source = try? SourceFile(path: document.path ?? "untitled.sql", data: document.bytes)
    else { return .null }
    let position = offset - source.bomLength
    let parsed = Parser.parse(source)
    guard
      let statement = parsed.statements.first(where: { $0.range.start <= position && position <= $0.range.end })
    else { return .null }
    let findings = result.diagnostics.filter {
      statement.range.start <= $0.range.start && $0.range.start <= statement.range.end
    }
    var lines: [String] = []
    let locks =
      findings.compactMap(\.lock).isEmpty
      ? LockModel.acquisitions(of: statement, catalog: Catalog(), pgVersion: linter.configuration.pgVersion)
      : Array(Set(findings.compactMap(\.lock)))
    let what =
      "`" + parsed.text(statement.range).split(whereSeparator: \.isWhitespace).prefix(3).joined(separator: " ") + "`"
    if locks.isEmpty {
      lines.append("\(what) takes no lock on a table miglint tracks.")
    }
    for lock in locks.sorted(by: { $0.mode > $1.mode }) {
      lines.append(
        "\(what) takes **\(lock.mode.name)** on `\(lock.relation)`: \(lock.mode.blockedDescription) until its transaction ends."
      )
    }
    if let rewrite = findings.first(where: { Self.rewriteRules.contains($0.ruleID) }) {
      lines.append("It rewrites the table: \(rewrite.message).")
    }
    for finding in findings {
      let summary = registry.description(for: finding.ruleID)?.summary ?? ""
      lines.append(
        "- **\(finding.severity.rawValue)** [`\(finding.ruleID)`](\(RuleDocumentation.url(for: finding.ruleID))): \(finding.message). \(summary)."
      )
    }
    let start = document.position(of: statement.range.start + source.bomLength)
    let end = document.position(of: statement.range.end + source.bomLength)
    return .object([
      ("contents", .object([("kind", .string("markdown")), ("value", .string(lines.joined(separator: "\n\n")))])),
      ("range", Self.range(start, end)),
    ])
  }

  // MARK: - Output

  private func respond(id: JSON, result: JSONValue) {
    send(.object([("jsonrpc", .string("2.0")), ("id", id.written), ("result", result)]))
  }

  private func respond(id: JSON, error: Failure) {
    send(
      .object([
        ("jsonrpc", .string("2.0")), ("id", id.written),
        ("error", .object([("code", .int(error.code.rawValue)), ("message", .string(error.message))])),
      ]))
  }

  private func notify(_ method: String, _ params: JSONValue) {
    send(.object([("jsonrpc", .string("2.0")), ("method", .string(method)), ("params", params)]))
  }

  /// A request to the client; its response is not waited for.
  private func sendRequest(_ method: String, _ params: JSONValue) {
    send(
      .object([
        ("jsonrpc", .string("2.0")), ("id", .int(nextRequestID)), ("method", .string(method)), ("params", params),
      ]))
    nextRequestID += 1
  }

  private func send(_ message: JSONValue) { writeFrame(message.rendered(indent: 0), to: output) }
}
