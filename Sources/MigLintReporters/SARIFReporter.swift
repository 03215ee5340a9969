import MigLintCore
import MigLintSyntax

/// SARIF 2.1.0 for code-scanning tools; validated against the OASIS schema in tests and CI.
package struct SARIFReporter: Sendable {
  static let schemaURI = "https://json.schemastore.org/sarif-2.1.0.json"
  static let informationURI = "https://github.com/miglint/miglint"

  package init() {}

  package func render(_ report: Report) -> String {
    let descriptions = report.registry.descriptions
    var ruleIndex: [String: Int] = [:]
    for (index, description) in descriptions.enumerated() { ruleIndex[description.id] = index }
    var artifactIndex: [String: Int] = [:]
    for (index, result) in report.results.enumerated() where artifactIndex[result.path] == nil {
      artifactIndex[result.path] = index
    }
    var results: [JSONValue] = []
    for result in report.results {
      for (diagnostic, key) in zip(result.diagnostics, Report.fingerprintKeys(result)) {
        results.append(
          self.result(
            diagnostic, fingerprintKey: key, ruleIndex: ruleIndex[diagnostic.ruleID],
            artifactIndex: artifactIndex[result.path]))
      }
    }
    let notifications: [JSONValue] = report.inputErrors.map { error in
      .object([
        ("level", .string("error")),
        ("message", .object([("text", .string(error.message))])),
        (
          "locations",
          .array([.object([("physicalLocation", .object([("artifactLocation", artifact(error.path, nil))]))])])
        ),
      ])
    }
    let run: JSONValue = .object([
      (
        "tool",
        .object([
          (
            "driver",
            .object([
              ("name", .string(Report.toolName)), ("version", .string(report.toolVersion)),
              ("semanticVersion", .string(report.toolVersion)),
              ("informationUri", .string(Self.informationURI)),
              ("rules", .array(descriptions.map(rule))),
            ])
          )
        ])
      ),
      (
        "invocations",
        .array([
          .object([
            ("executionSuccessful", .bool(report.exitCode != 2)),
            ("exitCode", .int(Int(report.exitCode))),
            ("toolExecutionNotifications", .array(notifications)),
          ])
        ])
      ),
      ("artifacts", .array(report.results.map { .object([("location", artifact($0.path, nil))]) })),
      ("columnKind", .string("unicodeCodePoints")),
      ("results", .array(results)),
    ])
    let root: JSONValue = .object([
      ("$schema", .string(Self.schemaURI)), ("version", .string("2.1.0")), ("runs", .array([run])),
    ])
    return root.rendered() + "\n"
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

  private func result(_ diagnostic: Diagnostic, fingerprintKey: String, ruleIndex: Int?, artifactIndex: Int?)
    -> JSONValue
  {
    var region: [(String, JSONValue)] = [
      ("startLine", .int(diagnostic.start.line)), ("startColumn", .int(diagnostic.start.column)),
      ("endLine", .int(diagnostic.end.line)), ("endColumn", .int(diagnostic.end.column)),
      ("byteOffset", .int(diagnostic.start.fileOffset)),
      ("byteLength", .int(diagnostic.end.fileOffset - diagnostic.start.fileOffset)),
    ]
    if diagnostic.end.fileOffset == diagnostic.start.fileOffset { region.removeLast() }
    var members: [(String, JSONValue)] = [
      ("ruleId", .string(diagnostic.ruleID)),
      ("level", .string(level(diagnostic.severity))),
      ("message", .object([("text", .string(diagnostic.messageAndHelp))])),
      (
        "locations",
        .array([
          .object([
            (
              "physicalLocation",
              .object([("artifactLocation", artifact(diagnostic.path, artifactIndex)), ("region", .object(region))])
            )
          ])
        ])
      ),
      ("partialFingerprints", .object([("miglintFingerprint/v1", .string(stableHash(fingerprintKey)))])),
    ]
    if let ruleIndex { members.insert(("ruleIndex", .int(ruleIndex)), at: 1) }
    if !diagnostic.fixes.isEmpty {
      let bom = diagnostic.start.fileOffset - diagnostic.range.start
      members.append(
        (
          "fixes",
          .array(
            diagnostic.fixes.map { fix in
              .object([
                ("description", .object([("text", .string("\(fix.title) (\(fix.safety.rawValue))"))])),
                (
                  "artifactChanges",
                  .array([
                    .object([
                      ("artifactLocation", artifact(diagnostic.path, artifactIndex)),
                      (
                        "replacements",
                        .array(
                          fix.edits.map { edit in
                            .object([
                              (
                                "deletedRegion",
                                .object([
                                  ("byteOffset", .int(edit.range.start + bom)), ("byteLength", .int(edit.range.length)),
                                ])
                              ),
                              ("insertedContent", .object([("text", .string(edit.replacement))])),
                            ])
                          })
                      ),
                    ])
                  ])
                ),
              ])
            })
        ))
    }
    return .object(members)
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
