import MigLintCore

/// goose: `-- +goose Up` / `-- +goose Down`; a file runs in a transaction unless it says
/// `-- +goose NO TRANSACTION`.
struct Goose: SectionLayout {
  let markerPrefix = "+goose "
  let downMarker = "-- +goose Down"
  var downsAreOptional: Bool { true }

  func transaction(_ builder: LayoutBuilder, _ direction: MigrationDirection) -> ToolTransaction? {
    builder.wrapped("this file", optOut: "Add `-- +goose NO TRANSACTION` to the file")
  }

  func expectedDown(of migration: Migration, upFile: LayoutFile) -> String { "a `-- +goose Down` section" }
}
