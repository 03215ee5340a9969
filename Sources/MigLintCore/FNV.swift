/// FNV-1a, 64 bit: fast, and stable across runs and platforms (SARIF fingerprints, the replay
/// cache's keys). Not a defence against crafted input.
package struct FNV1a: Sendable {
  // Inlinable: the reporters hash every byte of every fingerprint key, one call a byte otherwise.
  @usableFromInline static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
  @usableFromInline static let prime: UInt64 = 0x0000_0100_0000_01B3

  package private(set) var value: UInt64

  @inlinable package init(offset: UInt64 = offsetBasis) { value = offset }

  @inlinable
  package mutating func add(_ byte: UInt8) { value = (value ^ UInt64(byte)) &* Self.prime }

  /// Each byte of `bytes` in turn: one call for a whole key (a call a byte from another module
  /// cost more than the hash).
  package mutating func add(contentsOf bytes: [UInt8]) {
    var value = value
    bytes.withUnsafeBufferPointer { buffer in
      for byte in buffer { value = (value ^ UInt64(byte)) &* Self.prime }
    }
    self.value = value
  }

  /// The same step over a whole 64-bit word (a faster hash of the same family, not FNV-1a's
  /// value: for keys compared only with keys made the same way).
  @inlinable
  package mutating func add(word: UInt64) { value = (value ^ word) &* Self.prime }

  /// Folds the high bits into the low ones: a second lane that is not plain FNV-1a.
  @inline(__always)
  package mutating func fold() { value ^= value >> 29 }

  /// The value as 16 lower-case hex digits.
  package var hex: String {
    String(unsafeUninitializedCapacity: 16) { buffer in
      Self.writeHex(value, to: buffer)
      return 16
    }
  }

  /// Writes `value` as 16 lower-case hex digits into the first 16 bytes of `target`.
  package static func writeHex(_ value: UInt64, to target: UnsafeMutableBufferPointer<UInt8>) {
    for index in 0..<16 {
      let digit = UInt8((value >> UInt64(60 - 4 * index)) & 0xF)
      target[index] = digit < 10 ? 0x30 + digit : 0x57 + digit
    }
  }
}
