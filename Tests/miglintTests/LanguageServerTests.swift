import Foundation
import MigLintTestSupport
import Testing

/// An editor's side of the protocol: starts `miglint lsp`, frames requests and notifications,
/// and collects what the server sends.
final class LSPClient: @unchecked Sendable {
  let process = Process()
  private let input = Pipe()
  private let output = Pipe()
  private let lock = NSLock()
  private var received: [[String: Any]] = []
  private var buffer = Data()
  private var nextID = 1
  let root: String

  init(root: String) throws {
    self.root = root
    process.executableURL = URL(fileURLWithPath: CLI.binary)
    process.arguments = ["lsp"]
    process.currentDirectoryURL = URL(fileURLWithPath: root)
    var environment = ProcessInfo.processInfo.environment
    environment["MIGLINT_CACHE_DIR"] = CLI.cacheDirectory
    // Every history goes through the replay cache, on disk and in the server's memory: an edit of
    // an earlier migration must still be seen.
    environment["MIGLINT_CACHE_MIN_MIGRATIONS"] = "1"
    process.environment = environment
    process.standardInput = input
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    output.fileHandleForReading.readabilityHandler = { [weak self] handle in self?.read(handle.availableData) }
    try process.run()
  }

  deinit {
    output.fileHandleForReading.readabilityHandler = nil
    if process.isRunning { process.terminate() }
  }

  private func read(_ data: Data) {
    lock.lock()
    defer { lock.unlock() }
    buffer.append(data)
    while let separator = buffer.range(of: Data("\r\n\r\n".utf8)) {
      let header = String(decoding: buffer[buffer.startIndex..<separator.lowerBound], as: UTF8.self)
      guard
        let length = header.split(separator: "\r\n").compactMap({ line -> Int? in
          let parts = line.split(separator: ":")
          return parts.count == 2 && parts[0].lowercased() == "content-length"
            ? Int(parts[1].trimmingCharacters(in: .whitespaces)) : nil
        }).first
      else { return }
      guard buffer.count - (separator.upperBound - buffer.startIndex) >= length else { return }
      let body = buffer[separator.upperBound..<separator.upperBound + length]
      if let message = try? JSONSerialization.jsonObject(with: body) as? [String: Any] { received.append(message) }
      buffer = Data(buffer[(separator.upperBound + length)...])
    }
  }

  func sendRaw(_ bytes: Data) { input.fileHandleForWriting.write(bytes) }

  func send(_ message: [String: Any]) throws {
    var message = message
    message["jsonrpc"] = "2.0"
    let body = try JSONSerialization.data(withJSONObject: message)
    sendRaw(Data("Content-Length: \(body.count)\r\n\r\n".utf8) + body)
  }

  func notify(_ method: String, _ params: [String: Any]) throws { try send(["method": method, "params": params]) }

  /// Sends a request and waits for its response.
  @discardableResult
  func request(_ method: String, _ params: [String: Any] = [:]) throws -> [String: Any] {
    let id = nextID
    nextID += 1
    try send(["id": id, "method": method, "params": params])
    return try wait { $0["id"] as? Int == id && $0["method"] == nil }
  }

  /// The first message received (and not yet taken) that `matches`, waiting up to 30 s.
  func wait(_ matches: ([String: Any]) -> Bool) throws -> [String: Any] {
    let deadline = Date().addingTimeInterval(30)
    while Date() < deadline {
      lock.lock()
      if let index = received.firstIndex(where: matches) {
        let message = received.remove(at: index)
        lock.unlock()
        return message
      }
      lock.unlock()
      Thread.sleep(forTimeInterval: 0.01)
    }
    throw LSPClient.Timeout()
  }

  /// The next diagnostics published for `uri` (at `version`, when given).
  func diagnostics(_ uri: String, version: Int? = nil) throws -> [[String: Any]] {
    let message = try wait { message in
      guard message["method"] as? String == "textDocument/publishDiagnostics",
        let params = message["params"] as? [String: Any], params["uri"] as? String == uri
      else { return false }
      return version == nil || params["version"] as? Int == version
    }
    return (message["params"] as? [String: Any])?["diagnostics"] as? [[String: Any]] ?? []
  }

