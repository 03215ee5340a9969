import MigLintCore
import MigLintSyntax

/// SARIF 2.1.0 for code-scanning tools; validated against the OASIS schema in tests and CI.
package struct SARIFReporter: Sendable {
  static let schemaURI = "https://json.schemastore.org/sarif-2.1.0.json"
  static let informationURI = "https://github.com/miglint/miglint"

  /// Threads that render files' results (`--jobs`).
  package var jobs: Int

  package init(jobs: Int = Parallel.coreCount) { self.jobs = jobs }

  package func render(_ report: Report) -> String { ReportOutput.collecting { write(report, to: $0) } }

  package func write(_ report: Report, to output: ReportOutput) {
    let descriptions = report.registry.descriptions
    var ruleIndex: [String: Int] = [:]
    for (index, description) in descriptions.enumerated() { ruleIndex[description.id] = index }
    var artifactIndex: [String: Int] = [:]
    for (index, result) in report.results.enumerated() where artifactIndex[result.path] == nil {
      artifactIndex[result.path] = index
    }
    // Written as it goes (the tree of a large report cost more than the lint).
    var out = JSONStream(output: output)
    out.openObject()
    out.member("$schema", Self.schemaURI)
    out.member("version", "2.1.0")
    out.key("runs")
    out.openArray()
    out.element()
    out.openObject()
    out.key("tool")
    out.openObject()
    out.key("driver")
    out.openObject()
    out.member("name", Report.toolName)
    out.member("version", report.toolVersion)
    out.member("semanticVersion", report.toolVersion)
    out.member("informationUri", Self.informationURI)
    out.key("rules")
    out.openArray()
    for description in descriptions {
      out.element()
      out.value(rule(description))
    }
    out.closeArray()
    out.closeObject()
    out.closeObject()
    out.key("invocations")
    out.openArray()
    out.element()
    out.value(
      .object([
        ("executionSuccessful", .bool(report.exitCode != 2)),
        ("exitCode", .int(Int(report.exitCode))),
        (
          "toolExecutionNotifications",
          .array(
            report.inputErrors.map { error in
              .object([
                ("level", .string("error")),
                ("message", .object([("text", .string(error.message))])),
                (
                  "locations",
                  .array([
                    .object([("physicalLocation", .object([("artifactLocation", artifact(error.path, nil))]))])
                  ])
                ),
              ])
            })
        ),
      ]))
    out.closeArray()
    out.key("artifacts")
    out.openArray()
    for result in report.results {
      out.element()
      out.value(.object([("location", artifact(result.path, nil))]))
    }
    out.closeArray()
    out.member("columnKind", "unicodeCodePoints")
    out.key("results")
    out.openArray()
    // Results render independently: on all cores, about a thousand at a time, written in order
    // (SARIF writes a third more bytes a finding than JSON, and its writer was what a run waited
    // for). A file's fingerprints come first, in order (each counts the same key before it).
    // Each thread writes a run of files into one stream, handed to the output as it is.
    let (place, rules, artifacts) = (out.place, ruleIndex, artifactIndex)
    let layout = ResultLayout(at: place)
    let share = max(1, Piece.size / max(1, jobs))
    var start = 0
    while start < report.results.count {
      let batch = Array(report.results[start..<min(start + 256, report.results.count)])
      let fingerprints = Parallel.map(batch, jobs: jobs, Self.fingerprints)
      // Runs of at most `share` results, cut inside a file when it has more.
      var runs: [[Piece]] = [[]]
      var inRun = 0
      for (result, prints) in zip(batch, fingerprints) {
        for lower in stride(from: 0, to: result.diagnostics.count, by: share) {
          let range = lower..<min(lower + share, result.diagnostics.count)
          if inRun > 0, inRun + range.count > share {
            runs.append([])
            inRun = 0
          }
          runs[runs.count - 1].append(Piece(result: result, range: range, fingerprints: prints[range]))
          inRun += range.count
        }
      }
      // A run for each thread at a time: what is rendered ahead of the output is held (more
      // cost page faults for buffers touched once).
      for first in stride(from: 0, to: runs.count, by: max(1, jobs)) {
        let rendered = Parallel.map(Array(runs[first..<min(first + max(1, jobs), runs.count)]), jobs: jobs) { run in
          var part = JSONStream(elementsAt: place, capacity: run.reduce(0) { $0 + $1.range.count } * 1536)
          for piece in run {
            write(piece, layout, ruleIndex: rules, artifactIndex: artifacts[piece.result.path], into: &part)
          }
          return Rendered(stream: part)
        }
        for part in rendered { out.appendElements(part.stream) }
      }
      start += batch.count
    }
    out.closeArray()
    out.closeObject()
    out.closeArray()
    out.closeObject()
    out.endLine()
    out.finish()
  }

  /// A piece's results as written, handed from the thread that wrote them to the one that puts
  /// them in, never shared: their bytes are not copied for it.
  private struct Rendered: @unchecked Sendable {
    let stream: JSONStream
  }

  /// Some of a file's results, with their fingerprints.
  private struct Piece: Sendable {
    /// At most this many results rendered ahead of the output, shared among the threads.
    static let size = 1024
    let result: FileResult
    let range: Range<Int>
    let fingerprints: ArraySlice<UInt64>
  }

  /// The fingerprint of each of a file's diagnostics.
  private static func fingerprints(_ result: FileResult) -> [UInt64] {
    var prints: [UInt64] = []
    prints.reserveCapacity(result.diagnostics.count)
    Report.forEachFingerprintKey(result) { _, key in prints.append(stableHash(key)) }
    return prints
  }

  /// What every result writes between its values, recorded once for the depth results are
  /// written at (after the line break of their element).
  private struct ResultLayout: Sendable {
    let ruleID, ruleIndex, level, message, uri, artifactIndex, region: JSONStream.Recording
    let startColumn, endLine, endColumn, byteOffset, byteLength, fingerprint, end: JSONStream.Recording
    /// A result's fixes, and each fix's edits.
    let fixes, fix, fixURI, fixArtifactIndex, edits, edit, editLength, editText, editEnd, fixEnd,
      fixesEnd: JSONStream.Recording

    init(at place: JSONStream.Place) {
      // The first element of a list, after the object before it is closed; and the artifact
      // location that names the file, in a result and in each fix.
      func firstElement(of list: StaticString, _ out: inout JSONStream) {
        out.closeObject()
        out.key(list)
        out.openArray()
        out.element()
        out.openObject()
      }
      func artifactLocation(_ out: inout JSONStream) {
        out.key("artifactLocation")
        out.openObject()
        out.key("uri")
      }
      var out = JSONStream(elementsAt: place, capacity: 4096)
      // Elements (a result, a fix, an edit) are started by `element()` where they are written,
      // the first without a comma: what it writes here is left out of the runs.
      out.element()
      _ = out.record { _ in }
      ruleID = out.record {
        $0.openObject(); $0.key("ruleId")
      }
      ruleIndex = out.record { $0.key("ruleIndex") }
      level = out.record { $0.key("level") }
      message = out.record {
        $0.key("message"); $0.openObject(); $0.key("text")
      }
      uri = out.record { out in
        firstElement(of: "locations", &out)
        out.key("physicalLocation")
        out.openObject()
        artifactLocation(&out)
      }
      artifactIndex = out.record { $0.key("index") }
      region = out.record {
        $0.closeObject(); $0.key("region"); $0.openObject(); $0.key("startLine")
      }
      startColumn = out.record { $0.key("startColumn") }
      endLine = out.record { $0.key("endLine") }
      endColumn = out.record { $0.key("endColumn") }
      byteOffset = out.record { $0.key("byteOffset") }
      byteLength = out.record { $0.key("byteLength") }
      fingerprint = out.record { out in
        out.closeObject()
        out.closeObject()
        out.closeObject()
        out.closeArray()
        out.key("partialFingerprints")
        out.openObject()
        out.key("miglintFingerprint/v1")
      }
      end = out.record { $0.closeObject() }
      fixes = out.record {
        $0.key("fixes"); $0.openArray()
      }
      out.element()
      _ = out.record { _ in }
      fix = out.record {
        $0.openObject(); $0.key("description"); $0.openObject(); $0.key("text")
      }
      fixURI = out.record { out in
        firstElement(of: "artifactChanges", &out)
        artifactLocation(&out)
      }
      fixArtifactIndex = out.record { $0.key("index") }
      edits = out.record {
        $0.closeObject(); $0.key("replacements"); $0.openArray()
      }
      out.element()
      _ = out.record { _ in }
      edit = out.record {
        $0.openObject(); $0.key("deletedRegion"); $0.openObject(); $0.key("byteOffset")
      }
      editLength = out.record { $0.key("byteLength") }
      editText = out.record {
        $0.closeObject(); $0.key("insertedContent"); $0.openObject(); $0.key("text")
      }
      editEnd = out.record {
        $0.closeObject(); $0.closeObject()
      }
      fixEnd = out.record {
        $0.closeArray(); $0.closeObject(); $0.closeArray(); $0.closeObject()
      }
      fixesEnd = out.record { $0.closeArray() }
    }
  }

  private func write(
    _ piece: Piece, _ layout: ResultLayout, ruleIndex: [String: Int], artifactIndex: Int?, into out: inout JSONStream
  ) {
    let result = piece.result
    // The artifact's URI, once per file rather than per finding and fix.
    let uri = Self.uri(result.path)
    for (index, fingerprint) in zip(piece.range, piece.fingerprints) {
      let diagnostic = result.diagnostics[index]
      out.element()
      write(
        diagnostic, layout, uri: diagnostic.path == result.path ? uri : Self.uri(diagnostic.path),
        fingerprint: fingerprint, ruleIndex: ruleIndex[diagnostic.ruleID], artifactIndex: artifactIndex, into: &out)
    }
  }

  private func rule(_ description: RuleDescription) -> JSONValue {
    .object([
      ("id", .string(description.id)),
      ("name", .string(description.typeName)),
      ("shortDescription", .object([("text", .string(description.summary))])),
      ("fullDescription", .object([("text", .string(description.summary))])),
      ("help", .object([("text", .string(description.rationale)), ("markdown", .string(description.rationale))])),
      ("helpUri", .string(RuleDocumentation.url(for: description.id))),
      (
        "defaultConfiguration",
        .object([("enabled", .bool(description.enabledByDefault)), ("level", .string(level(description.severity)))])
      ),
      (
        "properties",
        .object([
          ("category", .string(description.category.rawValue)),
          ("tags", .array([.string(description.category.rawValue)])),
          ("aliases", .array(description.aliases.map(JSONValue.string))),
        ])
      ),
    ])
  }

  /// A result, its fixed parts written from `layout`.
  private func write(
    _ diagnostic: Diagnostic, _ layout: ResultLayout, uri: String, fingerprint: UInt64, ruleIndex: Int?,
    artifactIndex: Int?, into out: inout JSONStream
  ) {
    out.write(layout.ruleID)
    out.string(diagnostic.ruleID)
    if let ruleIndex {
      out.write(layout.ruleIndex)
      out.int(ruleIndex)
    }
    out.write(layout.level)
    out.string(level(diagnostic.severity))
    out.write(layout.message)
    if let help = diagnostic.help {
      out.string(diagnostic.message, Diagnostic.helpSeparator, help)
    } else {
      out.string(diagnostic.message)
    }
    writeArtifact(uri, artifactIndex, after: layout.uri, index: layout.artifactIndex, into: &out)
    out.write(layout.region)
    out.int(diagnostic.start.line)
    out.write(layout.startColumn)
    out.int(diagnostic.start.column)
    out.write(layout.endLine)
    out.int(diagnostic.end.line)
    out.write(layout.endColumn)
    out.int(diagnostic.end.column)
    out.write(layout.byteOffset)
    out.int(diagnostic.start.fileOffset)
    if diagnostic.end.fileOffset != diagnostic.start.fileOffset {
      out.write(layout.byteLength)
      out.int(diagnostic.end.fileOffset - diagnostic.start.fileOffset)
    }
    out.write(layout.fingerprint)
    out.buffer.appendHexString(fingerprint)
    out.write(layout.end)
    if !diagnostic.fixes.isEmpty {
      let bom = diagnostic.start.fileOffset - diagnostic.range.start
      out.write(layout.fixes)
      for fix in diagnostic.fixes {
        out.element()
        out.write(layout.fix)
        out.string(fix.title, " (", fix.safety.rawValue, ")")
        writeArtifact(uri, artifactIndex, after: layout.fixURI, index: layout.fixArtifactIndex, into: &out)
        out.write(layout.edits)
        for edit in fix.edits {
          out.element()
          out.write(layout.edit)
          out.int(edit.range.start + bom)
          out.write(layout.editLength)
          out.int(edit.range.length)
          out.write(layout.editText)
          out.string(edit.replacement)
          out.write(layout.editEnd)
        }
        if fix.edits.isEmpty {
          // Recorded after an edit: an empty array closes on its line.
          out.closeArray()
          out.closeObject()
          out.closeArray()
          out.closeObject()
        } else {
          out.write(layout.fixEnd)
        }
      }
      out.write(layout.fixesEnd)
    }
    out.closeObject()
  }

  /// An artifact location's URI and index (in a result and in each fix), after the run that
  /// opens it.
  private func writeArtifact(
    _ uri: String, _ index: Int?, after opening: JSONStream.Recording, index name: JSONStream.Recording,
    into out: inout JSONStream
  ) {
    out.write(opening)
    out.string(uri)
    if let index {
      out.write(name)
      out.int(index)
    }
  }

  private func level(_ severity: Severity) -> String {
    switch severity {
    case .error: "error"
    case .warning: "warning"
    case .info: "note"
    }
  }

  private func artifact(_ path: String, _ index: Int?) -> JSONValue {
    var members: [(String, JSONValue)] = [("uri", .string(Self.uri(path)))]
    if let index { members.append(("index", .int(index))) }
    return .object(members)
  }

  /// A relative path as a URI reference (percent-encoded); absolute paths as `file://` URIs.
  static func uri(_ path: String) -> String {
    (path.hasPrefix("/") ? "file://" : "") + percentEncodedPath(path)
  }
}
