import MigLintCore
import MigLintSyntax

/// The versioned JSON format documented in README ("JSON output").
struct JSONReporter: Sendable {
  static let formatVersion = 1

  package init() {}

  package func render(_ report: Report) -> String { ReportOutput.collecting { write(report, to: $0) } }

  package func write(_ report: Report, to output: ReportOutput) {
    let counts = report.counts
    var out = JSONStream(output: output)
    out.openObject()
    out.member("version", Self.formatVersion)
    out.key("tool")
    out.openObject()
    out.member("name", Report.toolName)
    out.member("version", report.toolVersion)
    out.member("pgVersion", report.configuration.pgVersion.description)
    out.closeObject()
    out.key("summary")
    out.openObject()
    out.member("files", report.results.count)
    out.member("errors", counts[.error, default: 0])
    out.member("warnings", counts[.warning, default: 0])
    out.member("infos", counts[.info, default: 0])
    out.member("unreadableFiles", report.inputErrors.count)
    out.member("exitCode", Int(report.exitCode))
    out.closeObject()
    out.key("directories")
    out.openArray()
    for directory in report.directories {
      out.element()
      out.openObject()
      out.member("path", directory.path)
      out.member("tool", directory.tool.rawValue)
      if let calls = directory.calls {
        out.member("analysedCalls", calls.analysed)
        out.member("unanalysableCalls", calls.unanalysable)
      }
      out.closeObject()
    }
    out.closeArray()
    out.key("files")
    out.openArray()
    for result in report.results {
      out.element()
      out.string(result.path)
    }
    out.closeArray()
    out.key("diagnostics")
    out.openArray()
    for result in report.results {
      for diagnostic in result.diagnostics { Self.write(diagnostic, result.source, into: &out) }
    }
    out.closeArray()
    out.key("errors")
    out.openArray()
    for error in report.inputErrors {
      out.element()
      out.openObject()
      out.member("path", error.path)
      out.member("message", error.message)
      out.closeObject()
    }
    out.closeArray()
    out.closeObject()
    out.endLine()
    out.finish()
  }

  /// An LSP `Range`: 0-based lines, UTF-16 code units.
  private static func writeRange(_ start: SourcePosition, _ end: SourcePosition, into out: inout JSONStream) {
    out.openObject()
    writePosition("start", start, into: &out)
    writePosition("end", end, into: &out)
    out.closeObject()
  }

  private static func writePosition(_ name: StaticString, _ position: SourcePosition, into out: inout JSONStream) {
    out.key(name)
    out.openObject()
    out.member("line", position.line - 1)
    out.member("character", position.utf16Column - 1)
    out.closeObject()
  }

  private static func write(_ diagnostic: Diagnostic, _ source: SourceFile?, into out: inout JSONStream) {
    let bom = diagnostic.start.fileOffset - diagnostic.range.start
    out.element()
    out.openObject()
    out.member("rule", diagnostic.ruleID)
    out.member("severity", diagnostic.severity.rawValue)
    out.member("message", diagnostic.message)
    out.member("help", diagnostic.help)
    out.member("path", diagnostic.path)
    out.member("line", diagnostic.start.line)
    out.member("column", diagnostic.start.column)
    out.member("endLine", diagnostic.end.line)
    out.member("endColumn", diagnostic.end.column)
    out.member("startOffset", diagnostic.start.fileOffset)
    out.member("endOffset", diagnostic.end.fileOffset)
    out.member("utf16Column", diagnostic.start.utf16Column)
    out.member("utf16EndColumn", diagnostic.end.utf16Column)
    out.key("range")
    writeRange(diagnostic.start, diagnostic.end, into: &out)
    out.key("lock")
    if let lock = diagnostic.lock {
      out.openObject()
      out.member("mode", lock.mode.name)
      out.member("relation", lock.relation.description)
      out.member("blocks", lock.mode.blocked)
      out.closeObject()
    } else {
      out.null()
    }
    out.key("fixes")
    out.openArray()
    for fix in diagnostic.fixes {
      out.element()
      out.openObject()
      out.member("title", fix.title)
      out.member("safety", fix.safety.rawValue)
      out.key("edits")
      out.openArray()
      for edit in fix.edits {
        out.element()
        out.openObject()
        out.member("startOffset", edit.range.start + bom)
        out.member("endOffset", edit.range.end + bom)
        if let source {
          out.key("range")
          writeRange(source.position(of: edit.range.start), source.position(of: edit.range.end), into: &out)
        }
        out.member("replacement", edit.replacement)
        out.closeObject()
      }
      out.closeArray()
      out.closeObject()
    }
    out.closeArray()
    out.closeObject()
  }
}
