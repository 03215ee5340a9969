import MigLintSyntax

#if canImport(Glibc)
  import Glibc
  private let systemRead = Glibc.read
  private let systemWrite = Glibc.write
#elseif canImport(Darwin)
  import Darwin
  private let systemRead = Darwin.read
  private let systemWrite = Darwin.write
#endif

/// A problem with the paths, files or configuration miglint was given (exit code 2).
package struct WorkspaceError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file, key or path the message is about.
  package var subject: String
  package var message: String

  package init(_ subject: String, _ message: String) {
    self.subject = subject
    self.message = message
  }

  package var description: String { "\(subject): \(message)" }
}

/// Plain POSIX file access: fast, and no Foundation needed.
package enum FileSystem {
  package enum Kind { case file, directory, other }

  package static func kind(_ path: String) -> Kind? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    switch info.st_mode & S_IFMT {
    case S_IFREG: return .file
    case S_IFDIR: return .directory
    default: return .other
    }
  }

  /// The absolute, symlink-free path of an existing file or directory.
  package static func resolved(_ path: String) -> String? {
    realpath(path, nil).map { pointer in
      defer { free(pointer) }
      return String(cString: pointer)
    }
  }

  /// True when `path` (resolved) lies in `root` (resolved).
  package static func isInside(_ path: String, _ root: String) -> Bool {
    path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
  }

  /// Where files found by walking `directory` must lie: the project when the directory is in it,
  /// else the directory itself (a directory named outside the project is walked, but its links
  /// may not lead further out).
  package static func boundary(for directory: String, project: String?) -> String {
    let walked = resolved(directory) ?? directory
    guard let project, isInside(walked, project) else { return walked }
    return project
  }

  /// The directory a run may write in and read from without being told: the directory of the
  /// configuration file, else the git work tree around `directory` (found by its `.git`), else
  /// `directory` itself. Resolved.
  static func projectRoot(configurationDirectory: String?, from directory: String) -> String {
    if let configurationDirectory, let root = resolved(configurationDirectory) { return root }
    let start = resolved(directory) ?? directory
    var candidate = start
    while true {
      if kind(join(candidate, ".git")) != nil { return candidate }
      let up = parent(of: candidate)
      guard !up.isEmpty, up != candidate else { return start }
      candidate = up
    }
  }

  /// Why `path`, a symbolic link, leads nowhere ("symbolic link loop", "symbolic link to `x`,
  /// which does not exist"); nil when it is not a link or its target exists.
  static func linkProblem(_ path: String) -> String? {
    var info = stat()
    guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { return nil }
    guard stat(path, &info) != 0 else { return nil }
    if errno == ELOOP { return "symbolic link loop" }
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let count = readlink(path, &buffer, buffer.count - 1)
    let target = count > 0 ? String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"
    return "symbolic link to `\(target)`, which does not exist"
  }

  /// Reads a whole file.
  ///
  /// - Throws: ``WorkspaceError`` naming the path and the system's reason.
  package static func read(_ path: String, limit: Int = SourceFile.maximumSize) throws(WorkspaceError) -> [UInt8] {
    // Non-blocking open: a FIFO must not hang the run before it is refused below.
    let descriptor = open(path, O_RDONLY | O_NONBLOCK)
    guard descriptor >= 0 else { throw WorkspaceError(path, "cannot read: \(lastError())") }
    defer { close(descriptor) }
    var info = stat()
    guard fstat(descriptor, &info) == 0 else { throw WorkspaceError(path, "cannot read: \(lastError())") }
    switch info.st_mode & S_IFMT {
    case S_IFREG: break
    case S_IFDIR: throw WorkspaceError(path, "cannot read: is a directory")
    case S_IFIFO: throw WorkspaceError(path, "cannot read: a FIFO, not a regular file")
    case S_IFCHR, S_IFBLK: throw WorkspaceError(path, "cannot read: a device, not a regular file")
    default: throw WorkspaceError(path, "cannot read: not a regular file")
    }
    guard Int(info.st_size) <= limit else {
      throw WorkspaceError(path, "file is \(info.st_size) bytes, above the limit of \(limit) bytes")
    }
    // One allocation of the reported size and a byte more, asked for at once: a file that gives
    // exactly its size is read whole without another call to find its end (a directory's worth
    // of calls); one that fills the extra byte grew, and is read on to its end.
    let size = max(0, Int(info.st_size))
    var bytes = [UInt8](repeating: 0, count: size + 1)
    var filled = 0
    while filled < bytes.count {
      let count = bytes.withUnsafeMutableBytes { buffer in
        guard let base = buffer.baseAddress else { return 0 }
        return systemRead(descriptor, base + filled, buffer.count - filled)
      }
      if count < 0 {
        if errno == EINTR { continue }
        throw WorkspaceError(path, "cannot read: \(lastError())")
      }
      if count == 0 { break }
      filled += count
      if filled == size { break }
    }
    bytes.removeLast(bytes.count - filled)
    if filled > size {
      guard filled <= limit else { throw WorkspaceError(path, "above the limit of \(limit) bytes: not read further") }
      bytes += try readToEnd(descriptor, path, limit: limit - filled)
    }
    return bytes
  }

  /// Reads until end of file, refusing more than `limit` bytes (stopping as soon as it is passed).
  private static func readToEnd(_ descriptor: Int32, _ path: String, limit: Int) throws(WorkspaceError) -> [UInt8] {
    var bytes: [UInt8] = []
    // Not zero-filled: after a file read whole, this finds the end at once, for every file of a
    // directory.
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 1)
    defer { chunk.deallocate() }
    while true {
      let count = systemRead(descriptor, chunk.baseAddress, chunk.count)
      if count < 0 {
        if errno == EINTR { continue }
        if errno == EAGAIN { return bytes }  // a non-blocking descriptor with nothing more to give
        throw WorkspaceError(path, "cannot read: \(lastError())")
      }
      if count == 0 { return bytes }
      bytes += UnsafeRawBufferPointer(rebasing: chunk[0..<count])
      if bytes.count > limit { throw WorkspaceError(path, "above the limit of \(limit) bytes: not read further") }
    }
  }

  /// Reads standard input to the end.
  package static func readStandardInput() throws(WorkspaceError) -> [UInt8] {
    try readToEnd(0, "<stdin>", limit: SourceFile.maximumSize)
  }

  /// Writes a file atomically: a temporary file in the same directory, then rename(2).
  ///
  /// An existing file keeps its permission bits. With `unchanged`, the file being replaced must
  /// still be the one read: `unchanged(path)` is asked just before the rename, and where the
  /// system can exchange two names in one step (renameat2 RENAME_EXCHANGE) the new text and the
  /// file are exchanged and `unchanged` asked again of the file that came out; an edit that
  /// slipped in between is put back and reported.
  package static func writeAtomically(
    _ bytes: [UInt8], to path: String, unchanged: ((String) -> Bool)? = nil
  ) throws(WorkspaceError) {
    let file = try AtomicFile(path)
    try file.write(bytes)
    try file.commit(unchanged: unchanged)
  }

  /// A file written atomically in pieces (a report as it is rendered): a temporary file in the
  /// same directory, renamed over `path` by ``commit(unchanged:)``; until then `path` is
  /// untouched, and a failed write removes the temporary file.
  package final class AtomicFile {
    private let path: String
    private let temporary: String
    private var descriptor: Int32

    package init(_ path: String) throws(WorkspaceError) {
      self.path = path
      let directory = FileSystem.parent(of: path) == "" ? "." : FileSystem.parent(of: path)
      FileSystem.removeStaleTemporaries(in: directory)
      var template = Array(directory.utf8) + Array("/\(FileSystem.temporaryPrefix)\(getpid())-XXXXXX".utf8) + [0]
      descriptor = template.withUnsafeMutableBufferPointer { buffer in
        buffer.withMemoryRebound(to: CChar.self) { characters in characters.baseAddress.map { mkstemp($0) } ?? -1 }
      }
      guard descriptor >= 0 else { throw WorkspaceError(path, "cannot write: \(FileSystem.lastError())") }
      temporary = String(decoding: template.dropLast(), as: UTF8.self)
      PendingTemporary.set(temporary)
      // The new file keeps the old one's mode and, where allowed, its owner.
      var info = stat()
      if stat(path, &info) == 0 {
        fchmod(descriptor, info.st_mode & 0o7777)
        if info.st_uid != geteuid() || info.st_gid != getegid() { _ = fchown(descriptor, info.st_uid, info.st_gid) }
      } else {
        fchmod(descriptor, 0o644)
      }
    }

    deinit { discard() }

    /// Appends `bytes`; on failure the temporary file is gone and the error names `path`.
    package func write(_ bytes: [UInt8]) throws(WorkspaceError) {
      try bytes.withUnsafeBufferPointer { (buffer) throws(WorkspaceError) in try write(buffer) }
    }

    /// Appends `bytes` where they are.
    package func write(_ bytes: UnsafeBufferPointer<UInt8>) throws(WorkspaceError) {
      var written = 0
      while written < bytes.count, descriptor >= 0, let base = bytes.baseAddress {
        let count = systemWrite(descriptor, base + written, bytes.count - written)
        if count < 0 {
          if errno == EINTR { continue }
          let reason = FileSystem.lastError()
          discard()
          throw WorkspaceError(path, "cannot write: \(reason)")
        }
        written += count
      }
      guard descriptor >= 0 else { throw WorkspaceError(path, "cannot write: the file was discarded") }
    }

    /// Removes the temporary file; `path` is left as it was.
    package func discard() {
      guard descriptor >= 0 else { return }
      close(descriptor)
      descriptor = -1
      unlink(temporary)
      PendingTemporary.set(nil)
    }

    /// Puts the written file in place of `path`. With `unchanged`, see ``writeAtomically(_:to:unchanged:)``.
    package func commit(unchanged: ((String) -> Bool)? = nil) throws(WorkspaceError) {
      guard descriptor >= 0 else { throw WorkspaceError(path, "cannot write: the file was discarded") }
      defer { PendingTemporary.set(nil) }
      let closing = descriptor
      descriptor = -1
      guard fsync(closing) == 0, close(closing) == 0 else {
        let reason = FileSystem.lastError()
        unlink(temporary)
        throw WorkspaceError(path, "cannot write: \(reason)")
      }
      if let unchanged, !unchanged(path) {
        unlink(temporary)
        throw WorkspaceError(path, "changed while the fixes were written; fixes not written (run miglint again)")
      }
      if let unchanged, let exchange = FileSystem.renameExchange, exchange(AT_FDCWD, temporary, AT_FDCWD, path, 2) == 0
      {
        // `temporary` now names what `path` held at the exchange.
        if !unchanged(temporary) {
          _ = exchange(AT_FDCWD, temporary, AT_FDCWD, path, 2)
          unlink(temporary)
          throw WorkspaceError(
            path, "changed while the fixes were written; it was put back and not fixed (run miglint again)")
        }
        unlink(temporary)
        return
      }
      guard rename(temporary, path) == 0 else {
        let reason = FileSystem.lastError()
        unlink(temporary)
        throw WorkspaceError(path, "cannot write: \(reason)")
      }
    }
  }

  /// renameat2(2), looked up at run time (Glibc's module does not export it): nil where the C
  /// library lacks it. Flag 2 is RENAME_EXCHANGE.
  private static let renameExchange:
    (@convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32)? = {
      #if os(Linux)
        guard let symbol = dlsym(nil, "renameat2") else { return nil }
        return unsafeBitCast(
          symbol, to: (@convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32).self)
      #else
        return nil
      #endif
    }()

  /// Temporary files are named `.miglint-<pid>-XXXXXX`: a later run removes those of processes
  /// that are gone (killed before they could clean up).
  static let temporaryPrefix = ".miglint-"

  private static func removeStaleTemporaries(in directory: String) {
    guard let entries = try? entries(directory) else { return }
    for entry in entries where entry.name.hasPrefix(temporaryPrefix) {
      let pid = entry.name.dropFirst(temporaryPrefix.count).prefix { $0 != "-" }
      guard let number = Int32(pid), number != getpid(), kill(number, 0) != 0, errno == ESRCH else { continue }
      unlink(join(directory, entry.name))
    }
  }

  /// Replaces the text of `path` with `bytes` (atomically, keeping its permissions, through a
  /// symbolic link to its target), unless it no longer holds `expected`: a file changed since it
  /// was read is left alone.
  package static func replace(_ path: String, expecting expected: [UInt8], with bytes: [UInt8])
    throws(WorkspaceError)
  {
    guard let target = resolved(path) else { throw WorkspaceError(path, "cannot fix: \(lastError())") }
    var before = stat()
    guard stat(target, &before) == 0 else { throw WorkspaceError(path, "cannot fix: \(lastError())") }
    guard before.st_mode & 0o222 != 0 else { throw WorkspaceError(path, "read-only: fixes not written") }
    guard before.st_nlink <= 1 else {
      throw WorkspaceError(
        path, "has \(before.st_nlink) hard links: a new file would split them; fixes not written")
    }
    guard try read(target) == expected else {
      throw WorkspaceError(path, "changed since it was read; fixes not written (run miglint again)")
    }
    // The file must still be the one read (inode, size, time and text) right before the rename,
    // and, where names can be exchanged, the one that came out of the exchange.
    try writeAtomically(bytes, to: target) { current in
      var now = stat()
      return stat(current, &now) == 0 && now.st_ino == before.st_ino && now.st_dev == before.st_dev
        && now.st_size == before.st_size && now.st_mtim.tv_sec == before.st_mtim.tv_sec
        && now.st_mtim.tv_nsec == before.st_mtim.tv_nsec && (try? read(current)) == expected
    }
  }

  /// Creates `path` and its missing parents; false when it cannot.
  package static func makeDirectories(_ path: String) -> Bool {
    if kind(path) == .directory { return true }
    let parent = parent(of: path)
    if !parent.isEmpty, parent != path, kind(parent) == nil, !makeDirectories(parent) { return false }
    return mkdir(path, 0o755) == 0 || kind(path) == .directory
  }

  /// Entries of a directory, sorted, without `.` and `..`.
  package static func entries(_ directory: String) throws(WorkspaceError) -> [(name: String, kind: Kind, isLink: Bool)]
  {
    guard let handle = opendir(directory) else { throw WorkspaceError(directory, "cannot list: \(lastError())") }
    defer { closedir(handle) }
    var result: [(String, Kind, Bool)] = []
    while let entry = readdir(handle) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
      }
      if name == "." || name == ".." { continue }
      let full = join(directory, name)
      var kind: Kind
      switch Int32(entry.pointee.d_type) {
      case Int32(DT_REG): kind = .file
      case Int32(DT_DIR): kind = .directory
      default: kind = Self.kind(full) ?? .other  // symlinks and unknown types: follow
      }
      // A symlink to a directory is not descended into (it could loop).
      if Int32(entry.pointee.d_type) == Int32(DT_LNK), kind == .directory { kind = .other }
      result.append((name, kind, Int32(entry.pointee.d_type) == Int32(DT_LNK)))
    }
    // By name, as String orders them. Names of a migrations directory nearly always differ in
    // their first eight bytes: compared as one number, a sort of thousands costs a fifth.
    return result.map { (SortPrefix($0.0), $0) }
      .sorted { lhs, rhs in
        if let left = lhs.0, let right = rhs.0, left != right { return left < right }
        return lhs.1.0 < rhs.1.0
      }
      .map(\.1)
  }

  /// A name's first eight bytes as a number that orders like the names, when those bytes and the
  /// next are ASCII: there byte order is String's order, and no combining mark can join the
  /// eighth character to the next.
  private struct SortPrefix: Comparable {
    let value: UInt64

    init?(_ name: String) {
      var value: UInt64 = 0
      var count = 0
      for byte in name.utf8.prefix(9) {
        guard byte < 0x80 else { return nil }
        if count < 8 { value |= UInt64(byte) << (56 - 8 * count) }
        count += 1
      }
      self.value = value
    }

    static func < (lhs: SortPrefix, rhs: SortPrefix) -> Bool { lhs.value < rhs.value }
  }

  package static func currentDirectory() -> String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    guard getcwd(&buffer, buffer.count) != nil else { return "." }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  package static func join(_ directory: String, _ name: String) -> String {
    if directory.isEmpty || directory == "." { return name }
    return directory.hasSuffix("/") ? directory + name : directory + "/" + name
  }

  /// `path` relative to `directory` when it lies below it, else `path` unchanged.
  package static func relative(_ path: String, to directory: String) -> String {
    let prefix = directory.hasSuffix("/") ? directory : directory + "/"
    return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
  }

  /// `path` made absolute from `directory` and without `.` and `..` parts: `/a/./b/../c` → `/a/c`.
  package static func absolute(_ path: String, from directory: String) -> String {
    let joined = path.hasPrefix("/") ? path : join(directory, path.isEmpty ? "." : path)
    var parts: [Substring] = []
    for part in joined.split(separator: "/") {
      if part == "." { continue }
      if part == "..", !parts.isEmpty { parts.removeLast() } else { parts.append(part) }
    }
    return "/" + parts.joined(separator: "/")
  }

  /// The last path component: `db/migrations/1_a.sql` → `1_a.sql`.
  /// (Both search the UTF-8 bytes: `/` is ASCII, and a search by Character is several times slower
  /// over the thousands of paths of a migrations directory.)
  package static func baseName(_ path: String) -> String {
    guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
    return String(path[path.utf8.index(after: slash)...])
  }

  package static func parent(of path: String) -> String {
    guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "" }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }

  private static func lastError() -> String { String(cString: strerror(errno)) }
}

/// The temporary file being written, removed by the signal handlers of the command line when
/// the process is interrupted (SIGINT, SIGTERM) before it could rename or remove it.
package enum PendingTemporary {
  /// A fixed buffer: a signal handler may read it without allocating.
  nonisolated(unsafe) package static let path: UnsafeMutablePointer<CChar> = {
    let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(PATH_MAX) + 1)
    buffer[0] = 0
    return buffer
  }()

  static func set(_ value: String?) {
    guard let value, value.utf8.count <= Int(PATH_MAX) else {
      path[0] = 0
      return
    }
    _ = value.withCString { strncpy(path, $0, Int(PATH_MAX)) }
    path[Int(PATH_MAX)] = 0
  }
}
