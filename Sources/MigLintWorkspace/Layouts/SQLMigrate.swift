import MigLintCore

/// sql-migrate: `-- +migrate Up` / `-- +migrate Down`, files in name order, each section in a
/// transaction unless its marker says `notransaction`.
struct SQLMigrate: SectionLayout {
  let markerPrefix = "+migrate "
  let downMarker = "-- +migrate Down"
  var ordersByFileName: Bool { true }
  /// sql-migrate keys migrations on file names: there are no versions to collide.
  var versionsAreUnique: Bool { false }

  func transaction(_ builder: LayoutBuilder, _ direction: MigrationDirection) -> ToolTransaction? {
    builder.wrapped(
      "this section", optOut: "Write the marker as `-- +migrate \(direction == .up ? "Up" : "Down") notransaction`")
  }

  func expectedDown(of migration: Migration, upFile: LayoutFile) -> String { "a `-- +migrate Down` section" }
}
