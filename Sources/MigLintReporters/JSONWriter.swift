import MigLintCore

/// A JSON value built by reporters; keys keep their insertion order so output is stable.
package indirect enum JSONValue: Sendable, Equatable {
  case object([(String, JSONValue)])
  case array([JSONValue])
  case string(String)
  case int(Int)
  case bool(Bool)
  case null

  package static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.rendered() == rhs.rendered() }

  /// Serialises the value; `indent` > 0 pretty-prints.
  package func rendered(indent: Int = 2) -> String {
    var out = JSONStream(indent: indent)
    out.value(self)
    return String(decoding: out.buffer.bytes, as: UTF8.self)
  }
}

/// Bytes appended through a pointer. JSON is made of short pieces (a bracket, a name, a number);
/// Array's checks on each append, and the exclusivity checks of a class's `var`s, cost more
/// than copying them: the state sits behind a pointer the class owns.
final class ByteBuffer {
  private struct State {
    var base: UnsafeMutablePointer<UInt8>
    var count: Int
    var capacity: Int
  }

  private let state: UnsafeMutablePointer<State>

  init(capacity: Int = 4096) {
    let capacity = max(16, capacity)
    state = .allocate(capacity: 1)
    state.initialize(to: State(base: .allocate(capacity: capacity), count: 0, capacity: capacity))
  }

  deinit {
    state.pointee.base.deallocate()
    state.deallocate()
  }

  var count: Int { state.pointee.count }

  /// A copy of the bytes, made with one `memcpy` (Array's initializer from a buffer copied a byte
  /// at a time: an instruction per byte of the report).
  var bytes: [UInt8] {
    let (base, count) = (state.pointee.base, state.pointee.count)
    return Array(unsafeUninitializedCapacity: count) { target, initialized in
      if let start = target.baseAddress { start.update(from: base, count: count) }
      initialized = count
    }
  }

  func removeAll() { state.pointee.count = 0 }