  struct Timeout: Error, CustomStringConvertible {
    var description: String { "no matching message from the server within 30 s" }
  }

  func uri(_ relative: String) -> String { URL(fileURLWithPath: root + "/" + relative).absoluteString }

  func initialize() throws {
    let capabilities = ["workspace": ["didChangeWatchedFiles": ["dynamicRegistration": true]]]
    let response = try request(
      "initialize", ["processId": NSNull(), "rootUri": uri(""), "capabilities": capabilities])
    #expect((response["result"] as? [String: Any])?["capabilities"] != nil)
    try notify("initialized", [:])
  }

  func open(_ relative: String, version: Int = 1) throws {
    let text = try String(contentsOfFile: root + "/" + relative, encoding: .utf8)
    try notify(
      "textDocument/didOpen",
      ["textDocument": ["uri": uri(relative), "languageId": "sql", "version": version, "text": text]])
  }

  /// Applies the edits of a `WorkspaceEdit` (`documentChanges`) to `text`, as an editor does.
  static func apply(_ edit: [String: Any], to text: String) -> String {
    var lines = text.components(separatedBy: "\n")
    let changes = (edit["documentChanges"] as? [[String: Any]])?.first?["edits"] as? [[String: Any]] ?? []
    func offset(_ position: [String: Any], _ lines: [String]) -> Int {
      let line = position["line"] as? Int ?? 0
      let character = position["character"] as? Int ?? 0
      let before = lines.prefix(line).reduce(0) { $0 + $1.utf16.count + 1 }
      return before + character
    }
    var utf16 = Array(text.utf16)
    for change in changes.reversed() {
      let range = change["range"] as? [String: Any] ?? [:]
      let start = offset(range["start"] as? [String: Any] ?? [:], lines)
      let end = offset(range["end"] as? [String: Any] ?? [:], lines)
      utf16.replaceSubrange(
        min(start, utf16.count)..<min(end, utf16.count), with: Array((change["newText"] as? String ?? "").utf16))
      lines = String(decoding: utf16, as: UTF16.self).components(separatedBy: "\n")
    }
    return String(decoding: utf16, as: UTF16.self)
  }
}

private func codes(_ diagnostics: [[String: Any]]) -> [String] { diagnostics.compactMap { $0["code"] as? String } }

@Suite(.serialized) struct LanguageServerTests {
  func project() throws -> String {
    try TestLint.makeDirectory([
      "migrations/0001_users.sql":
        "CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE VIEW user_emails AS SELECT email FROM users;\n",
      "migrations/0002_index.sql": "SET lock_timeout = '2s';\nCREATE INDEX users_email ON users (email);\n",
    ])
  }

  func codeActions(_ client: LSPClient, _ uri: String, line: Int, only: [String]? = nil) throws -> [[String: Any]] {
    var context: [String: Any] = ["diagnostics": []]
    if let only { context["only"] = only }
    let response = try client.request(
      "textDocument/codeAction",
      [
        "textDocument": ["uri": uri],
        "range": ["start": ["line": line, "character": 0], "end": ["line": line, "character": 80]],
        "context": context,
      ])
    return response["result"] as? [[String: Any]] ?? []
  }

  func change(_ client: LSPClient, _ uri: String, version: Int, _ text: String) throws {
    try client.notify(
      "textDocument/didChange", ["textDocument": ["uri": uri, "version": version], "contentChanges": [["text": text]]])
  }

