import MigLintCore

/// dbmate: `-- migrate:up` / `-- migrate:down`, each section in a transaction unless its marker
/// says `transaction:false`.
struct Dbmate: SectionLayout {
  let markerPrefix = "migrate:"
  let downMarker = "-- migrate:down"
  var keepsUnmarkedFiles: Bool { true }

  func transaction(_ builder: LayoutBuilder, _ direction: MigrationDirection) -> ToolTransaction? {
    builder.wrapped("this section", optOut: "Write the marker as `-- migrate:\(direction.rawValue) transaction:false`")
  }

  func expectedDown(of migration: Migration, upFile: LayoutFile) -> String {
    "a `-- migrate:down` section (dbmate refuses a file without one)"
  }
}