  /// The bytes, where they are.
  func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
    body(UnsafeBufferPointer(start: state.pointee.base, count: state.pointee.count))
  }

  /// Room for `extra` more bytes, and `slack` bytes past them that may be written but are not
  /// counted; where they go.
  @inline(__always) private func reserve(_ extra: Int, slack: Int = 0) -> UnsafeMutablePointer<UInt8> {
    if state.pointee.count + extra + slack > state.pointee.capacity { grow(state.pointee.count + extra + slack) }
    defer { state.pointee.count += extra }
    return state.pointee.base + state.pointee.count
  }

  private func grow(_ needed: Int) {
    let larger = max(needed, state.pointee.capacity * 2)
    let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
    moved.update(from: state.pointee.base, count: state.pointee.count)
    state.pointee.base.deallocate()
    state.pointee.base = moved
    state.pointee.capacity = larger
  }

  @inline(__always) func append(_ byte: UInt8) { reserve(1).pointee = byte }

  @inline(__always) func append(_ first: UInt8, _ second: UInt8) {
    let target = reserve(2)
    target[0] = first
    target[1] = second
  }

  func append(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let start = bytes.baseAddress, !bytes.isEmpty else { return }
    reserve(bytes.count).update(from: start, count: bytes.count)
  }

  func append(_ text: StaticString) { text.withUTF8Buffer { append($0) } }

  /// `text`'s UTF-8 bytes as they are (the text report: JSON strings are escaped by
  /// ``appendJSONString(_:)``), read where they are.
  func appendUTF8(_ text: String) { text.withUTF8Bytes { append($0) } }

  /// `count` copies of `byte`.
  func append(_ byte: UInt8, count: Int) {
    guard count > 0 else { return }
    reserve(count).update(repeating: byte, count: count)
  }

  /// `,` when `comma`, a line break and `spaces` spaces, in one reservation (written before
  /// every member and element of a pretty report).
  func appendBreak(comma: Bool, spaces: Int) {
    let length = (comma ? 2 : 1) + spaces
    writeBreak(at: reserve(length, slack: 8), comma: comma, spaces: spaces)
  }

  /// ``appendBreak(comma:spaces:)`` and then ``appendKey(_:spaced:)``, in one reservation: what
  /// starts every member of a pretty report.
  func appendBreak(comma: Bool, spaces: Int, key name: StaticString) {
    let breakLength = (comma ? 2 : 1) + spaces
    let target = reserve(breakLength + name.utf8CodeUnitCount + 4, slack: 8)
    writeBreak(at: target, comma: comma, spaces: spaces)
    writeKey(name, at: target + breakLength, spaced: true)
  }

  /// Writes a break: the spaces eight at a time (a call to fill a few bytes cost more than the
  /// rest of the break), up to seven past it, which the reservation's slack allows.
  @inline(__always) private func writeBreak(at target: UnsafeMutablePointer<UInt8>, comma: Bool, spaces: Int) {
    var target = target
    if comma {
      target.pointee = 0x2C
      target += 1
    }
    target.pointee = 0x0A
    let space = UnsafeMutableRawPointer(target + 1)
    var written = 0
    while written < spaces {
      space.storeBytes(of: 0x2020_2020_2020_2020 as UInt64, toByteOffset: written, as: UInt64.self)
      written += 8
    }
  }

  /// `"name":` and a space when `spaced`; a key is a few bytes, copied without a call.
  @inline(__always) private func writeKey(_ name: StaticString, at target: UnsafeMutablePointer<UInt8>, spaced: Bool) {
    let count = name.utf8CodeUnitCount
    target.pointee = 0x22
    if name.hasPointerRepresentation {
      Self.copyShort(UnsafeRawPointer(name.utf8Start), count, to: UnsafeMutableRawPointer(target + 1))
    } else {
      name.withUTF8Buffer { bytes in
        for offset in 0..<count { target[offset + 1] = bytes[offset] }
      }
    }
    target[count + 1] = 0x22
    target[count + 2] = 0x3A
    if spaced { target[count + 3] = 0x20 }
  }

  /// Copies `count` bytes with at most two loads and two stores when there are 16 or fewer (the
  /// two may overlap; neither reads past the source): a call to `memcpy` cost more than the copy.
  @inline(__always) private static func copyShort(
    _ source: UnsafeRawPointer, _ count: Int, to target: UnsafeMutableRawPointer
  ) {
    func copy<Word>(_: Word.Type) {
      let size = MemoryLayout<Word>.size
      target.storeBytes(of: source.loadUnaligned(as: Word.self), as: Word.self)
      target.storeBytes(
        of: source.loadUnaligned(fromByteOffset: count - size, as: Word.self), toByteOffset: count - size, as: Word.self
      )
    }
    switch count {
    case 0: break
    case 1: target.storeBytes(of: source.load(as: UInt8.self), as: UInt8.self)
    case 2..<4: copy(UInt16.self)
    case 4..<8: copy(UInt32.self)
    case 8...16: copy(UInt64.self)
    default: target.copyMemory(from: source, byteCount: count)
    }
  }

  /// `value` as a JSON string of 16 lower-case hex digits (no string is made for it).
  func appendHexString(_ value: UInt64) {
    let target = reserve(18)
    target[0] = 0x22
    FNV1a.writeHex(value, to: UnsafeMutableBufferPointer(start: target + 1, count: 16))
    target[17] = 0x22
  }

  /// `"name":` and a space when `spaced`, in one reservation: a name that needs no escape.
  func appendKey(_ name: StaticString, spaced: Bool) {
    writeKey(name, at: reserve(name.utf8CodeUnitCount + (spaced ? 4 : 3)), spaced: spaced)
  }

  /// A JSON string: quotes, backslashes and control characters escaped, and U+2028 and U+2029
  /// too (JavaScript reads them as line breaks); everything else as its UTF-8 bytes.
  func appendJSONString(_ text: String) {
    append(0x22)
    appendEscaped(text)
    append(0x22)
  }

  /// One JSON string of `first`, `separator`, `second` and `end`, without joining them first (nor
  /// making an array of them: a message and its help, a fix's title and safety).
  func appendJSONString(_ first: String, _ separator: StaticString, _ second: String, _ end: StaticString = "") {
    append(0x22)
    appendEscaped(first)
    appendEscaped(separator)
    appendEscaped(second)
    appendEscaped(end)
    append(0x22)
  }

  private func appendEscaped(_ text: StaticString) { text.withUTF8Buffer { appendEscaped($0) } }

  /// The text of a JSON string, without its quotes.
  private func appendEscaped(_ text: String) { text.withUTF8Bytes { appendEscaped($0) } }

  private func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>) {
    // Read once: a static's every read checks that it was made.
    let mayNeedEscape = Self.mayNeedEscape
    guard let base = bytes.baseAddress else { return }
    // Runs of bytes that need no escape are copied at once; a table tells them apart (a
    // report writes tens of megabytes of messages).
    var run = 0
    var index = 0
    while index < bytes.count {
      // Eight plain ASCII bytes (none a quote, backslash or control character) at a time.
      if index + 8 <= bytes.count,
        !Self.someByteMayNeedEscape(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
      {
        index += 8
        continue
      }
      let byte = bytes[index]
      guard mayNeedEscape[Int(byte)] else {
        index += 1
        continue
      }
      guard
        byte != 0xE2
          || index + 2 < bytes.count && bytes[index + 1] == 0x80
            && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9)
      else {
        index += 1
        continue
      }
      if run < index { append(UnsafeBufferPointer(rebasing: bytes[run..<index])) }
      switch byte {
      case 0x22: append(0x5C, 0x22)
      case 0x5C: append(0x5C, 0x5C)
      case 0x0A: append(0x5C, 0x6E)
      case 0x0D: append(0x5C, 0x72)
      case 0x09: append(0x5C, 0x74)
      case 0xE2:
        appendUnicodeEscape(bytes[index + 2] == 0xA8 ? 0x2028 : 0x2029)
        index += 2
      default: appendUnicodeEscape(UInt32(byte))
      }
      index += 1
      run = index
    }
    if run < bytes.count { append(UnsafeBufferPointer(rebasing: bytes[run...])) }
  }

  /// Whether any of the eight bytes of `word` may need an escape: below 0x20, `"`, `\`, 0x7F,
  /// or not ASCII (then the bytes are looked at one by one).
  @inline(__always) private static func someByteMayNeedEscape(_ word: UInt64) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let high: UInt64 = 0x8080_8080_8080_8080
    // A byte below n sets its high bit in `word - n`; equal to c, in `(word ^ c) - 1`.
    let below = (word &- ones &* 0x20)
    let quote = (word ^ (ones &* 0x22)) &- ones
    let backslash = (word ^ (ones &* 0x5C)) &- ones
    let delete = (word ^ (ones &* 0x7F)) &- ones
    return ((below | quote | backslash | delete) & ~word | word) & high != 0
  }

  /// Bytes that are escaped: quote, backslash, control characters, DEL; and 0xE2, the first byte
  /// of U+2028 and U+2029.
  private static let mayNeedEscape: [Bool] = (0...255).map { byte in
    byte == 0x22 || byte == 0x5C || byte < 0x20 || byte == 0x7F || byte == 0xE2
  }

  /// The decimal digits of `value`, without making a String.
  func appendDecimal(_ value: Int) {
    // Most numbers of a report (lines, columns, indexes) have one or two digits.
    if value >= 0, value < 100 {
      if value < 10 { return append(0x30 + UInt8(truncatingIfNeeded: value)) }
      return append(0x30 + UInt8(truncatingIfNeeded: value / 10), 0x30 + UInt8(truncatingIfNeeded: value % 10))
    }
    if value < 0 { append(0x2D) }
    // Digits from the last, dividing by the constant 10 (a multiplication once compiled; a
    // division by a variable power of ten cost tens of cycles a digit).
    var magnitude = value.magnitude
    var digits = 1
    var rest = magnitude / 10
    while rest > 0 {
      digits += 1
      rest /= 10
    }
    let target = reserve(digits)
    for offset in stride(from: digits - 1, through: 0, by: -1) {
      target[offset] = UInt8(truncatingIfNeeded: magnitude % 10) + 0x30
      magnitude /= 10
    }
  }

  /// `\u` and four lower-case hex digits.
  private func appendUnicodeEscape(_ value: UInt32) {
    append(0x5C, 0x75)
    for shift in stride(from: 12, through: 0, by: -4) {
      let digit = UInt8((value >> UInt32(shift)) & 0xF)
      append(digit < 10 ? 0x30 + digit : 0x57 + digit)
    }
  }
}

