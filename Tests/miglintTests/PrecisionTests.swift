import Foundation
import MigLintTestSupport
import Testing

/// The precision harness: look-alikes of patterns found in public projects' migrations, each
/// with the exact findings expected on default settings. A false finding that comes back, or a
/// true one that goes away, fails here.
@Suite struct PrecisionTests {
  /// Lints `files` (relative path → text) in a new directory and returns "path:line rule" for
  /// every finding, sorted.
  func findings(_ files: [String: String], _ arguments: [String] = [], in root: String = ".") throws -> [String] {
    let directory = try TestLint.makeDirectory(files)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let result = try CLI.run([root, "--format", "json", "--no-cache"] + arguments, in: directory)
    #expect(result.status == 0 || result.status == 1, "exit \(result.status): \(result.stderr)")
    let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    let diagnostics = json?["diagnostics"] as? [[String: Any]] ?? []
    return diagnostics.map { item in
      let path = (item["path"] as? String ?? "").replacing(directory + "/", with: "")
      return "\(path):\(item["line"] as? Int ?? 0) \(item["rule"] as? String ?? "")"
    }.sorted()
  }

  // MARK: - Tool section markers

  @Test func dbmateSectionsNeedNoSemicolonBeforeTheMarker() throws {
    let found = try findings([
      "db/migrations/20200101000000_users.sql": """
      -- migrate:up
      CREATE TABLE users (id bigint PRIMARY KEY, email text)

      -- migrate:down
      DROP TABLE users

      """,
      "db/migrations/20200102000000_index.sql": """
      -- migrate:up
      CREATE INDEX users_email_idx ON users (email)
      -- migrate:down
      DROP INDEX users_email_idx

      """,
    ])
    // The table entered the model: the index on it is on a table created by a pending migration
    // (all of them are, without a deploy record) and the downs revert their ups.
    #expect(!found.contains { $0.hasSuffix(" syntax-error") || $0.hasSuffix(" down-does-not-revert-up") })
  }

  @Test func gooseStatementBlocksNeedNoSemicolonBeforeTheirEnd() throws {
    let found = try findings([
      "migrations/00001_users.sql": """
      -- +goose Up
      -- +goose StatementBegin
      CREATE TABLE users (id bigint PRIMARY KEY, email text)
      -- +goose StatementEnd
      -- +goose StatementBegin
      CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN NEW.email := lower(NEW.email); RETURN NEW; END $$
      -- +goose StatementEnd

      -- +goose Down
      DROP FUNCTION touch();
      DROP TABLE users;

      """
    ])
    #expect(!found.contains { $0.hasSuffix(" syntax-error") || $0.hasSuffix(" down-does-not-revert-up") })
    // A real syntax error inside a section is still one.
    let broken = try findings([
      "migrations/00001_users.sql":
        "-- +goose Up\nCREATE TABLE users (id bigint PRIMARY KEY,)\n-- +goose Down\nSELECT 1;\n"
    ])
    #expect(broken == ["migrations/00001_users.sql:2 syntax-error"])
  }
}
