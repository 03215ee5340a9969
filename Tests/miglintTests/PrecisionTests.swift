import Foundation
import MigLintTestSupport
import Testing

/// The precision harness: look-alikes of patterns found in public projects' migrations, each
/// with the exact findings expected on default settings. A false finding that comes back, or a
/// true one that goes away, fails here.
@Suite struct PrecisionTests {
  /// Lints `files` (relative path → text) in a new directory and returns "path:line rule" for
  /// every finding, sorted. `deployed` files are written first and recorded as deployed
  /// (`miglint sum` on `root`).
  func findings(
    _ files: [String: String], deployed: [String: String] = [:], _ arguments: [String] = [], in root: String = ".",
    messages: Bool = false
  ) throws -> [String] {
    let directory = try TestLint.makeDirectory(deployed)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    if !deployed.isEmpty { #expect(try CLI.run(["sum", root], in: directory).status == 0) }
    for (path, text) in files {
      let url = URL(fileURLWithPath: directory + "/" + path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try text.write(to: url, atomically: true, encoding: .utf8)
    }
    let result = try CLI.run([root, "--format", "json", "--no-cache"] + arguments, in: directory)
    #expect(result.status == 0 || result.status == 1, "exit \(result.status): \(result.stderr)")
    let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    let diagnostics = json?["diagnostics"] as? [[String: Any]] ?? []
    let rows = diagnostics.map { item in
      (
        path: (item["path"] as? String ?? "").replacing(directory + "/", with: ""), line: item["line"] as? Int ?? 0,
        rule: (item["rule"] as? String ?? "") + (messages ? ": " + (item["message"] as? String ?? "") : "")
      )
    }
    return rows.sorted { ($0.path, $0.line, $0.rule) < ($1.path, $1.line, $1.rule) }.map {
      "\($0.path):\($0.line) \($0.rule)"
    }
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

extension PrecisionTests {
  // MARK: - Function bodies run when called

  @Test func statementsInFunctionBodiesAreNotLintedAsIfTheMigrationRanThem() throws {
    let found = try findings([
      "db/0001_posts.up.sql": "CREATE TABLE posts (id bigint PRIMARY KEY, comments int);\n",
      "db/0001_posts.down.sql": "DROP TABLE posts;\n",
      "db/0002_counts.up.sql": """
      SET lock_timeout = '5s';
      CREATE TABLE post_aggregates (post_id bigint PRIMARY KEY, comments int);
      CREATE FUNCTION post_aggregates_comment_count() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        LOCK TABLE posts IN EXCLUSIVE MODE;
        UPDATE post_aggregates pa SET comments = comments + 1 WHERE pa.post_id = NEW.post_id;
        UPDATE posts SET comments = comments + 1;
        CREATE INDEX CONCURRENTLY posts_comments_idx ON posts (comments);
        RETURN NEW;
      END $$;
      DO $$ BEGIN UPDATE posts SET comments = 0; END $$;

      """,
      "db/0002_counts.down.sql": "DROP FUNCTION post_aggregates_comment_count();\nDROP TABLE post_aggregates;\n",
    ])
    // Only the CONCURRENTLY that fails whenever the function runs (in its caller's transaction),
    // and the DO block's UPDATE, which the migration does run.
    #expect(
      found.filter { $0.hasPrefix("db/0002_counts.up.sql") } == [
        "db/0002_counts.up.sql:8 concurrently-in-transaction",
        "db/0002_counts.up.sql:11 unbatched-backfill",
      ])
  }
}

extension PrecisionTests {
  // MARK: - What PostgreSQL drops without being told

  @Test func downsNeedNotDropWhatPostgresDropsWithTheirObjects() throws {
    let found = try findings([
      "migrations/2020-01-01-000001_posts/up.sql": """
      CREATE TABLE posts (id bigint PRIMARY KEY, score int, deleted_at timestamptz);
      CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);
      CREATE TABLE events_2020 PARTITION OF events FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');

      """,
      "migrations/2020-01-01-000001_posts/down.sql": "DROP TABLE events_2020;\nDROP TABLE events;\nDROP TABLE posts;\n",
      "migrations/2020-01-01-000002_ranks/up.sql": """
      CREATE MATERIALIZED VIEW post_ranks AS SELECT id, score FROM posts;
      CREATE UNIQUE INDEX post_ranks_id_idx ON post_ranks (id);
      ALTER TABLE posts ADD COLUMN archived boolean;
      CREATE INDEX posts_live_idx ON posts (score) WHERE archived IS NOT TRUE;
      CREATE INDEX events_at_idx ON ONLY events (at);
      CREATE INDEX events_2020_at_idx ON events_2020 (at);
      ALTER INDEX events_at_idx ATTACH PARTITION events_2020_at_idx;

      """,
      "migrations/2020-01-01-000002_ranks/down.sql": """
      DROP INDEX events_at_idx;
      ALTER TABLE posts DROP COLUMN archived;
      DROP MATERIALIZED VIEW post_ranks;

      """,
    ])
    #expect(!found.contains { $0.hasSuffix(" down-does-not-revert-up") }, "\(found)")
  }
}

extension PrecisionTests {
  // MARK: - Statements the PostgreSQL 15 grammar rejects

  @Test func aTableCreatedWithSyntaxTheParserRejectsIsStillNew() throws {
    let found = try findings([
      "db/0001_accounts.up.sql": """
      CREATE TABLE accounts (id bigint, email text, CONSTRAINT accounts_id_not_null NOT NULL id);
      CREATE INDEX accounts_email_idx ON accounts (email);
      ALTER TABLE accounts ADD COLUMN plan text NOT NULL;

      """,
      "db/0001_accounts.down.sql": "DROP TABLE accounts;\n",
    ])
    // The table is new: no lock finding on the index, no failing NOT NULL column, and the down
    // reverts the up.
    #expect(found.filter { $0.hasPrefix("db/0001_accounts.up.sql") } == ["db/0001_accounts.up.sql:1 syntax-error"])
    #expect(!found.contains { $0.hasSuffix(" down-does-not-revert-up") })
  }
}

extension PrecisionTests {
  // MARK: - Down migrations revert their own up

  @Test func downsAreNotGivenExpandContractOrTypeAdvice() throws {
    let found = try findings([
      "db/0001_users.up.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text, seen timestamptz);\n",
      "db/0001_users.down.sql": "DROP TABLE users;\n",
      "db/0002_rename.up.sql": """
      ALTER TABLE users RENAME COLUMN email TO email_address;
      ALTER TABLE users ALTER COLUMN seen TYPE timestamptz;
      CREATE VIEW user_emails AS SELECT id, email_address FROM users;

      """,
      "db/0002_rename.down.sql": """
      DROP VIEW user_emails;
      ALTER TABLE users RENAME COLUMN email_address TO email;
      ALTER TABLE users ALTER COLUMN seen TYPE timestamp;
      ALTER TABLE users DROP COLUMN email CASCADE;
      ALTER TABLE users ADD COLUMN email varchar(200);

      """,
      "db/0003_audit.up.sql": "CREATE TABLE audit (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));\n",
      "db/0003_audit.down.sql": "DROP TABLE users;\n",
    ])
    let down = found.filter { $0.contains(".down.sql") }
    let advice = [
      "drop-object", "rename-column", "drop-column", "cascade-drop", "timestamp-without-time-zone", "varchar-length",
      "drop-table",
    ]
    #expect(!down.contains { row in advice.contains { row.hasSuffix(" " + $0) } }, "\(down)")
    // What fails stays an error in a down: `users` is still referenced by `audit`.
    #expect(down.contains("db/0003_audit.down.sql:1 drop-table-referenced"))
  }
}

extension PrecisionTests {
  // MARK: - Messages say what the lock blocks

  @Test func lockTimeoutMessagesNameWhatQueues() {
    let share = TestLint.lint("CREATE INDEX users_email_idx ON users (email);", select: ["missing-lock-timeout"])
    #expect(share.map(\.message).contains { $0.contains("every write on `users` queues") })
    let exclusive = TestLint.lint("ALTER TABLE users ADD COLUMN note text;", select: ["missing-lock-timeout"])
    #expect(exclusive.map(\.message).contains { $0.contains("every query on `users` queues") })
  }
}

extension PrecisionTests {
  @Test func noOpsAreNotReported() throws {
    let deployed = [
      "db/0001_users.up.sql": "CREATE TABLE users (id bigint PRIMARY KEY, nickname text, seen timestamp);\n",
      "db/0001_users.down.sql": "DROP TABLE users;\n",
    ]
    let found = try findings(
      [
        "db/0002_tidy.up.sql": """
        SET lock_timeout = '5s';
        ALTER TABLE users ALTER COLUMN nickname DROP NOT NULL;
        DROP INDEX IF EXISTS users;
        ALTER TABLE users ALTER COLUMN seen TYPE timestamptz USING seen;

        """,
        "db/0002_tidy.down.sql": "SET lock_timeout = '5s';\nALTER TABLE users ALTER COLUMN seen TYPE timestamp;\n",
      ], deployed: deployed, in: "db", messages: true)
    let up = found.filter { $0.hasPrefix("db/0002_tidy.up.sql") }
    #expect(up.count == 1, "\(up)")
    #expect(up.first?.contains("alter-column-type: ") == true)
    #expect(up.first?.contains("unless the session TimeZone is UTC") == true)
  }
}

extension PrecisionTests {
  @Test func aDroppedColumnWhoseDataWasCopiedIsNotCalledLost() {
    let copied = TestLint.lint(
      """
      ALTER TABLE users ADD COLUMN email_address text;
      UPDATE users SET email_address = email;
      ALTER TABLE users DROP COLUMN email;
      """, select: ["drop-column"])
    #expect(copied.count == 1)
    #expect(copied.first?.message.contains("its data was copied on line 2") == true)
    let rewritten = TestLint.lint(
      """
      UPDATE users SET email = lower(email);
      ALTER TABLE users DROP COLUMN email;
      """, select: ["drop-column"])
    #expect(rewritten.first?.message.contains("its data is lost") == true)
  }
}

extension PrecisionTests {
  // MARK: - Layouts

  @Test func nestedSqitchChangesAreOneProject() throws {
    let plan = """
      %syntax-version=1.0.0
      %project=zoo

      warehouse/schema 2024-01-01T00:00:00Z Ann <ann@example.com> # schema
      warehouse/organism [warehouse/schema] 2024-01-02T00:00:00Z Ann <ann@example.com> # organisms

      """
    let files = [
      "db/sqitch.plan": plan,
      "db/deploy/warehouse/schema.sql": "CREATE SCHEMA warehouse;\n",
      "db/revert/warehouse/schema.sql": "DROP SCHEMA warehouse;\n",
      "db/deploy/warehouse/organism.sql": "CREATE TABLE warehouse.organism (id bigint PRIMARY KEY, name text);\n",
      "db/revert/warehouse/organism.sql": "DROP TABLE warehouse.organism;\n",
      "db/verify/warehouse/organism.sql": "SELECT id FROM warehouse.organism WHERE false;\n",
    ]
    // The reverts pair with their deploys (no missing-down-migration), and the table the first
    // deploy creates is known to the revert that drops it: one lock finding, nothing else.
    #expect(try findings(files) == ["db/revert/warehouse/organism.sql:1 missing-lock-timeout"])
    #expect(try findings(files, in: "db") == ["db/revert/warehouse/organism.sql:1 missing-lock-timeout"])
  }

  @Test func anEnumValueRenamedLaterIsReported() throws {
    let found = try findings([
      "db/0001_status.up.sql": """
      DO $$ BEGIN
        CREATE TYPE "WorkflowRunStatus" AS ENUM ('PENDING', 'RUNNING');
      EXCEPTION WHEN duplicate_object THEN null;
      END $$;

      """,
      "db/0002_rename.up.sql": "ALTER TYPE \"WorkflowRunStatus\" RENAME VALUE 'PENDING' TO 'QUEUED';\n",
    ])
    #expect(found.contains("db/0002_rename.up.sql:1 rename-object"))
  }
}

extension PrecisionTests {
  // MARK: - What a view reads

  @Test func aViewColumnResolvesInItsOwnSubquery() throws {
    let deployed = [
      "db/0001_schema.up.sql": """
      CREATE TABLE user_ (id int PRIMARY KEY, name text);
      CREATE TABLE post (id int PRIMARY KEY, name varchar(100), creator_id int);
      CREATE TABLE comment (id int PRIMARY KEY, post_id int, creator_id int);
      CREATE VIEW comment_view AS
      SELECT c.*,
        (SELECT name FROM user_ WHERE c.creator_id = user_.id) AS creator_name,
        (SELECT p.creator_id FROM post p WHERE p.id = c.post_id) AS post_creator
      FROM comment c;

      """,
      "db/0001_schema.down.sql": "DROP VIEW comment_view;\nDROP TABLE comment, post, user_;\n",
    ]
    let found = try findings(
      [
        "db/0002_title.up.sql": "ALTER TABLE post ALTER COLUMN name TYPE varchar(200);\n",
        "db/0002_title.down.sql": "ALTER TABLE post ALTER COLUMN name TYPE varchar(100);\n",
        "db/0003_users.up.sql": "ALTER TABLE user_ ALTER COLUMN name TYPE varchar(50);\n",
        "db/0003_users.down.sql": "ALTER TABLE user_ ALTER COLUMN name TYPE text;\n",
      ], deployed: deployed, in: "db")
    // `name` in the subquery is `user_.name`: changing `post.name` does not touch the view,
    // changing `user_.name` is refused.
    #expect(
      !found.contains { $0.hasPrefix("db/0002_title") && $0.hasSuffix("alter-column-type-referenced") }, "\(found)")
    #expect(found.contains("db/0003_users.up.sql:1 alter-column-type-referenced"), "\(found)")
  }
}

extension PrecisionTests {
  // MARK: - What the migration restores itself

  @Test func dependentsTheScriptDropsOrRecreatesItselfAreNotLost() throws {
    let deployed = [
      "migrations/00001_init.sql": """
      -- +goose Up
      CREATE TABLE "Action" ("id" text NOT NULL, "tenantId" uuid, CONSTRAINT "Action_pkey" PRIMARY KEY ("id"));
      CREATE TABLE "_ActionToWorker" ("A" text NOT NULL, "B" uuid NOT NULL);
      CREATE UNIQUE INDEX "_ActionToWorker_AB_unique" ON "_ActionToWorker"("A", "B");
      CREATE TABLE runs (id bigint PRIMARY KEY, idempotency_key text);
      CREATE FUNCTION runs_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO runs_log (id, idempotency_key) VALUES (NEW.id, NEW.idempotency_key); RETURN NEW; END $$;

      """
    ]
    let found = try findings(
      [
        "migrations/00002_ids.sql": """
        -- +goose Up
        ALTER TABLE "Action" DROP CONSTRAINT "Action_pkey",
        DROP COLUMN "id",
        ADD COLUMN "id" uuid,
        ADD CONSTRAINT "Action_pkey" PRIMARY KEY ("id");
        ALTER TABLE "_ActionToWorker" DROP COLUMN "A", ADD COLUMN "A" uuid;
        CREATE UNIQUE INDEX "_ActionToWorker_AB_unique" ON "_ActionToWorker"("A", "B");
        ALTER TABLE runs DROP COLUMN idempotency_key;
        CREATE OR REPLACE FUNCTION runs_insert() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO runs_log (id) VALUES (NEW.id); RETURN NEW; END $$;

        """
      ], deployed: deployed, in: "migrations")
    #expect(!found.contains { $0.hasSuffix(" drop-column-referenced") }, "\(found)")
  }
}

extension PrecisionTests {
  @Test func aPrimaryKeyReplacedInTheSameStatementAndCommonWordsInFunctionsAreNotDependents() throws {
    let deployed = [
      "db/0001_aggregates.up.sql": """
      CREATE TABLE community_aggregates (id serial PRIMARY KEY, community_id int UNIQUE, comments int);
      CREATE FUNCTION community_aggregates_comment_count() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE community_aggregates SET comments = comments + 1 WHERE community_id = NEW.id;
        RETURN NEW;
      END $$;

      """,
      "db/0001_aggregates.down.sql":
        "DROP FUNCTION community_aggregates_comment_count();\nDROP TABLE community_aggregates;\n",
    ]
    let found = try findings(
      [
        "db/0002_keys.up.sql": """
        ALTER TABLE community_aggregates
            DROP COLUMN id,
            ADD PRIMARY KEY (community_id),
            DROP CONSTRAINT community_aggregates_community_id_key;

        """,
        "db/0002_keys.down.sql": "ALTER TABLE community_aggregates DROP CONSTRAINT community_aggregates_pkey;\n",
      ], deployed: deployed, in: "db")
    #expect(!found.contains { $0.hasSuffix(" drop-column-referenced") }, "\(found)")
  }
}

extension PrecisionTests {
  /// popx splits one change into numbered parts whose downs undo the parts in another order.
  @Test func splitPopMigrationsRevertAsAGroup() throws {
    let files = [
      "migrations/20210410175418000000_network.postgres.up.sql": "ALTER TABLE flows ADD COLUMN nid uuid;\n",
      "migrations/20210410175418000000_network.postgres.down.sql": "DROP INDEX flows_nid_idx;\n",
      "migrations/20210410175418000001_network.postgres.up.sql": "CREATE INDEX flows_nid_idx ON flows (nid);\n",
      "migrations/20210410175418000001_network.postgres.down.sql": "ALTER TABLE flows DROP COLUMN nid;\n",
      "migrations/20210410175418000000_network.mysql.up.sql": "ALTER TABLE flows ADD COLUMN nid char(36);\n",
      "migrations/20210410175418000000_network.mysql.down.sql": "ALTER TABLE flows DROP COLUMN nid;\n",
      "migrations/20210512000000000000_seen.postgres.up.sql": "ALTER TABLE flows ALTER COLUMN seen DROP NOT NULL;\n",
      "migrations/20210512000000000000_seen.postgres.down.sql": "ALTER TABLE flows ALTER COLUMN seen DROP NOT NULL;\n",
      "migrations/20210512000000000001_seen.postgres.up.sql": "\n",
      "migrations/20210512000000000001_seen.postgres.down.sql": "UPDATE flows SET seen = now() WHERE seen IS NULL;\n",
    ]
    let deployed = [
      "migrations/20200101000000000000_flows.postgres.up.sql":
        "CREATE TABLE flows (id uuid PRIMARY KEY, seen timestamptz NOT NULL);\n",
      "migrations/20200101000000000000_flows.postgres.down.sql": "DROP TABLE flows;\n",
    ]
    let found = try findings(files, deployed: deployed, in: "migrations", messages: true)
    let reverts = found.filter { $0.contains("down-does-not-revert-up") }
    // The first group reverts as a whole; the second never restores NOT NULL.
    #expect(reverts.count == 1, "\(found)")
    #expect(reverts.first?.contains("20210512000000000000 to 20210512000000000001") == true)
    #expect(reverts.first?.contains("`flows.seen` is nullable now") == true)
  }
}

extension PrecisionTests {
  @Test func aCheckOnColumnsTheStatementDropsTogetherIsNotLost() throws {
    let deployed = [
      "prisma/migrations/20231221101005_templates/migration.sql": """
      CREATE TABLE "Field" ("id" serial PRIMARY KEY, "documentId" int, "templateId" int, "envelopeId" text);
      ALTER TABLE "Field" ADD CONSTRAINT "Field_templateId_documentId_check" CHECK ("templateId" IS NULL OR "documentId" IS NULL);

      """,
      "prisma/migrations/migration_lock.toml": "provider = \"postgresql\"\n",
    ]
    let found = try findings(
      [
        "prisma/migrations/20250918070645_envelopes/migration.sql": """
        ALTER TABLE "Field" DROP COLUMN "documentId",
        DROP COLUMN "templateId";

        """
      ], deployed: deployed, in: "prisma/migrations")
    #expect(!found.contains { $0.hasSuffix(" drop-column-referenced") }, "\(found)")
  }
}

extension PrecisionTests {
  @Test func replacementsInTheSameStatementOrScriptAreNotLosses() throws {
    let deployed = [
      "db/0001_schema.up.sql": """
      CREATE TABLE collections (collection_id serial PRIMARY KEY, name text);
      CREATE TABLE runs (id text NOT NULL, "workflowRunId" text, CONSTRAINT runs_pkey PRIMARY KEY (id));
      CREATE TABLE instance_block (person_id int, instance_id int);
      CREATE TABLE instance_actions (person_id int, instance_id int, blocked_at timestamptz);

      """,
      "db/0001_schema.down.sql": "DROP TABLE instance_actions, instance_block, runs, collections;\n",
    ]
    let found = try findings(
      [
        "db/0002_rekey.up.sql": """
        BEGIN;
        ALTER TABLE collections ALTER collection_id DROP DEFAULT;
        DROP SEQUENCE collections_collection_id_seq;
        ALTER TABLE collections ALTER collection_id ADD GENERATED ALWAYS AS IDENTITY (RESTART 1000);
        COMMIT;
        ALTER TABLE runs DROP CONSTRAINT runs_pkey, ADD COLUMN uid uuid NOT NULL DEFAULT gen_random_uuid(),
          ADD CONSTRAINT runs_pkey PRIMARY KEY (uid);
        ALTER TABLE runs DROP COLUMN "workflowRunId", ADD COLUMN "workflowRunId" uuid;
        INSERT INTO instance_actions (person_id, instance_id, blocked_at) SELECT person_id, instance_id, now() FROM instance_block;
        DROP TABLE instance_block;

        """,
        "db/0002_rekey.down.sql": "SELECT 1;\n",
      ], deployed: deployed, in: "db", messages: true)
    let up = found.filter { $0.hasPrefix("db/0002_rekey.up.sql") }
    #expect(!up.contains { $0.contains(" drop-object: ") }, "\(up)")
    #expect(
      up.contains { $0.contains("drop-column: Dropping and adding column `runs`.`workflowRunId` again empties it") })
    #expect(up.contains { $0.contains("drop-table: ") && $0.contains("its rows were copied on line 9") })
  }

  @Test func gooseDownsAreOptionalUnlessTheDirectoryAlwaysWritesThem() throws {
    var files: [String: String] = [:]
    for number in 1...10 {
      let down = number == 10 ? "" : "-- +goose Down\nDROP TABLE t\(number);\n"
      files[String(format: "migrations/%05d_t%d.sql", number, number)] =
        "-- +goose Up\nCREATE TABLE t\(number) (id bigint PRIMARY KEY);\n" + down
    }
    #expect(
      try findings(files).filter { $0.hasSuffix(" missing-down-migration") } == [
        "migrations/00010_t10.sql:2 missing-down-migration"
      ])
    files["migrations/00009_t9.sql"] = "-- +goose Up\nCREATE TABLE t9 (id bigint PRIMARY KEY);\n"
    #expect(try findings(files).filter { $0.hasSuffix(" missing-down-migration") }.isEmpty)
  }
}

