import MigLintSyntax

/// A compact binary encoding of the schema model, for the replay cache (a long history replayed
/// once, then resumed from where an editor's file starts). Integers are LEB128 varints (zig-zag
/// for the signed ones), strings length-prefixed UTF-8.
package struct ByteWriter: Sendable {
  package private(set) var bytes: [UInt8] = []
  /// Index of each origin path written: every column and constraint has an origin, and a
  /// history has far fewer files than objects, so a path is written once and then referred to.
  private var paths: [String: Int] = [:]

  package init() {}

  package mutating func int(_ value: Int) {
    var rest = UInt64(bitPattern: Int64(value) << 1 ^ Int64(value) >> 63)
    while rest >= 0x80 {
      bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
      rest >>= 7
    }
    bytes.append(UInt8(rest))
  }

  package mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

  package mutating func string(_ value: String) {
    int(value.utf8.count)
    bytes += value.utf8
  }

  package mutating func raw(_ value: [UInt8]) { bytes += value }

  mutating func strings<S: Sequence<String>>(_ values: S) {
    let array = Array(values)
    int(array.count)
    for value in array { string(value) }
  }

  mutating func optional<T>(_ value: T?, _ write: (inout ByteWriter, T) -> Void) {
    bool(value != nil)
    if let value { write(&self, value) }
  }

  mutating func array<T>(_ values: [T], _ write: (inout ByteWriter, T) -> Void) {
    int(values.count)
    for value in values { write(&self, value) }
  }
}

/// Truncated or malformed snapshot bytes.
package struct SnapshotError: Error, Sendable {}

package struct ByteReader: Sendable {
  private let bytes: [UInt8]
  package private(set) var offset = 0
  /// The origin paths read so far, by index (see ``ByteWriter``).
  private var paths: [String] = []

  package init(_ bytes: [UInt8], offset: Int = 0) {
    self.bytes = bytes
    self.offset = offset
  }

  package var isAtEnd: Bool { offset == bytes.count }

  package mutating func int() throws(SnapshotError) -> Int {
    var value: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      guard offset < bytes.count, shift < 64 else { throw SnapshotError() }
      let byte = bytes[offset]
      offset += 1
      value |= UInt64(byte & 0x7F) << shift
      if byte < 0x80 { break }
      shift += 7
    }
    return Int(Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1))
  }

  package mutating func bool() throws(SnapshotError) -> Bool { try int() != 0 }

  package mutating func string() throws(SnapshotError) -> String {
    let count = try int()
    guard count >= 0, count <= bytes.count - offset else { throw SnapshotError() }
    defer { offset += count }
    return String(decoding: bytes[offset..<offset + count], as: UTF8.self)
  }

  package mutating func raw(_ count: Int) throws(SnapshotError) -> [UInt8] {
    guard count <= bytes.count - offset else { throw SnapshotError() }
    defer { offset += count }
    return Array(bytes[offset..<offset + count])
  }

  mutating func count() throws(SnapshotError) -> Int {
    let count = try int()
    // Each element takes at least one byte: a larger count is corrupt.
    guard count >= 0, count <= bytes.count - offset else { throw SnapshotError() }
    return count
  }

  mutating func strings() throws(SnapshotError) -> [String] {
    let count = try count()
    var values: [String] = []
    values.reserveCapacity(count)
    for _ in 0..<count { values.append(try string()) }
    return values
  }

  mutating func optional<T>(_ read: (inout ByteReader) throws(SnapshotError) -> T) throws(SnapshotError) -> T? {
    try bool() ? try read(&self) : nil
  }

  mutating func array<T>(_ read: (inout ByteReader) throws(SnapshotError) -> T) throws(SnapshotError) -> [T] {
    let count = try count()
    var values: [T] = []
    values.reserveCapacity(count)
    for _ in 0..<count { values.append(try read(&self)) }
    return values
  }
}

// MARK: - The model's parts

extension ByteWriter {
  mutating func name(_ value: QualifiedName) {
    optional(value.schema) { $0.string($1) }
    string(value.name)
  }

  mutating func origin(_ value: Origin) {
    // A path read before is its index; a new one is -1 and the path.
    if let index = paths[value.path] {
      int(index)
    } else {
      int(-1)
      string(value.path)
      paths[value.path] = paths.count
    }
    int(value.line)
    int(value.stamp)
    int(value.sequence)
  }

  mutating func type(_ value: TypeReference) {
    strings(value.names)
    array(value.modifiers) { $0.int($1) }
    bool(value.hasOtherModifiers)
    int(value.arrayDimensions)
    optional(value.location) { $0.int($1) }
  }

  mutating func table(_ value: Catalog.Table) {
    name(value.name)
    array(value.columns) { writer, column in
      writer.string(column.name)
      writer.optional(column.type) { $0.type($1) }
      writer.bool(column.notNull)
      writer.optional(column.origin) { $0.origin($1) }
      writer.bool(column.hasDefault)
    }
    array(value.constraints) { writer, constraint in
      writer.string(constraint.name)
      writer.int(Catalog.constraintKinds.firstIndex(of: constraint.kind) ?? 0)
      writer.strings(constraint.columns)
      writer.optional(constraint.referencedTable) { $0.name($1) }
      writer.strings(constraint.referencedColumns)
      writer.bool(constraint.validated)
      writer.strings(constraint.provesNotNull)
      writer.optional(constraint.origin) { $0.origin($1) }
    }
    optional(value.origin) { $0.origin($1) }
  }

