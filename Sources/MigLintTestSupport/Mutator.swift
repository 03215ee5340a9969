import Foundation

/// Mutations for the fuzz tests: bytes flipped, ranges cut, repeated and spliced, and text that
/// trips scanners inserted. Deterministic from a seed, so a failure replays.
package enum Mutator {
  /// Inputs per fuzz test: a short run in `swift test`; `$MIGLINT_FUZZ_ITERATIONS` for a long one.
  package static let iterations =
    ProcessInfo.processInfo.environment["MIGLINT_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 400
  /// `$MIGLINT_FUZZ_SEED` varies the inputs; a failure names the seed and the iteration.
  package static let seed =
    ProcessInfo.processInfo.environment["MIGLINT_FUZZ_SEED"].flatMap { UInt64($0) } ?? 20_261_127

  /// Text that trips scanners and splitters: open quotes and comments, dollar quotes, tool
  /// markers, suppressions, template placeholders, psql meta-commands, odd bytes and line ends.
  package static let fragments: [[UInt8]] =
    [
      "'", "\"", "$$", "$body$", "/*", "*/", "--", "\n", "\r\n", "\r", ";", "(", ")", "E'\\", "\\",
      "DO $$ BEGIN ", " END $$;", "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN ",
      "-- +goose Up\n", "-- +goose StatementBegin\n", "-- +goose StatementEnd\n", "-- +goose Down\n",
      "-- +migrate Up\n", "-- +migrate Down\n", "-- migrate:up\n", "-- migrate:down\n",
      "-- miglint: disable drop-table\n", "-- miglint: disable-next-line all\n", "-- miglint: enable\n",
      "{{ .Table }}", "${schema}", ":'name'", "\\set x 1\n", "\\i other.sql\n", "BEGIN;", "COMMIT;",
      "ALTER TABLE t ADD COLUMN c int NOT NULL;", "CREATE INDEX CONCURRENTLY i ON t (c);",
      "SET lock_timeout = '1s';", "\u{FEFF}", "é", "日本", "😀", "\u{202E}", "\u{1B}[2J", "\t",
      "1+1+1+1+1+1+1+1+1+1+1+", "((((((((((", "))))))))))",
    ].map { Array($0.utf8) } + [[0], [0xFF], [0xC3], [0xED, 0xA0, 0x80]]

  /// Deterministic and reproducible from the seed alone (SplitMix64).
  package struct Random {
    package var state: UInt64
    package init(state: UInt64) { self.state = state }
    package mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    package mutating func below(_ bound: Int) -> Int { bound <= 1 ? 0 : Int(next() % UInt64(bound)) }
    package mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
  }

  /// One to four mutations of `input`; `others` are spliced from. Results stay under 64 KB.
  package static func mutate(_ input: [UInt8], others: [[UInt8]], _ random: inout Random) -> [UInt8] {
    var bytes = input
    for _ in 0...random.below(4) {
      let at = random.below(bytes.count + 1)
      let length = random.below(min(64, bytes.count - at) + 1)
      switch random.below(8) {
      case 0: if at < bytes.count { bytes[at] ^= UInt8(1 << random.below(8)) }
      case 1: bytes.removeSubrange(at..<at + length)
      case 2: bytes.insert(contentsOf: random.pick(fragments), at: at)
      case 3: bytes.insert(contentsOf: bytes[at..<at + length], at: at)
      case 4: bytes = Array(bytes.prefix(at))
      case 5:
        let other = random.pick(others)
        let from = random.below(other.count + 1)
        bytes.insert(contentsOf: other[from..<min(other.count, from + random.below(400))], at: at)
      case 6:
        // A fragment repeated: deep nesting, long lines, many statements.
        let fragment = random.pick(fragments)
        bytes.insert(contentsOf: Array(repeating: fragment, count: 1 + random.below(600)).joined(), at: at)
      default: bytes.replaceSubrange(at..<at + length, with: random.pick(fragments))
      }
      if bytes.count > 65_536 { bytes = Array(bytes.prefix(65_536)) }
    }
    return bytes
  }
}