extension PrecisionTests {
  @Test func keysCoveredByANewPrimaryKeyAndColumnsDroppedIfTheyExistedAreNotLosses() throws {
    let deployed = [
      "migrations/00001_init.sql": """
      -- +goose Up
      CREATE TABLE person_post (id serial PRIMARY KEY, person_id int, post_id int, UNIQUE (person_id, post_id));
      CREATE TABLE limits (tenant_id uuid, resource text);
      CREATE TABLE log_entry (id bigint PRIMARY KEY);
      -- +goose Down
      DROP TABLE log_entry, limits, person_post;

      """
    ]
    let found = try findings(
      [
        "migrations/00002_keys.sql": """
        -- +goose Up
        ALTER TABLE person_post
            DROP COLUMN id,
            ADD PRIMARY KEY (person_id, post_id),
            DROP CONSTRAINT person_post_person_id_post_id_key;
        -- +goose Down
        -- The ids are gone: not reverted.

        """,
        "migrations/00003_limits.sql": """
        -- +goose Up
        LOCK TABLE limits IN ACCESS EXCLUSIVE MODE;
        DELETE FROM limits WHERE resource = 'WORKFLOW_RUN';
        -- +goose Down
        SELECT 1;

        """,
        "migrations/00004_log.sql": """
        -- +goose Up
        ALTER TABLE log_entry ADD COLUMN user_message text, DROP COLUMN IF EXISTS readable_summary;
        -- +goose Down
        ALTER TABLE log_entry DROP COLUMN user_message, ADD COLUMN readable_summary text;

        """,
      ], deployed: deployed, in: "migrations")
    for rule in ["drop-object", "statements-after-access-exclusive", "down-does-not-revert-up"] {
      #expect(!found.contains { $0.hasSuffix(" " + rule) }, "\(rule): \(found)")
    }
    #expect(found.contains("migrations/00003_limits.sql:2 lock-table"))
  }
}

