/// PostgreSQL's eight table-level lock modes, weakest first.
package enum LockMode: Int, Sendable, CaseIterable, Comparable {
  case accessShare, rowShare, rowExclusive, shareUpdateExclusive, share, shareRowExclusive,
    exclusive, accessExclusive

  /// The name PostgreSQL uses (`ACCESS EXCLUSIVE`).
  package var name: String {
    switch self {
    case .accessShare: "ACCESS SHARE"
    case .rowShare: "ROW SHARE"
    case .rowExclusive: "ROW EXCLUSIVE"
    case .shareUpdateExclusive: "SHARE UPDATE EXCLUSIVE"
    case .share: "SHARE"
    case .shareRowExclusive: "SHARE ROW EXCLUSIVE"
    case .exclusive: "EXCLUSIVE"
    case .accessExclusive: "ACCESS EXCLUSIVE"
    }
  }

  /// PostgreSQL's conflict matrix ("Conflicting Lock Modes" in the documentation), one bit per
  /// mode in `rawValue` order; a table because rules ask on every statement.
  private static let conflictMasks: [UInt8] = [
    0b1000_0000,  // ACCESS SHARE: ACCESS EXCLUSIVE
    0b1100_0000,  // ROW SHARE: EXCLUSIVE, ACCESS EXCLUSIVE
    0b1111_0000,  // ROW EXCLUSIVE: SHARE and stronger
    0b1111_1000,  // SHARE UPDATE EXCLUSIVE: itself and stronger
    0b1110_1100,  // SHARE: ROW EXCLUSIVE, SHARE UPDATE EXCLUSIVE, SHARE ROW EXCLUSIVE and stronger
    0b1111_1100,  // SHARE ROW EXCLUSIVE: ROW EXCLUSIVE and stronger
    0b1111_1110,  // EXCLUSIVE: all but ACCESS SHARE
    0b1111_1111,  // ACCESS EXCLUSIVE: all
  ]

  package func conflicts(with other: LockMode) -> Bool {
    Self.conflictMasks[rawValue] & (1 << UInt8(other.rawValue)) != 0
  }

  /// `SELECT` takes ACCESS SHARE: a mode that conflicts with it blocks reads.
  package var blocksReads: Bool { conflicts(with: .accessShare) }
  /// `INSERT`/`UPDATE`/`DELETE` take ROW EXCLUSIVE: a mode that conflicts with it blocks writes.
  package var blocksWrites: Bool { conflicts(with: .rowExclusive) }

  /// The lock stops normal traffic: the hazard lock rules are about.
  package var blocksReadsOrWrites: Bool { blocksReads || blocksWrites }

  /// What the lock stops: "reads and writes", "writes", …
  package var blocked: String {
    if blocksReads { return "reads and writes" }
    if blocksWrites { return "writes" }
    if self == .shareUpdateExclusive { return "other schema changes and VACUUM" }
    return "only stronger locks"
  }

  /// "blocks reads and writes", for messages.
  package var blockedDescription: String { "blocks " + blocked }

  /// LOCK TABLE's mode number in a parse tree: 1 = ACCESS SHARE … 8 = ACCESS EXCLUSIVE.
  init?(libpgQuery number: Int) { self.init(rawValue: number - 1) }

  package static func < (lhs: LockMode, rhs: LockMode) -> Bool { lhs.rawValue < rhs.rawValue }
}
