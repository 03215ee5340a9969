"""Generated corpora for the bench: deterministic, and written only when missing.

- `kind`: the first corpus, mixed DDL and DML of which about half is flagged.
- `harsh`: what is hard for a linter: 2,000 migrations where almost every statement is flagged,
  several times (17 findings a file), plus a 1 MB file of the same statements and a 10 MB file
  that repeats it ten times (the same names over and over: per-name structures grow).
- `diesel`: the shape of real projects' histories: diesel's `<timestamp>_<name>/up.sql` and
  `down.sql` pairs that build tables, views, functions and triggers on earlier migrations'
  tables, with many `ALTER TABLE`s and backfills, and downs that undo them.
"""
import os
import random


def kind_statement(rng, n):
    table = f"t{rng.randrange(300)}"
    column = f"c{rng.randrange(40)}"
    kind = rng.randrange(16)
    if kind == 0:
        cols = ",\n  ".join(f"c{i} {rng.choice(['bigint', 'text', 'varchar(80)', 'timestamptz', 'jsonb', 'numeric(12,2)', 'boolean'])}"
                           + rng.choice(["", " NOT NULL", " DEFAULT 0", " NOT NULL DEFAULT now()"]) for i in range(rng.randrange(3, 12)))
        return f"CREATE TABLE IF NOT EXISTS new_{table}_{n} (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  {cols}\n);"
    if kind == 1:
        return f"CREATE INDEX {rng.choice(['', 'CONCURRENTLY '])}idx_{table}_{column}_{n} ON {table} ({column}, lower(c1)) WHERE {column} IS NOT NULL;"
    if kind == 2:
        return f"ALTER TABLE {table} ADD COLUMN {column}_{n} {rng.choice(['text', 'bigint NOT NULL', 'uuid DEFAULT gen_random_uuid()', 'boolean DEFAULT false'])};"
    if kind == 3:
        return f"ALTER TABLE {table} ALTER COLUMN {column} TYPE {rng.choice(['bigint', 'varchar(200)', 'text'])};"
    if kind == 4:
        return f"ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL;"
    if kind == 5:
        return f"ALTER TABLE {table} ADD CONSTRAINT fk_{table}_{n} FOREIGN KEY ({column}) REFERENCES t{rng.randrange(300)} (id){rng.choice(['', ' NOT VALID'])};"
    if kind == 6:
        return f"UPDATE {table} SET {column} = {column} || 'x', c2 = now() WHERE id BETWEEN {n} AND {n + 1000} AND c3 IN (SELECT id FROM t{rng.randrange(300)} WHERE c4 > {rng.randrange(99)});"
    if kind == 7:
        return f"INSERT INTO {table} (id, {column}) VALUES ({n}, 'value {n}'), ({n + 1}, $$dollar; quoted$$) ON CONFLICT (id) DO NOTHING;"
    if kind == 8:
        return f"ALTER TABLE {table} DROP COLUMN IF EXISTS {column};"
    if kind == 9:
        return f"ALTER TABLE {table} RENAME COLUMN {column} TO {column}_renamed_{n};"
    if kind == 10:
        return f"COMMENT ON COLUMN {table}.{column} IS 'Column {n}; it holds things';"
    if kind == 11:
        return (f"CREATE OR REPLACE VIEW v_{table}_{n} AS\n  SELECT a.id, a.{column}, b.c2, count(*) OVER (PARTITION BY a.c1) AS n\n"
                f"  FROM {table} a JOIN t{rng.randrange(300)} b ON b.id = a.c1\n  WHERE a.c3 > now() - interval '7 days';")
    if kind == 12:
        return (f"CREATE OR REPLACE FUNCTION f_{table}_{n}() RETURNS trigger LANGUAGE plpgsql AS $fn$\nBEGIN\n"
                f"  NEW.updated_at := now();\n  RETURN NEW;\nEND;\n$fn$;")
    if kind == 13:
        return f"-- step {n}: keep the lock short\nSET lock_timeout = '{rng.randrange(1, 10)}s';"
    if kind == 14:
        return f"ALTER TABLE {table} ADD CONSTRAINT chk_{table}_{n} CHECK ({column} IS NOT NULL AND c2 > 0) NOT VALID;"
    return f"DELETE FROM {table} WHERE created_at < now() - interval '{rng.randrange(1, 90)} days' AND id < {n};"