extension PrecisionTests {
  /// ory's popx: generated placeholders that say so, empty PostgreSQL overrides, up-only files.
  @Test func popPlaceholdersAndUpOnlyFilesAreQuiet() throws {
    let found = try findings([
      "migrations/20200101000000000000_init.postgres.up.sql": "CREATE TABLE networks (id uuid PRIMARY KEY);\n",
      "migrations/20200101000000000000_init.mysql.up.sql": "CREATE TABLE networks (id char(36) PRIMARY KEY);\n",
      "migrations/20200102000000000000_placeholder.up.sql":
        "-- Migration generated by the command below; DO NOT EDIT.\n-- hydra:generate hydra migrate gen\n",
      "migrations/20200103000000000000_noop.postgres.up.sql": "",
      "migrations/20200103000000000000_noop.up.sql": "ALTER TABLE networks ADD COLUMN x int;\n",
      "migrations/20200104000000000000_more.up.sql": "CREATE TABLE flows (id uuid PRIMARY KEY);\n",
    ])
    for rule in ["empty-migration", "missing-down-migration"] {
      #expect(!found.contains { $0.hasSuffix(" " + rule) }, "\(rule): \(found)")
    }
    #expect(found.filter { $0.hasSuffix(" unsupported-dialect") }.count == 1)
  }
}

