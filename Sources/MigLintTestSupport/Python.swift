import Foundation

/// python3 with the modules that check output formats the way their consumers read them
/// (PyYAML for the hook manifest, the XML parser and junitparser for JUnit, jsonschema for
/// SARIF) and pre-commit for the README's recipe. `.ci/run` installs them; without them those
/// tests are skipped with the reason.
package enum Python {
  package static let executable: String? = {
    for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
      let path = "\(directory)/python3"
      if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
  }()

  /// Nil when python3 can import every module, else why not.
  package static func unavailableReason(_ modules: String...) -> String? {
    guard let executable else { return "python3 is not installed" }
    for module in modules {
      let result = try? TestProcess.run(executable, ["-c", "import \(module)"])
      if result?.status != 0 { return "python3 cannot import \(module)" }
    }
    return nil
  }

  /// Runs `script` with `arguments`; `stdin` is piped in.
  package static func run(_ script: String, _ arguments: [String] = [], stdin: String? = nil) throws
    -> TestProcess.Output
  {
    try TestProcess.run(executable ?? "/usr/bin/python3", ["-c", script] + arguments, stdin: stdin)
  }
}