  @Test func anEditingSessionFromOpenToShutdown() throws {
    let client = try LSPClient(root: try project())
    try client.initialize()
    let uri = client.uri("migrations/0002_index.sql")
    try client.open("migrations/0002_index.sql")
    #expect(codes(try client.diagnostics(uri, version: 1)).contains("create-index-non-concurrently"))

    // An incremental change: a statement typed at the end. The view an earlier migration creates
    // reads the column.
    try client.notify(
      "textDocument/didChange",
      [
        "textDocument": ["uri": uri, "version": 2],
        "contentChanges": [
          [
            "range": ["start": ["line": 2, "character": 0], "end": ["line": 2, "character": 0]],
            "text": "ALTER TABLE users DROP COLUMN email;\n",
          ]
        ],
      ])
    let edited = try client.diagnostics(uri, version: 2)
    let referenced = try #require(edited.first { $0["code"] as? String == "drop-column-referenced" })
    #expect((referenced["range"] as? [String: Any]).flatMap { ($0["start"] as? [String: Any])?["line"] as? Int } == 2)
    #expect(referenced["source"] as? String == "miglint")
    // The view that reads the column, where an earlier migration creates it.
    let related = (referenced["relatedInformation"] as? [[String: Any]])?.first
    #expect(related?["message"] as? String == "view `user_emails`")
    let location = related?["location"] as? [String: Any]
    #expect((location?["uri"] as? String)?.hasSuffix("/migrations/0001_users.sql") == true)
    #expect(((location?["range"] as? [String: Any])?["start"] as? [String: Any])?["line"] as? Int == 1)
    #expect(
      ((referenced["codeDescription"] as? [String: Any])?["href"] as? String)?.hasSuffix(
        "rules/drop-column-referenced.md") == true)

    // The earlier migration is opened and changed, unsaved: the view is gone, and the later open
    // file is linted again with that text.
    let first = client.uri("migrations/0001_users.sql")
    try client.open("migrations/0001_users.sql")
    _ = try client.diagnostics(first, version: 1)
    #expect(codes(try client.diagnostics(uri, version: 2)).contains("drop-column-referenced"))
    try change(client, first, version: 2, "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n")
    _ = try client.diagnostics(first, version: 2)
    #expect(!codes(try client.diagnostics(uri, version: 2)).contains("drop-column-referenced"))

    // The quick fix for the index, applied as the editor applies it, removes the finding.
    var text =
      "SET lock_timeout = '2s';\nCREATE INDEX users_email ON users (email);\nALTER TABLE users DROP COLUMN email;\n"
    let actions = try codeActions(client, uri, line: 1)
    let concurrently = try #require(actions.first { $0["title"] as? String == "Add CONCURRENTLY" })
    #expect(concurrently["kind"] as? String == "quickfix")
    text = LSPClient.apply(concurrently["edit"] as? [String: Any] ?? [:], to: text)
    #expect(text.contains("CREATE INDEX CONCURRENTLY users_email"))
    try change(client, uri, version: 3, text)
    #expect(!codes(try client.diagnostics(uri, version: 3)).contains("create-index-non-concurrently"))

