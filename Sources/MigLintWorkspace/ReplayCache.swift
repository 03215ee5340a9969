import MigLintCore
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Keeps, per migrations directory, the schema model replayed up to the first migration a run
/// reports, so that an editor or a hook linting the newest file of a long history does not parse
/// and replay the whole history every time.
///
/// The entry is valid only for the exact same migrations before that point: their order, paths,
/// sections and bytes, and the same miglint binary, go into its key; anything else is a miss and
/// the replay runs in full. The cache is an optimisation: a file that cannot be read or written
/// is ignored.
package struct ReplayCache: Sendable {
  static let magic = Array("miglint-replay 7\n".utf8)

  package var directory: String
  /// Migrations that must precede the first reported one for the cache to be used: a shorter
  /// history is replayed faster than the cache is read and written. Tests lower it
  /// (`$MIGLINT_CACHE_MIN_MIGRATIONS`) so that small fixtures go through the cache too.
  var minimumMigrations = 20
  /// A long-running process (the language server) keeps the last checkpoint of each directory in
  /// memory too: checked against the migrations themselves, it needs neither the file nor a hash.
  package var memory: Memory?

  package init(directory: String, minimumMigrations: Int = 20) {
    self.directory = directory
    self.minimumMigrations = minimumMigrations
  }

  /// The last checkpoint of each migrations directory, with what its migrations were.
  package final class Memory: Sendable {
    private struct Entry: Sendable {
      var migrations: [Migration]
      var files: [(path: String, bytes: [UInt8]?)]
      var checkpoint: ReplayCheckpoint
    }

    private let entries = Mutex<[String: Entry]>([:])

    package init() {}

    func load(_ loaded: LoadedSet) -> ReplayCheckpoint? {
      entries.withLock { entries in
        guard let entry = entries[loaded.root], entry.checkpoint.migrations <= loaded.set.migrations.count
        else { return nil }
        let count = entry.checkpoint.migrations
        guard Array(loaded.set.migrations.prefix(count)) == entry.migrations else { return nil }
        let files = Self.files(loaded, count)
        guard files.count == entry.files.count,
          zip(files, entry.files).allSatisfy({ $0.path == $1.path && $0.bytes == $1.bytes })
        else { return nil }
        return entry.checkpoint
      }
    }

    func save(_ checkpoint: ReplayCheckpoint, for loaded: LoadedSet) {
      let migrations = Array(loaded.set.migrations.prefix(checkpoint.migrations))
      let files = Self.files(loaded, checkpoint.migrations)
      entries.withLock { $0[loaded.root] = Entry(migrations: migrations, files: files, checkpoint: checkpoint) }
    }

    /// The scripts of the first `count` migrations, in order: what the replay read.
    private static func files(_ loaded: LoadedSet, _ count: Int) -> [(path: String, bytes: [UInt8]?)] {
      loaded.set.migrations.prefix(count).flatMap { $0.up + $0.down }.map { script in
        (loaded.set.files[script.file].path, loaded.set.files[script.file].bytes)
      }
    }

  }

  /// `$MIGLINT_CACHE_DIR`, else `$XDG_CACHE_HOME/miglint`, else `~/.cache/miglint`.
  package static func standard(_ variable: (String) -> String?) -> ReplayCache? {
    let minimum = variable("MIGLINT_CACHE_MIN_MIGRATIONS").flatMap { Int($0) }.map { max(1, $0) } ?? 20
    let directory: String
    if let path = variable("MIGLINT_CACHE_DIR"), !path.isEmpty {
      directory = path
    } else if let path = variable("XDG_CACHE_HOME"), path.hasPrefix("/") {
      directory = path + "/miglint"
    } else if let home = variable("HOME"), home.hasPrefix("/") {
      directory = home + "/.cache/miglint"
    } else {
      return nil
    }
    return ReplayCache(directory: directory, minimumMigrations: minimum)
  }

  /// The checkpoint stored for `loaded`, if it is still valid for its first migrations.
  package func load(_ loaded: LoadedSet) -> ReplayCheckpoint? {
    if let checkpoint = memory?.load(loaded) { return checkpoint }
    return checkpoint(from: entry(forDirectory: loaded.root), for: loaded)
  }

  /// An entry as read from its file: the model after its first `migrations` migrations, and the
  /// key of what they were.
  package struct Entry: Sendable {
    let migrations: Int
    let key: [UInt8]
    let catalog: Catalog
  }

  /// The entry stored for the migrations directory `root` (absolute), decoded; nil when there is
  /// none or it is damaged. Needs no layout: a run can read it while the layout is built.
  package func entry(forDirectory root: String) -> Entry? {
    guard let stored = try? FileSystem.read(file(forDirectory: root)), stored.starts(with: Self.magic),
      stored.count >= Self.magic.count + 16
    else { return nil }
    // A checksum over the whole entry: a damaged or edited entry is a miss, never a wrong model.
    let bytes = Array(stored.dropLast(16))
    guard Self.checksum(bytes) == Array(stored.suffix(16)) else { return nil }
    var reader = ByteReader(bytes, offset: Self.magic.count)
    do throws(SnapshotError) {
      let migrations = try reader.int()
      let key = try reader.raw(16)
      guard migrations > 0 else { return nil }
      let catalog = try Catalog(snapshot: &reader)
      return reader.isAtEnd ? Entry(migrations: migrations, key: key, catalog: catalog) : nil
    } catch {
      return nil
    }
  }

  /// `entry`'s model, if it was stored for the same first migrations as `loaded` has; `expecting`
  /// is a key computed ahead, for a number of migrations.
  package func checkpoint(
    from entry: Entry?, for loaded: LoadedSet, expecting: (migrations: Int, key: [UInt8])? = nil
  ) -> ReplayCheckpoint? {
    guard let entry, entry.migrations <= loaded.set.migrations.count else { return nil }
    let key =
      expecting.flatMap { $0.migrations == entry.migrations ? $0.key : nil }
      ?? Self.key(loaded, migrations: entry.migrations)
    guard entry.key == key else { return nil }
    return ReplayCheckpoint(migrations: entry.migrations, catalog: entry.catalog)
  }

  /// Stores `checkpoint` for `loaded` (atomically; errors are ignored).
  package func save(_ checkpoint: ReplayCheckpoint, for loaded: LoadedSet) {
    memory?.save(checkpoint, for: loaded)
    var writer = ByteWriter()
    writer.raw(Self.magic)
    writer.int(checkpoint.migrations)
    writer.raw(Self.key(loaded, migrations: checkpoint.migrations))
    checkpoint.catalog.snapshot(into: &writer)
    writer.raw(Self.checksum(writer.bytes))
    guard FileSystem.makeDirectories(directory) else { return }
    try? FileSystem.writeAtomically(writer.bytes, to: file(forDirectory: loaded.root))
  }

  /// 128 bits over an entry's bytes.
  private static func checksum(_ bytes: [UInt8]) -> [UInt8] {
    var hash = Hash()
    hash.add(bytes)
    return hash.bytes
  }

  /// One file per migrations directory.
  private func file(forDirectory root: String) -> String {
    var hash = Hash()
    hash.add(root)
    return directory + "/replay-" + hash.hex.prefix(16) + ".bin"
  }

  /// 128 bits over what the replay of the first `migrations` migrations depends on.
  static func key(_ loaded: LoadedSet, migrations: Int) -> [UInt8] {
    var hash = Hash()
    hash.add(binaryIdentity)
    for migration in loaded.set.migrations.prefix(migrations) {
      hash.add(migration.version)
      for script in migration.up + migration.down {
        hash.add(loaded.set.files[script.file].path)
        // rawValue, not the case interpolated: that reads the case's name by reflection, which
        // cost more than hashing every file.
        hash.add("\(script.direction.rawValue) \(script.range?.start ?? -1) \(script.range?.end ?? -1)")
        hash.add(loaded.set.files[script.file].bytes ?? [])
      }
    }
    return hash.bytes
  }

  /// The running executable's size and modification time: a rebuilt miglint may replay
  /// differently, so it does not read what another build wrote.
  static let binaryIdentity: String = {
    var info = stat()
    guard stat("/proc/self/exe", &info) == 0 || stat(CommandLine.arguments.first ?? "", &info) == 0 else {
      return "unknown"
    }
    #if canImport(Darwin)
      let modified = info.st_mtimespec
    #else
      let modified = info.st_mtim
    #endif
    return "\(info.st_size) \(modified.tv_sec) \(modified.tv_nsec)"
  }()

  /// Two FNV-1a lanes with different offsets, stepping a 64-bit word at a time: fast over a
  /// megabyte of history (the project's SHA-256 would take longer than a whole warm run), and 128
  /// bits make an accidental match of two different histories out of reach. Not a defence against
  /// a crafted cache file: the cache is the user's own.
  struct Hash {
    private var a = FNV1a()
    private var b = FNV1a(offset: 0x6c62_272e_07bb_0142)

    mutating func add(_ bytes: [UInt8]) {
      add(length: bytes.count)
      bytes.withUnsafeBytes { raw in
        var offset = 0
        while offset + 8 <= raw.count {
          let word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
          a.add(word: word)
          b.add(word: word)
          b.fold()
          offset += 8
        }
        for byte in raw[offset...] {
          a.add(byte)
          b.add(byte)
          b.fold()
        }
      }
    }

    mutating func add(_ text: String) { add(Array(text.utf8)) }

    /// Lengths separate the fields, so that `ab` + `c` differs from `a` + `bc`.
    private mutating func add(length: Int) {
      for shift in stride(from: 0, to: 64, by: 8) {
        let byte = UInt8(truncatingIfNeeded: length >> shift)
        a.add(byte)
        b.add(byte)
      }
    }

    var bytes: [UInt8] {
      (0..<8).map { UInt8(truncatingIfNeeded: a.value >> ($0 * 8)) }
        + (0..<8).map { UInt8(truncatingIfNeeded: b.value >> ($0 * 8)) }
    }

    var hex: String {
      bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
  }
}