/// JSON written as UTF-8 bytes as it goes: the one place that lays JSON out (``JSONValue``
/// renders through it). For a report of thousands of findings, building a tree first, or
/// appending to a String, cost more than linting the files.
struct JSONStream {
  let buffer: ByteBuffer
  /// Spaces per level; 0 writes everything on one line.
  private let indent: Int
  /// Open containers, and for each whether something was written in it (bit `depth - 1` of
  /// `written`; containers nest far less than 64 deep, deeper ones read as written).
  private var depth = 0
  private var written: UInt64 = 0
  /// The lowest depth since ``record(_:)`` started.
  private var lowestDepth = 0
  /// Where full chunks go; nil keeps everything in ``buffer``.
  private let output: ReportOutput?

  init(indent: Int = 2, output: ReportOutput? = nil) {
    self.indent = indent
    self.output = output
    buffer = ByteBuffer(capacity: output == nil ? 4096 : ReportOutput.chunkSize + 4096)
  }

  /// Where a stream writes: what elements written apart need to know to be laid out as its own.
  struct Place: Sendable {
    fileprivate let indent: Int
    fileprivate let depth: Int
  }

  var place: Place { Place(indent: indent, depth: depth) }

  /// A stream for elements of the innermost container of the stream at `place`, written apart
  /// (on another thread) and put in with ``appendElements(_:)``; its first element has no comma
  /// before it.
  init(elementsAt place: Place, capacity: Int) {
    indent = place.indent
    output = nil
    depth = place.depth
    buffer = ByteBuffer(capacity: capacity)
  }