def harsh_statement(rng, n):
    """A statement that most linters flag, most of them more than once."""
    table = f"t{rng.randrange(300)}"
    column = f"c{rng.randrange(40)}"
    kind = rng.randrange(22)
    if kind == 0:
        return f"ALTER TABLE {table} ADD COLUMN {column}_{n} text NOT NULL;"
    if kind == 1:
        return f"ALTER TABLE {table} ALTER COLUMN {column} TYPE bigint;"
    if kind == 2:
        return f"CREATE INDEX idx_{table}_{n} ON {table} ({column});"
    if kind == 3:
        return f"ALTER TABLE {table} ADD CONSTRAINT fk_{table}_{n} FOREIGN KEY ({column}) REFERENCES t{rng.randrange(300)} (id);"
    if kind == 4:
        return f"ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL;"
    if kind == 5:
        return f"ALTER TABLE {table} DROP COLUMN {column};"
    if kind == 6:
        return f"ALTER TABLE {table} RENAME COLUMN {column} TO {column}_{n};"
    if kind == 7:
        return f"ALTER TABLE {table} ADD COLUMN {column}_{n} uuid DEFAULT gen_random_uuid();"
    if kind == 8:
        return (f"CREATE TABLE new_{table}_{n} (\n  id serial PRIMARY KEY,\n  name varchar(100),\n  created timestamp,\n"
                f"  doc json,\n  code char(3),\n  owner_id integer REFERENCES {table} (id)\n);")
    if kind == 9:
        return f"UPDATE {table} SET {column} = 0;"
    if kind == 10:
        return f"ALTER TABLE {table} ADD CONSTRAINT uq_{table}_{n} UNIQUE ({column});"
    if kind == 11:
        return f"DROP INDEX idx_{table}_{column};"
    if kind == 12:
        return f"ALTER TABLE {table} ADD CONSTRAINT chk_{table}_{n} CHECK ({column} > 0);"
    if kind == 13:
        return f"DROP TABLE IF EXISTS old_{table}_{n} CASCADE;"
    if kind == 14:
        return f"ALTER TABLE {table} RENAME TO {table}_{n};"
    if kind == 15:
        return f"CREATE INDEX CONCURRENTLY idx2_{table}_{n} ON {table} ({column});"
    if kind == 16:
        return f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE;"
    if kind == 17:
        return f"TRUNCATE {table};"
    if kind == 18:
        return f"ALTER TABLE {table} ADD COLUMN {column}_{n} bigserial;"
    if kind == 19:
        return f"REFRESH MATERIALIZED VIEW mv_{table};"
    if kind == 20:
        return (f"CREATE VIEW v_{table}_{n} AS\n  SELECT a.id, a.{column}, b.c2\n  FROM {table} a JOIN t{rng.randrange(300)} b ON b.id = a.c1\n"
                f"  WHERE a.c3 > now() - interval '7 days';")
    return f"ALTER TABLE {table} ADD PRIMARY KEY ({column});"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as out:
        out.write(text)


def kind(root, file_count):
    """`root/many/NNNNNN_migration.sql` and `root/big/big.sql` (about 1 MB). A big file has a
    folder of its own: miglint reads the files next to a migration as its history."""
    rng = random.Random(20261122)
    n = 0
    for index in range(file_count):
        lines = []
        for _ in range(rng.randrange(2, 10)):
            lines.append(kind_statement(rng, n))
            n += 1
        write(os.path.join(root, "many", f"{index + 1:06d}_migration.sql"), "\n".join(lines) + "\n")
    os.makedirs(os.path.join(root, "big"), exist_ok=True)
    with open(os.path.join(root, "big", "big.sql"), "w") as out:
        size = 0
        while size < 1_000_000:
            text = kind_statement(rng, n) + "\n"
            n += 1
            out.write(text)
            size += len(text)


def harsh(root, file_count):
    """`root/harsh/NNNNNN_migration.sql`, `root/harsh-1mb/one.sql` and `root/harsh-10mb/one.sql`."""
    rng = random.Random(20261127)
    n = 0
    for index in range(file_count):
        lines = []
        for _ in range(rng.randrange(6, 14)):
            lines.append(harsh_statement(rng, n))
            n += 1
        write(os.path.join(root, "harsh", f"{index + 1:06d}_migration.sql"), "\n".join(lines) + "\n")
    pieces = []
    size = 0
    while size < 1_000_000:
        text = harsh_statement(rng, n) + "\n"
        n += 1
        pieces.append(text)
        size += len(text)
    one = "".join(pieces)
    write(os.path.join(root, "harsh-1mb", "one.sql"), one)
    write(os.path.join(root, "harsh-10mb", "one.sql"), one * 10)