extension PrecisionTests {
  @Test func aCheckReplacedUnnamedAndLocksOfARenamedTableAreNotLosses() throws {
    let deployed = [
      "db/0001_init.up.sql": """
      CREATE TABLE report_combined (id serial PRIMARY KEY, post_report_id int, comment_report_id int,
        CHECK (num_nonnulls (post_report_id, comment_report_id) = 1));
      CREATE TABLE comment_reply (id serial PRIMARY KEY, comment_id int);

      """,
      "db/0001_init.down.sql": "DROP TABLE comment_reply, report_combined;\n",
    ]
    let found = try findings(
      [
        "db/0002_next.up.sql": """
        BEGIN;
        ALTER TABLE report_combined
            ADD COLUMN community_report_id int,
            DROP CONSTRAINT report_combined_check,
            ADD CHECK (num_nonnulls (post_report_id, comment_report_id, community_report_id) = 1);
        ALTER TABLE comment_reply RENAME TO notification;
        ALTER TABLE notification RENAME CONSTRAINT comment_reply_pkey TO notification_pkey;
        COMMIT;

        """,
        "db/0002_next.down.sql": "SELECT 1;\n",
      ], deployed: deployed, in: "db", messages: true)
    #expect(!found.contains { $0.contains(" drop-object: ") }, "\(found)")
    // The constraint rename locks the table renamed just before, not another busy one.
    #expect(
      !found.contains {
        $0.contains(
          "statements-after-access-exclusive: `ALTER TABLE` waits for the ACCESS EXCLUSIVE lock on `notification`")
      },
      "\(found)")
  }
}

