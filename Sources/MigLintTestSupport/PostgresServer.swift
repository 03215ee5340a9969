import Foundation

/// A throw-away PostgreSQL 15 cluster for tests: `initdb` into a temporary directory, listening
/// only on a Unix socket in that directory. As root (CI), the server runs as the `postgres` user,
/// because `initdb` refuses to run as root.
package final class PostgresServer: @unchecked Sendable {
  package static let binaries = "/usr/lib/postgresql/15/bin"

  /// Why no server can be started here, or nil when one can.
  package static var unavailableReason: String? {
    let manager = FileManager.default
    for tool in ["initdb", "pg_ctl", "postgres"] where !manager.isExecutableFile(atPath: "\(binaries)/\(tool)") {
      return "\(binaries)/\(tool) not found (apt-get install -y postgresql)"
    }
    if !manager.isExecutableFile(atPath: "/usr/bin/psql") { return "psql not found" }
    if getuid() == 0, !manager.isExecutableFile(atPath: "/usr/sbin/runuser") { return "runuser not found" }
    return nil
  }

  package let directory: String
  private let asRoot = getuid() == 0

  /// Creates and starts the cluster.
  package init() throws {
    directory = NSTemporaryDirectory() + "miglint-pg-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    if asRoot { try Self.shell(["/bin/chown", "postgres", directory]) }
    try runAsServerUser([
      "\(Self.binaries)/initdb", "-D", "\(directory)/data", "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8",
    ])
    try runAsServerUser([
      "\(Self.binaries)/pg_ctl", "-D", "\(directory)/data", "-l", "\(directory)/log", "-w", "-o",
      "-k \(directory) -c listen_addresses='' -c fsync=off -c full_page_writes=off", "start",
    ])
  }

  deinit {
    try? runAsServerUser(["\(Self.binaries)/pg_ctl", "-D", "\(directory)/data", "-m", "immediate", "-w", "stop"])
    try? FileManager.default.removeItem(atPath: directory)
  }

  /// Runs SQL in one psql session and returns what it printed (unaligned, tuples only).
  package func psql(_ sql: String) throws -> String {
    try Self.shell(
      [
        "/usr/bin/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", directory, "-U", "postgres", "-d",
        "postgres",
      ],
      input: sql)
  }

  /// Sends `sql` as one query string, as golang-migrate and Prisma send a migration file:
  /// PostgreSQL runs a string of several statements as one implicit transaction.
  package func oneQuery(_ sql: String) throws -> String {
    try Self.shell([
      "/usr/bin/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", directory, "-U", "postgres", "-d",
      "postgres", "-c", sql,
    ])
  }

  /// Runs a server program through `system(3)`, output to a file. Foundation's `Process` learns
  /// of an exit through a descriptor that the postmaster `pg_ctl start` leaves behind inherits,
  /// so it would wait forever; `system` waits on the child's pid.
  private func runAsServerUser(_ arguments: [String]) throws {
    let command = (asRoot ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + arguments : arguments)
      .map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
    let logPath = "\(directory)/command.log"
    let status = system("\(command) < /dev/null > '\(logPath)' 2>&1")
    guard status == 0 else {
      let output = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
      throw ServerError(description: "\(arguments.joined(separator: " ")) failed (\(status)): \(output)")
    }
  }

  /// Runs a program that exits (psql, chown); throws with its output when it fails.
  @discardableResult
  package static func shell(_ arguments: [String], input: String? = nil) throws -> String {
    let result = try TestProcess.run(arguments[0], Array(arguments.dropFirst()), stdin: input)
    guard result.status == 0 else {
      throw ServerError(description: "\(arguments.joined(separator: " ")) failed: \(result.stderr)\(result.stdout)")
    }
    return result.stdout
  }
}

package struct ServerError: Error, CustomStringConvertible {
  package var description: String
}
