import MigLintSyntax

/// Volatility of default expressions: whether ADD COLUMN … DEFAULT rewrites the table.
package enum Volatility {
  /// Functions whose result is fixed per statement (stable or immutable): PostgreSQL 11+ stores
  /// their value once in the catalog instead of rewriting the table.
  static let nonVolatileFunctions: Set<String> = [
    "now", "transaction_timestamp", "statement_timestamp", "current_setting", "to_timestamp",
    "to_date", "to_char", "to_number", "make_date", "make_time", "make_timestamp", "make_timestamptz",
    "make_interval", "date_trunc", "timezone", "lower", "upper", "length", "concat", "concat_ws",
    "md5", "abs", "round", "coalesce", "nullif", "greatest", "least", "jsonb_build_object",
    "jsonb_build_array", "json_build_object", "json_build_array", "to_jsonb", "to_json",
    "array_fill", "pg_catalog.now", "int4", "int8", "text", "numeric", "date", "interval",
  ]

  /// The functions in `expression` that make it volatile; unknown functions count as volatile.
  package static func volatileCalls(in expression: ExpressionSummary) -> [String] {
    expression.functions.filter { !nonVolatileFunctions.contains($0) }
  }
}

/// Binary-coercible type changes: ALTER COLUMN … TYPE that PostgreSQL does without a rewrite.
package enum TypeChange {
  /// The verdict on changing a column from `old` to `new`.
  package enum Verdict: Equatable, Sendable {
    case noRewrite
    /// No rewrite only while the session TimeZone is UTC (timestamp ↔ timestamptz, PostgreSQL 12+).
    case noRewriteIfUTC
    case rewrite
  }

  /// Canonical spelling of a type name for comparison.
  package static func canonical(_ name: String) -> String {
    switch name {
    case "character varying": "varchar"
    case "int", "integer": "int4"
    case "bigint": "int8"
    case "smallint": "int2"
    case "decimal": "numeric"
    case "timestamp with time zone": "timestamptz"
    case "timestamp without time zone": "timestamp"
    case "time without time zone": "time"
    case "time with time zone": "timetz"
    default: name
    }
  }

  package static func verdict(from old: TypeReference, to new: TypeReference, pgVersion: PostgresVersion)
    -> Verdict
  {
    let from = canonical(old.baseName)
    let to = canonical(new.baseName)
    guard old.arrayDimensions == new.arrayDimensions, !old.hasOtherModifiers, !new.hasOtherModifiers else {
      return .rewrite
    }
    if from == to, old.modifiers == new.modifiers { return .noRewrite }
    switch (from, to) {
    case ("varchar", "varchar"):
      // No limit is the widest; a longer limit keeps every value valid.
      guard let newLimit = new.modifiers.first else { return .noRewrite }
      guard let oldLimit = old.modifiers.first else { return .rewrite }
      return newLimit >= oldLimit ? .noRewrite : .rewrite
    case ("varchar", "text"), ("text", "text"):
      return .noRewrite
    case ("text", "varchar"):
      return new.modifiers.isEmpty ? .noRewrite : .rewrite
    case ("numeric", "numeric"):
      guard new.modifiers.count > 0 else { return .noRewrite }
      guard old.modifiers.count > 0 else { return .rewrite }
      let oldScale = old.modifiers.count > 1 ? old.modifiers[1] : 0
      let newScale = new.modifiers.count > 1 ? new.modifiers[1] : 0
      return new.modifiers[0] >= old.modifiers[0] && newScale == oldScale ? .noRewrite : .rewrite
    case ("timestamp", "timestamp"), ("timestamptz", "timestamptz"), ("time", "time"), ("timetz", "timetz"),
      ("interval", "interval"):
      // Higher (or unlimited) fractional-second precision keeps every value.
      guard let newPrecision = new.modifiers.first else { return .noRewrite }
      guard let oldPrecision = old.modifiers.first else { return .rewrite }
      return newPrecision >= oldPrecision ? .noRewrite : .rewrite
    case ("cidr", "inet"):
      return .noRewrite
    case ("timestamp", "timestamptz"), ("timestamptz", "timestamp"):
      return pgVersion.major >= 12 && new.modifiers == old.modifiers ? .noRewriteIfUTC : .rewrite
    default:
      return .rewrite
    }
  }
}