extension PrecisionTests {
  /// The downs of a popx group run newest first after all of its ups: dropping the referenced
  /// table in the first part's down is fine once the later part's down dropped its referrer.
  @Test func splitPopDownsAreLintedInRollbackOrder() throws {
    let found = try findings([
      "migrations/20191100000001000000_identities.postgres.up.sql": "CREATE TABLE identities (id uuid PRIMARY KEY);\n",
      "migrations/20191100000001000000_identities.postgres.down.sql": "DROP TABLE identities;\n",
      "migrations/20191100000001000001_identities.postgres.up.sql":
        "CREATE TABLE credentials (id uuid PRIMARY KEY, identity_id uuid REFERENCES identities (id));\n",
      "migrations/20191100000001000001_identities.postgres.down.sql": "DROP TABLE credentials;\n",
      "migrations/20191100000001000000_identities.mysql.up.sql": "CREATE TABLE identities (id char(36) PRIMARY KEY);\n",
    ])
    #expect(
      !found.contains { $0.hasSuffix(" drop-table-referenced") || $0.hasSuffix(" down-does-not-revert-up") }, "\(found)"
    )
  }
}

extension PrecisionTests {
  /// Two rules on one span give one piece of advice.
  @Test func aSerialPrimaryKeyGetsOneReplacementFromBothRules() {
    let found = TestLint.lint(
      "CREATE TABLE \"User\" (\"id\" SERIAL NOT NULL, CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\"));",
      select: ["int-primary-key", "serial-column"])
    #expect(found.count == 2)
    #expect(Set(found.map(\.help)) == ["Use `bigint GENERATED BY DEFAULT AS IDENTITY`"])
    let old = TestLint.lint("CREATE TABLE t (id serial PRIMARY KEY);", select: ["int-primary-key"], pgVersion: 9)
    #expect(old.map(\.help) == ["Use `bigserial`"])
  }
}

