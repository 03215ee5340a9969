#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Runs a program and collects its output (posix_spawn; no Foundation).
enum Subprocess {
  struct Output {
    var status: Int32
    var stdout: [UInt8]
    var stderr: [UInt8]
  }

  /// Runs `arguments[0]` found on PATH; nil when it cannot be started.
  static func run(_ arguments: [String]) -> Output? {
    var outPipe: [Int32] = [0, 0]
    var errPipe: [Int32] = [0, 0]
    guard pipe(&outPipe) == 0 else { return nil }
    guard pipe(&errPipe) == 0 else {
      close(outPipe[0])
      close(outPipe[1])
      return nil
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
    posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
    for descriptor in outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, descriptor) }
    var cArguments = arguments.map { strdup($0) } + [nil]
    defer { for pointer in cArguments { free(pointer) } }
    var pid = pid_t()
    let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, &cArguments, environ)
    close(outPipe[1])
    close(errPipe[1])
    defer {
      close(outPipe[0])
      close(errPipe[0])
    }
    guard spawned == 0 else { return nil }
    let stdout = readAll(outPipe[0])
    let stderr = readAll(errPipe[0])
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let exited = status & 0x7F == 0
    return Output(status: exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F), stdout: stdout, stderr: stderr)
  }

  private static func readAll(_ descriptor: Int32) -> [UInt8] {
    var result: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      if count < 0, errno == EINTR { continue }
      if count <= 0 { break }
      result += buffer[0..<count]
    }
    return result
  }
}

/// What `--base <ref>` needs from git: the files of a directory at the ref, and their content.
struct GitBase {
  package let ref: String
  /// The migrations directory, from which git runs.
  let directory: String

  /// Checks that `directory` is in a git work tree and `ref` names a commit.
  ///
  /// - Throws: ``WorkspaceError`` naming `--base` when git is missing, the directory is not in a
  ///   repository, or the ref is unknown.
  package init(ref: String, directory: String) throws(WorkspaceError) {
    self.ref = ref
    self.directory = directory.isEmpty ? "." : directory
    guard let inside = git(["rev-parse", "--is-inside-work-tree"]) else {
      throw WorkspaceError("--base", "cannot run git (is it installed and on PATH?)")
    }
    guard inside.status == 0 else {
      throw WorkspaceError("--base", "`\(self.directory)` is not inside a git repository")
    }
    guard let commit = git(["rev-parse", "--verify", "--quiet", ref + "^{commit}"]), commit.status == 0 else {
      throw WorkspaceError("--base", "unknown git ref `\(ref)` (fetch it first, e.g. `git fetch origin main`)")
    }
  }

  /// Paths of the files below the directory at the ref, relative to it.
  package func files() throws(WorkspaceError) -> [String] {
    // `-z`: names as they are, NUL-separated (without it git C-quotes non-ASCII, tabs and quotes).
    guard let output = git(["ls-tree", "-r", "-z", "--name-only", ref, "--", "."]), output.status == 0 else {
      throw WorkspaceError("--base", "git ls-tree \(ref) failed in `\(directory)`")
    }
    return output.stdout.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
  }

  /// A file's content at the ref (`relative` to the directory).
  package func content(_ relative: String) -> [UInt8]? {
    guard let output = git(["show", "\(ref):./\(relative)"]), output.status == 0 else { return nil }
    return output.stdout
  }

  private func git(_ arguments: [String]) -> Subprocess.Output? {
    Subprocess.run(["git", "-C", directory] + arguments)
  }
}