  /// What a fixed run of calls wrote from one state of a stream, to be written again from that
  /// state: every result of a SARIF report opens the same objects and names the same members at
  /// the same depth, and writing them call by call cost most of the report.
  struct Recording: Sendable {
    fileprivate let bytes: [UInt8]
    fileprivate let depth: Int
    /// The containers the calls left open that they did not open (levels up to the lowest they
    /// reached): whether something was written in them is the stream's, and the calls'.
    fileprivate let kept: UInt64
    /// Whether something was written in each container, as the calls left them.
    fileprivate let written: UInt64
  }

  /// Runs `calls` on this stream and returns what they wrote, taking it out of the stream (which
  /// stays in the state they left it in, to record what comes next).
  mutating func record(_ calls: (inout JSONStream) -> Void) -> Recording {
    lowestDepth = depth
    calls(&self)
    let floor = min(lowestDepth, 64)
    let kept: UInt64 = floor == 64 ? ~0 : (1 << UInt64(floor)) - 1
    let below: UInt64 = floor == 0 ? 0 : (1 << UInt64(floor - 1)) - 1
    let recording = Recording(bytes: buffer.bytes, depth: depth, kept: kept, written: written & ~below)
    buffer.removeAll()
    return recording
  }

  /// Writes what `recording` holds; this stream must be in the state it was recorded from, up
  /// to the lowest container the recorded calls reached.
  @inline(__always) mutating func write(_ recording: Recording) {
    handOverFullChunk()
    recording.bytes.withUnsafeBufferPointer { buffer.append($0) }
    depth = recording.depth
    written = written & recording.kept | recording.written
  }

  /// The elements another stream wrote (``init(elementsAt:capacity:)``), as the next elements of
  /// the innermost container.
  mutating func appendElements(_ elements: JSONStream) {
    guard elements.buffer.count > 0 else { return }
    // The elements start with their own line break.
    if advance() { buffer.append(0x2C) }
    // Many elements go to the output where they are, after what this stream holds: copying
    // them here cost as much as writing them.
    if let output, elements.buffer.count >= ReportOutput.chunkSize {
      output.take(buffer)
      output.take(elements.buffer)
    } else {
      elements.buffer.withBytes { buffer.append($0) }
    }
  }

