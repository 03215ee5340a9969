import MigLintSyntax

/// The schema model's content in the replay cache's encoding.
extension Catalog {
  /// The model's content (tables, indexes, views, objects) and the replay's position in
  /// ``ByteWriter``'s encoding; the reverse look-ups are rebuilt on load, a journal is never part
  /// of it.
  package func snapshot(into writer: inout ByteWriter) {
    // Rules compare origins' sequences (a `SELECT *` view reads the columns older than itself):
    // the objects created after a resume must number on from where the replay stopped.
    writer.int(origin.sequence)
    func write<Key: Comparable, Value>(
      _ map: [Key: Value], _ key: (inout ByteWriter, Key) -> Void, _ element: (inout ByteWriter, Value) -> Void
    ) {
      writer.int(map.count)
      for (name, value) in map.sorted(by: { $0.key < $1.key }) {
        key(&writer, name)
        element(&writer, value)
      }
    }
    let string = { (writer: inout ByteWriter, key: String) in writer.string(key) }
    write(tables, string) { $0.table($1) }
    write(indexes, string) { $0.index($1) }
    write(views, string) { $0.view($1) }
    write(objects, { $0.objectKey($1) }) { $0.object($1) }
  }

  /// Constraint kinds by their number in a snapshot (a number decodes faster than a name; a
  /// cache entry is only read by the binary that wrote it, so the order may change).
  static let constraintKinds = ConstraintDefinition.Kind.allCases

  /// A model read back from ``snapshot(into:)``.
  package init(snapshot reader: inout ByteReader) throws(SnapshotError) {
    origin.sequence = try reader.int()
    let tableCount = try reader.count()
    tables.reserveCapacity(tableCount)
    for _ in 0..<tableCount {
      let key = try reader.string()
      let table = try reader.table()
      setTable(key, table)
      for constraint in table.constraints { noteReference(from: key, to: constraint.referencedTable) }
    }
    let indexCount = try reader.count()
    indexes.reserveCapacity(indexCount)
    for _ in 0..<indexCount { setIndex(try reader.string(), try reader.index()) }
    for _ in 0..<(try reader.count()) { setView(try reader.string(), try reader.view()) }
    for _ in 0..<(try reader.count()) { setObject(try reader.objectKey(), try reader.object()) }
  }
}