    // Suppressing the column drop for its statement silences it.
    let suppress = try codeActions(client, uri, line: 2, only: ["quickfix"])
    let forStatement = try #require(
      suppress.first { $0["title"] as? String == "Suppress drop-column for this statement" })
    text = LSPClient.apply(forStatement["edit"] as? [String: Any] ?? [:], to: text)
    #expect(text.contains("-- miglint-ignore drop-column -- why this is safe\nALTER TABLE users DROP COLUMN email;"))
    try change(client, uri, version: 4, text)
    #expect(!codes(try client.diagnostics(uri, version: 4)).contains("drop-column"))

    // Hover on the index names its lock without a finding; on the drop, its lock and finding.
    let hover = try client.request(
      "textDocument/hover", ["textDocument": ["uri": uri], "position": ["line": 1, "character": 4]])
    let value = ((hover["result"] as? [String: Any])?["contents"] as? [String: Any])?["value"] as? String ?? ""
    #expect(value.contains("SHARE UPDATE EXCLUSIVE") && value.contains("`users`"), "\(value)")

    // The server asked to hear of configuration and migration files changing on disk.
    let registration = try client.wait { $0["method"] as? String == "client/registerCapability" }
    #expect("\(registration)".contains("**/miglint.toml"))

    // A configuration change re-lints the open files.
    try "ignore = [\"non-idempotent-statement\"]\nselect = [\"all\"]\n".write(
      toFile: client.root + "/miglint.toml", atomically: true, encoding: .utf8)
    try client.notify(
      "workspace/didChangeWatchedFiles", ["changes": [["uri": client.uri("miglint.toml"), "type": 1]]])
    let reconfigured = try client.diagnostics(uri)
    #expect(
      codes(reconfigured).contains("unqualified-table") && !codes(reconfigured).contains("non-idempotent-statement"))

    try client.notify("textDocument/didClose", ["textDocument": ["uri": uri]])
    #expect(try client.diagnostics(uri).isEmpty)
    #expect(try client.request("shutdown")["error"] == nil)
    try client.notify("exit", [:])
    client.process.waitUntilExit()
    #expect(client.process.terminationStatus == 0)
  }

  /// The model kept between edits is of the history as it was: an earlier migration edited on
  /// disk (a checkout) is replayed again.
  @Test func anEarlierMigrationChangedOnDiskIsSeen() throws {
    let client = try LSPClient(root: try project())
    try client.initialize()
    let uri = client.uri("migrations/0002_index.sql")
    let text = "SET lock_timeout = '2s';\nALTER TABLE users DROP COLUMN email;\n"
    try client.notify(
      "textDocument/didOpen", ["textDocument": ["uri": uri, "languageId": "sql", "version": 1, "text": text]])
    #expect(codes(try client.diagnostics(uri, version: 1)).contains("drop-column-referenced"))
    try change(client, uri, version: 2, text + "-- typing\n")
    #expect(codes(try client.diagnostics(uri, version: 2)).contains("drop-column-referenced"))
    try "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n".write(
      toFile: client.root + "/migrations/0001_users.sql", atomically: true, encoding: .utf8)
    try client.notify(
      "workspace/didChangeWatchedFiles", ["changes": [["uri": client.uri("migrations/0001_users.sql"), "type": 2]]])
    #expect(!codes(try client.diagnostics(uri, version: 2)).contains("drop-column-referenced"))
  }

  @Test func anORMMigrationGetsDiagnosticsAtItsCalls() throws {
    let root = try TestLint.makeDirectory([
      "migrations/20240101000000_users.js":
        "exports.up = (knex) => knex.schema.createTable('users', (t) => { t.bigIncrements('id'); t.text('email'); });\n",
      "src/app.js": "const knex = require('knex');\n",
    ])
    let client = try LSPClient(root: root)
    try client.initialize()
    let uri = client.uri("migrations/20240102000000_email.js")
    let text =
      "exports.up = async (knex) => {\n  await knex.schema.alterTable('users', (t) => {\n    t.dropColumn('email');\n  });\n};\n"
    try client.notify(
      "textDocument/didOpen", ["textDocument": ["uri": uri, "languageId": "javascript", "version": 1, "text": text]])
    let diagnostics = try client.diagnostics(uri, version: 1)
    #expect(codes(diagnostics).contains("drop-column"))
    let range = diagnostics.first { $0["code"] as? String == "drop-column" }?["range"] as? [String: Any]
    #expect((range?["start"] as? [String: Any])?["line"] as? Int == 2)
    // A JavaScript file that is no migration gets no diagnostics, and no error.
    let app = client.uri("src/app.js")
    try client.notify(
      "textDocument/didOpen",
      [
        "textDocument": [
          "uri": app, "languageId": "javascript", "version": 1, "text": "const knex = require('knex');\n",
        ]
      ])
    #expect(try client.diagnostics(app, version: 1).isEmpty)
  }

  @Test func fixAllAppliesEverySafeFixOfTheFile() throws {
    let original = "CREATE TABLE accounts (id bigint PRIMARY KEY);\nALTER TABLE orders ADD COLUMN note text;\n"
    let directory = try TestLint.makeDirectory(["migrations/0001_a.sql": original])
    let client = try LSPClient(root: directory)
    try client.initialize()
    let uri = client.uri("migrations/0001_a.sql")
    try client.open("migrations/0001_a.sql")
    #expect(codes(try client.diagnostics(uri, version: 1)).contains("missing-lock-timeout"))
    let actions = try codeActions(client, uri, line: 0, only: ["source.fixAll"])
    #expect(actions.count == 1 && actions.first?["kind"] as? String == "source.fixAll.miglint")
    let fixed = LSPClient.apply(actions.first?["edit"] as? [String: Any] ?? [:], to: original)
    #expect(
      fixed
        == "CREATE TABLE IF NOT EXISTS accounts (id bigint PRIMARY KEY);\nSET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN IF NOT EXISTS note text;\n",
      "\(fixed)")
  }

  @Test func badMessagesGetErrorsAndTheServerGoesOn() throws {
    let client = try LSPClient(root: try project())
    // Before `initialize`.
    let early = try client.request("textDocument/hover", ["textDocument": ["uri": "file:///x.sql"]])
    #expect((early["error"] as? [String: Any])?["code"] as? Int == -32002)
    try client.initialize()
    client.sendRaw(Data("Content-Length: 9\r\n\r\n{\"id\": 1,".utf8))
    let parse = try client.wait { ($0["error"] as? [String: Any])?["code"] as? Int == -32700 }
    #expect(parse["id"] is NSNull)
    client.sendRaw(Data("X-Nothing: 1\r\n\r\n".utf8))
    _ = try client.wait { ($0["error"] as? [String: Any])?["code"] as? Int == -32700 }
    #expect((try client.request("no/such/method")["error"] as? [String: Any])?["code"] as? Int == -32601)
    #expect((try client.request("textDocument/codeAction", [:])["error"] as? [String: Any])?["code"] as? Int == -32602)
    // Documents the server does not know, or that are not migrations, have empty answers.
    let unknown = try client.request(
      "textDocument/hover", ["textDocument": ["uri": client.uri("nope.sql")], "position": ["line": 0, "character": 0]])
    #expect(unknown["result"] is NSNull)
    try "const x = 1;\n".write(toFile: client.root + "/notes.js", atomically: true, encoding: .utf8)
    try client.open("notes.js")
    #expect(try client.diagnostics(client.uri("notes.js")).isEmpty)
    let actions = try client.request(
      "textDocument/codeAction",
      [
        "textDocument": ["uri": client.uri("notes.js")],
        "range": ["start": ["line": 0, "character": 0], "end": ["line": 0, "character": 0]],
      ])
    #expect((actions["result"] as? [Any])?.isEmpty == true)
    // Still serving.
    #expect(try client.request("shutdown")["error"] == nil)
  }

  /// Mutated messages (bytes flipped, cut, spliced) never stop the server: afterwards it still
  /// answers, and every document it was sent is still served.
  @Test func mutatedMessagesNeverStopTheServer() throws {
    let client = try LSPClient(root: try project())
    try client.initialize()
    let uri = client.uri("migrations/0002_index.sql")
    let samples: [[String: Any]] = [
      [
        "method": "textDocument/didOpen",
        "params": ["textDocument": ["uri": uri, "languageId": "sql", "version": 1, "text": "DROP TABLE t;\n"]],
      ],
      [
        "method": "textDocument/didChange",
        "params": [
          "textDocument": ["uri": uri, "version": 2],
          "contentChanges": [
            ["range": ["start": ["line": 0, "character": 3], "end": ["line": 9, "character": -4]], "text": "é🚀"]
          ],
        ],
      ],
      [
        "id": 99, "method": "textDocument/codeAction",
        "params": [
          "textDocument": ["uri": uri],
          "range": ["start": ["line": 0, "character": 0], "end": ["line": 0, "character": 99]],
        ],
      ],
      ["id": 98, "method": "textDocument/hover", "params": ["textDocument": ["uri": uri], "position": ["line": 0]]],
    ]
    let messages = try samples.map { Array(try JSONSerialization.data(withJSONObject: $0)) }
    var random = Mutator.Random(state: UInt64(Mutator.seed))
    for _ in 0..<min(Mutator.iterations, 300) {
      let body = Mutator.mutate(random.pick(messages), others: messages, &random)
      client.sendRaw(Data("Content-Length: \(body.count)\r\n\r\n".utf8) + Data(body))
    }
    // The stream is still in step: a request gets its answer.
    #expect(client.process.isRunning)
    #expect(try client.request("shutdown")["error"] == nil)
  }

  @Test func theServerExitsWhenTheEditorCloses() throws {
    let client = try LSPClient(root: try project())
    try client.initialize()
    try client.process.standardInput.map { ($0 as? Pipe)?.fileHandleForWriting.closeFile() }
    let deadline = Date().addingTimeInterval(10)
    while client.process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    #expect(!client.process.isRunning)
    #expect(client.process.terminationStatus == 1)
  }
}