  /// Hands everything written so far to the output.
  func finish() { output?.take(buffer) }

  /// A comma when `comma`, then a line break and the indentation of `level`.
  private func newline(_ level: Int, comma: Bool = false) {
    guard indent > 0 else { return comma ? buffer.append(0x2C) : () }
    buffer.appendBreak(comma: comma, spaces: indent * level)
  }

  private var isWritten: Bool { depth > 64 || written & (1 << UInt64(depth - 1)) != 0 }

  /// Starts the next member or element of the innermost container.
  private mutating func next() {
    let comma = advance()
    if depth > 0 { newline(depth, comma: comma) }
  }

  /// A chunk's worth written goes to the output.
  @inline(__always) private func handOverFullChunk() {
    if buffer.count >= ReportOutput.chunkSize, let output { output.take(buffer) }
  }

  /// What starts every member and element: a full chunk handed to the output, and the innermost
  /// container marked written. Whether a comma goes before what comes next.
  private mutating func advance() -> Bool {
    handOverFullChunk()
    guard depth > 0 else { return false }
    let comma = isWritten
    if depth <= 64 { written |= 1 << UInt64(depth - 1) }
    return comma
  }

  /// A member's name written as it is: the names reporters write are literals that need no
  /// escape, and a report writes a million of them.
  mutating func key(_ name: StaticString) {
    guard indent > 0, depth > 0 else {
      next()
      return buffer.appendKey(name, spaced: indent > 0)
    }
    buffer.appendBreak(comma: advance(), spaces: indent * depth, key: name)
  }

  /// A member's name from data, escaped.
  mutating func key(escaping name: String) {
    next()
    buffer.appendJSONString(name)
    buffer.append(0x3A)  // :
    if indent > 0 { buffer.append(0x20) }
  }

  /// Starts an array element.
  mutating func element() { next() }

  mutating func open(_ bracket: UInt8) {
    buffer.append(bracket)
    depth += 1
    if depth <= 64 { written &= ~(1 << UInt64(depth - 1)) }
  }

  mutating func close(_ bracket: UInt8) {
    let wasWritten = isWritten
    depth -= 1
    lowestDepth = min(lowestDepth, depth)
    if wasWritten { newline(depth) }
    buffer.append(bracket)
  }

  mutating func openObject() { open(0x7B) }
  mutating func closeObject() { close(0x7D) }
  mutating func openArray() { open(0x5B) }
  mutating func closeArray() { close(0x5D) }

  func string(_ text: String) { buffer.appendJSONString(text) }
  /// A value built as a tree, written at the current depth.
  mutating func value(_ value: JSONValue) {
    switch value {
    case .object(let members):
      openObject()
      for (name, member) in members {
        key(escaping: name)
        self.value(member)
      }
      closeObject()
    case .array(let elements):
      openArray()
      for element in elements {
        self.element()
        self.value(element)
      }
      closeArray()
    case .string(let text): string(text)
    case .int(let number): int(number)
    case .bool(let flag): buffer.append(flag ? "true" : "false")
    case .null: null()
    }
  }
  func string(_ text: String?) { if let text { string(text) } else { null() } }
  /// One string of `first`, `separator`, `second` and `end` joined (``ByteBuffer/appendJSONString(_:_:_:_:)``).
  func string(_ first: String, _ separator: StaticString, _ second: String, _ end: StaticString = "") {
    buffer.appendJSONString(first, separator, second, end)
  }
  func int(_ value: Int) { buffer.appendDecimal(value) }
  func null() { buffer.append("null") }
  /// A line break after the document.
  func endLine() { buffer.append(0x0A) }

  /// `"key": value` for a string or number member.
  mutating func member(_ name: StaticString, _ value: String?) {
    key(name)
    string(value)
  }

  mutating func member(_ name: StaticString, _ value: Int) {
    key(name)
    int(value)
  }
}
