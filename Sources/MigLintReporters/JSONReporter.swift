import MigLintCore
import MigLintSyntax

/// The versioned JSON format documented in README ("JSON output").
struct JSONReporter: Sendable {
  static let formatVersion = 1

  package init() {}

  package func render(_ report: Report) -> String {
    let counts = report.counts
    let value: JSONValue = .object([
      ("version", .int(Self.formatVersion)),
      (
        "tool",
        .object([
          ("name", .string(Report.toolName)), ("version", .string(report.toolVersion)),
          ("pgVersion", .string(report.configuration.pgVersion.description)),
        ])
      ),
      (
        "summary",
        .object([
          ("files", .int(report.results.count)), ("errors", .int(counts[.error, default: 0])),
          ("warnings", .int(counts[.warning, default: 0])), ("infos", .int(counts[.info, default: 0])),
          ("unreadableFiles", .int(report.inputErrors.count)), ("exitCode", .int(Int(report.exitCode))),
        ])
      ),
      ("files", .array(report.results.map { .string($0.path) })),
      (
        "diagnostics",
        .array(report.results.flatMap { result in result.diagnostics.map { Self.diagnostic($0, result.source) } })
      ),
      (
        "errors",
        .array(report.inputErrors.map { .object([("path", .string($0.path)), ("message", .string($0.message))]) })
      ),
    ])
    return value.rendered() + "\n"
  }

  /// An LSP `Range`: 0-based lines, UTF-16 code units.
  static func lspRange(_ start: SourcePosition, _ end: SourcePosition) -> JSONValue {
    func position(_ position: SourcePosition) -> JSONValue {
      .object([("line", .int(position.line - 1)), ("character", .int(position.utf16Column - 1))])
    }
    return .object([("start", position(start)), ("end", position(end))])
  }

  static func diagnostic(_ diagnostic: Diagnostic, _ source: SourceFile?) -> JSONValue {
    let bom = diagnostic.start.fileOffset - diagnostic.range.start
    return .object([
      ("rule", .string(diagnostic.ruleID)),
      ("severity", .string(diagnostic.severity.rawValue)),
      ("message", .string(diagnostic.message)),
      ("help", diagnostic.help.map(JSONValue.string) ?? .null),
      ("path", .string(diagnostic.path)),
      ("line", .int(diagnostic.start.line)),
      ("column", .int(diagnostic.start.column)),
      ("endLine", .int(diagnostic.end.line)),
      ("endColumn", .int(diagnostic.end.column)),
      ("startOffset", .int(diagnostic.start.fileOffset)),
      ("endOffset", .int(diagnostic.end.fileOffset)),
      ("utf16Column", .int(diagnostic.start.utf16Column)),
      ("utf16EndColumn", .int(diagnostic.end.utf16Column)),
      ("range", lspRange(diagnostic.start, diagnostic.end)),
      (
        "lock",
        diagnostic.lock.map { lock in
          .object([
            ("mode", .string(lock.mode.name)), ("relation", .string(lock.relation.description)),
            ("blocks", .string(lock.mode.blocked)),
          ])
        } ?? .null
      ),
      (
        "fixes",
        .array(
          diagnostic.fixes.map { fix in
            .object([
              ("title", .string(fix.title)), ("safety", .string(fix.safety.rawValue)),
              (
                "edits",
                .array(
                  fix.edits.map { edit in
                    var members: [(String, JSONValue)] = [
                      ("startOffset", .int(edit.range.start + bom)), ("endOffset", .int(edit.range.end + bom)),
                    ]
                    if let source {
                      members.append(
                        ("range", lspRange(source.position(of: edit.range.start), source.position(of: edit.range.end))))
                    }
                    return .object(members + [("replacement", .string(edit.replacement))])
                  })
              ),
            ])
          })
      ),
    ])
  }
}