  mutating func index(_ value: Catalog.Index) {
    name(value.name)
    name(value.table)
    array(value.columns) { writer, column in writer.optional(column) { $0.string($1) } }
    strings(value.expressionColumns)
    optional(value.parent) { $0.string($1) }
    optional(value.origin) { $0.origin($1) }
  }

  mutating func view(_ value: Catalog.View) {
    name(value.name)
    bool(value.materialized)
    strings(value.relations)
    strings(value.columns.sorted())
    strings(value.allColumnsOf)
    origin(value.origin)
  }

  mutating func object(_ value: Catalog.Object) {
    string(value.kind.rawValue)
    name(value.name)
    optional(value.table) { $0.name($1) }
    strings(value.columns)
    strings(value.words.sorted())
    origin(value.origin)
  }

  mutating func objectKey(_ value: ObjectKey) {
    string(value.kind.rawValue)
    string(value.name)
    optional(value.table) { $0.string($1) }
  }
}

extension ByteReader {
  mutating func name() throws(SnapshotError) -> QualifiedName {
    let schema = try optional { (reader: inout ByteReader) throws(SnapshotError) in try reader.string() }
    return QualifiedName(schema: schema, name: try string())
  }

  mutating func origin() throws(SnapshotError) -> Origin {
    let index = try int()
    let path: String
    if index == -1 {
      path = try string()
      paths.append(path)
    } else {
      guard paths.indices.contains(index) else { throw SnapshotError() }
      path = paths[index]
    }
    return Origin(path: path, line: try int(), stamp: try int(), sequence: try int())
  }

  mutating func type() throws(SnapshotError) -> TypeReference {
    TypeReference(
      names: try strings(),
      modifiers: try array { (reader: inout ByteReader) throws(SnapshotError) in try reader.int() },
      hasOtherModifiers: try bool(), arrayDimensions: try int(),
      location: try optional { (reader: inout ByteReader) throws(SnapshotError) in try reader.int() })
  }

  mutating func table() throws(SnapshotError) -> Catalog.Table {
    let name = try name()
    let columns = try array { (reader: inout ByteReader) throws(SnapshotError) in
      var column = Catalog.Column(
        name: try reader.string(),
        type: try reader.optional { (reader: inout ByteReader) throws(SnapshotError) in try reader.type() },
        notNull: try reader.bool(),
        origin: try reader.optional { (reader: inout ByteReader) throws(SnapshotError) in try reader.origin() })
      column.hasDefault = try reader.bool()
      return column
    }
    let constraints = try array { (reader: inout ByteReader) throws(SnapshotError) in
      let name = try reader.string()
      let kindIndex = try reader.int()
      guard Catalog.constraintKinds.indices.contains(kindIndex) else { throw SnapshotError() }
      let kind = Catalog.constraintKinds[kindIndex]
      return Catalog.Constraint(
        name: name, kind: kind, columns: try reader.strings(),
        referencedTable: try reader.optional { (reader: inout ByteReader) throws(SnapshotError) in try reader.name() },
        referencedColumns: try reader.strings(), validated: try reader.bool(), provesNotNull: try reader.strings(),
        origin: try reader.optional { (reader: inout ByteReader) throws(SnapshotError) in try reader.origin() })
    }
    let origin = try optional { (reader: inout ByteReader) throws(SnapshotError) in try reader.origin() }
    return Catalog.Table(name: name, columns: columns, constraints: constraints, origin: origin)
  }

  mutating func index() throws(SnapshotError) -> Catalog.Index {
    Catalog.Index(
      name: try name(), table: try name(),
      columns: try array { (reader: inout ByteReader) throws(SnapshotError) in
        try reader.optional { (reader: inout ByteReader) throws(SnapshotError) in try reader.string() }
      },
      expressionColumns: try strings(),
      parent: try optional { (reader: inout ByteReader) throws(SnapshotError) in try reader.string() },
      origin: try optional { (reader: inout ByteReader) throws(SnapshotError) in try reader.origin() })
  }

  mutating func view() throws(SnapshotError) -> Catalog.View {
    Catalog.View(
      name: try name(), materialized: try bool(), relations: try strings(), columns: Set(try strings()),
      allColumnsOf: try strings(), origin: try origin())
  }

  mutating func object() throws(SnapshotError) -> Catalog.Object {
    guard let kind = ObjectType(rawValue: try string()) else { throw SnapshotError() }
    return Catalog.Object(
      kind: kind, name: try name(),
      table: try optional { (reader: inout ByteReader) throws(SnapshotError) in try reader.name() },
      columns: try strings(), words: Set(try strings()), origin: try origin())
  }

  mutating func objectKey() throws(SnapshotError) -> ObjectKey {
    guard let kind = ObjectType(rawValue: try string()) else { throw SnapshotError() }
    return ObjectKey(
      kind: kind, name: try string(),
      table: try optional { (reader: inout ByteReader) throws(SnapshotError) in try reader.string() })
  }
}