extension PrecisionTests {
  /// Messages name the statement's kind from the parse tree, not its first words.
  @Test func messagesNameTheStatementKind() {
    func first(_ sql: String, _ rule: String) -> String {
      TestLint.lint(sql, select: [rule]).first?.message ?? ""
    }
    #expect(first("DROP INDEX IF EXISTS users_email_idx;", "missing-lock-timeout").hasPrefix("`DROP INDEX` waits"))
    #expect(first("ALTER TABLE comment DROP COLUMN legacy;", "missing-lock-timeout").hasPrefix("`ALTER TABLE` waits"))
    #expect(
      first("CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;", "non-idempotent-statement")
        .isEmpty)
    #expect(
      first(
        "BEGIN;\nALTER TABLE users ADD COLUMN n int;\nWITH s AS (SELECT 1) UPDATE users SET n = 1;\nCOMMIT;",
        "statements-after-access-exclusive"
      ).hasPrefix("`UPDATE` updates rows"))
  }
}

extension PrecisionTests {
  /// A body PL/pgSQL cannot read is a finding, and bodies inside bodies are followed.
  @Test func unreadableAndNestedBodiesAreNeverSilent() {
    let broken = TestLint.lint(
      "DO $$\nBEGIN\n  ALTER TABLE users ADD COLUMN x int NOT NULL\n  IF x THEN\nEND $$;\n", select: ["syntax-error"])
    #expect(broken.map(\.ruleID) == ["syntax-error"])
    #expect(broken.first?.message.hasPrefix("PL/pgSQL: ") == true)
    let nested = TestLint.lint(
      """
      DO $outer$
      BEGIN
        CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $f$
        BEGIN
          DO $inner$ BEGIN CREATE INDEX CONCURRENTLY i ON users (email); END $inner$;
        END $f$;
      END $outer$;
      """, select: ["concurrently-in-transaction"])
    #expect(nested.map(\.start.line) == [5])
    let deep =
      "DO $$ BEGIN " + String(repeating: "IF true THEN ", count: 5_000) + String(repeating: "END IF; ", count: 5_000)
      + "END $$;"
    #expect(TestLint.lint(deep, select: ["syntax-error"]).count == 1)
  }
}
