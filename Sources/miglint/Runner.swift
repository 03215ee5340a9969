import Dispatch
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

/// One input to lint: a file path, or standard input under a display name.
enum Input: Sendable {
  case file(String)
  case standardInput(name: String, bytes: [UInt8])

  var path: String {
    switch self {
    case .file(let path): path
    case .standardInput(let name, _): name
    }
  }
}

/// Reads, parses and lints inputs on all cores; results keep the input order.
enum Runner {
  static func lint(_ inputs: [Input], linter: Linter, jobs: Int) -> [FileResult] {
    let storage = ResultStorage(count: inputs.count)
    let workers = max(1, min(jobs, inputs.count))
    let next = Counter()
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
      while let index = next.take(below: inputs.count) {
        storage.set(index, lintOne(inputs[index], linter: linter))
      }
    }
    return storage.results
  }

  static func lintOne(_ input: Input, linter: Linter) -> FileResult {
    let bytes: [UInt8]
    switch input {
    case .file(let path):
      do {
        bytes = try FileSystem.read(path)
      } catch {
        return FileResult(path: path, source: nil, diagnostics: [], inputError: error.message)
      }
    case .standardInput(_, let data):
      bytes = data
    }
    do {
      let source = try SourceFile(path: input.path, data: bytes)
      return FileResult(path: input.path, source: source, diagnostics: linter.lint(source))
    } catch {
      return FileResult(path: input.path, source: nil, diagnostics: [], inputError: error.description)
    }
  }
}

/// Results written by index from several threads; each index is written once.
private final class ResultStorage: @unchecked Sendable {
  private var buffer: [FileResult?]
  private let lock = NSLockLike()

  init(count: Int) { buffer = Array(repeating: nil, count: count) }

  func set(_ index: Int, _ result: FileResult) { lock.withLock { buffer[index] = result } }

  var results: [FileResult] { lock.withLock { buffer.compactMap { $0 } } }
}

/// Hands out indexes 0, 1, 2, … to worker threads.
private final class Counter: @unchecked Sendable {
  private var value = 0
  private let lock = NSLockLike()

  func take(below limit: Int) -> Int? {
    lock.withLock {
      guard value < limit else { return nil }
      defer { value += 1 }
      return value
    }
  }
}

/// A pthread mutex (no Foundation needed).
private final class NSLockLike: @unchecked Sendable {
  private var mutex = pthread_mutex_t()

  init() { pthread_mutex_init(&mutex, nil) }
  deinit { pthread_mutex_destroy(&mutex) }

  func withLock<T>(_ body: () -> T) -> T {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    return body()
  }
}