def diesel(root, count):
    """`root/diesel/migrations/<timestamp>_<name>/{up,down}.sql`: tables, then views, functions,
    triggers and many ALTER TABLEs on earlier tables, each undone by its down."""
    rng = random.Random(20261128)
    base = os.path.join(root, "diesel", "migrations")
    tables = []
    for index in range(count):
        stamp = f"{2020 + index // 336}-{1 + index // 28 % 12:02d}-{1 + index % 28:02d}-{index % 1_000_000:06d}"
        up, down = [], []
        if not tables or rng.random() < 0.3:
            name = f"table_{index}"
            columns = ",\n  ".join(
                f"col_{i} {rng.choice(['TEXT NOT NULL', 'INTEGER', 'BIGINT NOT NULL DEFAULT 0', 'TIMESTAMP NOT NULL DEFAULT now()', 'VARCHAR(255)', 'BOOLEAN NOT NULL DEFAULT false', 'JSONB'])}"
                for i in range(rng.randrange(3, 10)))
            parent = f",\n  parent_id INTEGER REFERENCES {rng.choice(tables)} (id) ON DELETE CASCADE" if tables else ""
            up.append(f"CREATE TABLE {name} (\n  id SERIAL PRIMARY KEY,\n  {columns}{parent}\n);")
            up.append(f"CREATE INDEX {name}_col_0_idx ON {name} (col_0);")
            if tables:
                up.append(f"CREATE INDEX {name}_parent_idx ON {name} (parent_id);")
            up.append(f"SELECT diesel_manage_updated_at('{name}');")
            down.append(f"DROP TABLE {name};")
            tables.append(name)
        for step in range(rng.randrange(2, 9)):
            table = rng.choice(tables)
            column = f"added_{index}_{step}"
            kind = rng.randrange(9)
            if kind == 0:
                up.append(f"ALTER TABLE {table} ADD COLUMN {column} TEXT NOT NULL DEFAULT '';")
                down.insert(0, f"ALTER TABLE {table} DROP COLUMN {column};")
            elif kind == 1:
                up.append(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER;")
                up.append(f"UPDATE {table} SET {column} = col_1::integer WHERE {column} IS NULL;")
                up.append(f"ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL;")
                down.insert(0, f"ALTER TABLE {table} DROP COLUMN {column};")
            elif kind == 2:
                up.append(f"ALTER TABLE {table} ALTER COLUMN col_1 TYPE TEXT;")
                down.insert(0, f"ALTER TABLE {table} ALTER COLUMN col_1 TYPE VARCHAR(255);")
            elif kind == 3:
                view = f"{table}_view_{index}_{step}"
                up.append(f"CREATE VIEW {view} AS\n  SELECT t.id, t.col_0, t.col_1\n  FROM {table} t\n  WHERE t.id > 0;")
                down.insert(0, f"DROP VIEW {view};")
            elif kind == 4:
                function = f"{table}_touch_{index}_{step}"
                up.append(f"CREATE OR REPLACE FUNCTION {function}() RETURNS TRIGGER AS $$\nBEGIN\n"
                          f"  IF NEW IS DISTINCT FROM OLD THEN\n    NEW.col_0 := coalesce(NEW.col_0, '');\n  END IF;\n"
                          f"  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;")
                up.append(f"CREATE TRIGGER {function}_trigger BEFORE UPDATE ON {table}\n  FOR EACH ROW EXECUTE PROCEDURE {function}();")
                down.insert(0, f"DROP TRIGGER {function}_trigger ON {table};\nDROP FUNCTION {function}();")
            elif kind == 5:
                up.append(f"CREATE INDEX {table}_{column}_idx ON {table} (col_1, col_0);")
                down.insert(0, f"DROP INDEX {table}_{column}_idx;")
            elif kind == 6:
                other = rng.choice(tables)
                up.append(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER REFERENCES {other} (id);")
                down.insert(0, f"ALTER TABLE {table} DROP COLUMN {column};")
            elif kind == 7:
                up.append(f"ALTER TABLE {table} RENAME COLUMN col_2 TO col_2_{index};")
                down.insert(0, f"ALTER TABLE {table} RENAME COLUMN col_2_{index} TO col_2;")
            else:
                up.append(f"INSERT INTO {table} (col_0) SELECT col_0 FROM {rng.choice(tables)} ON CONFLICT DO NOTHING;")
        folder = os.path.join(base, f"{stamp}_step_{index}")
        write(os.path.join(folder, "up.sql"), "-- Your SQL goes here\n" + "\n\n".join(up) + "\n")
        write(os.path.join(folder, "down.sql"), "-- This file should undo anything in `up.sql`\n" + "\n".join(down) + "\n")


def generate(root, file_count):
    """Writes every corpus under `root` once per file count."""
    marker = os.path.join(root, f".generated-v3-{file_count}")
    if os.path.exists(marker):
        return
    import shutil
    shutil.rmtree(root, ignore_errors=True)
    kind(root, file_count)
    harsh(root, file_count)
    diesel(root, max(1, file_count // 4))
    write(marker, "")
