#!/usr/bin/env python3
"""miglint benchmark: time and peak memory as ratios to the raw libpg_query parse (and to squawk).

Generates a deterministic corpus (2,000 migration files and one ~1 MB file), builds the raw-parse
baseline (bench/rawparse.c), and runs each tool alternately, several rounds, in one process so that
machine noise hits all of them alike. Reports medians and ratios; absolute times are for context only.

`miglint` lints the corpus as one migrations directory (layout, schema history, history rules);
`no-history` lints the same files each on its own (`--no-history`). `editor` lints one file of
the directory from standard input, as an editor does, with and without the replay cache. `orm`
lints the first 1,000 files as TypeORM migrations whose `queryRunner.query` strings hold the
same SQL, against the same SQL as `.sql` files (target: at most 1.3x).

Usage: python3 bench/bench.py [--rounds N] [--binary PATH] [--files N]
"""
import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import sysconfig
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
CORPUS = os.path.join(BENCH, "corpus")


def statement(rng, n):
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


def generate(file_count):
    marker = os.path.join(CORPUS, f".generated-{file_count}")
    if os.path.exists(marker):
        return
    shutil.rmtree(CORPUS, ignore_errors=True)
    os.makedirs(os.path.join(CORPUS, "many"))
    rng = random.Random(20261122)
    n = 0
    for index in range(file_count):
        lines = []
        for _ in range(rng.randrange(2, 10)):
            lines.append(statement(rng, n))
            n += 1
        with open(os.path.join(CORPUS, "many", f"{index + 1:06d}_migration.sql"), "w") as out:
            out.write("\n".join(lines) + "\n")
    with open(os.path.join(CORPUS, "big.sql"), "w") as out:
        size = 0
        while size < 1_000_000:
            text = statement(rng, n) + "\n"
            n += 1
            out.write(text)
            size += len(text)
    open(marker, "w").close()


def find_squawk():
    """The squawk binary itself: a pyenv or virtualenv shim on PATH would add its own start-up."""
    installed = os.path.join(sysconfig.get_path("scripts"), "squawk")
    if os.path.exists(installed):
        return installed
    found = shutil.which("squawk")
    if found:
        with open(found, "rb") as handle:
            if handle.read(2) == b"#!":
                try:
                    return subprocess.check_output(["pyenv", "which", "squawk"], text=True).strip()
                except (OSError, subprocess.CalledProcessError):
                    pass
    return found


def measure(command, stdin=None, env=None, cwd=None):
    """Wall time and peak RSS (KiB) of one run; output discarded."""
    source = open(stdin, "rb") if stdin else subprocess.DEVNULL
    start = time.perf_counter()
    process = subprocess.Popen(command, stdin=source, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd)
    _, status, usage = os.wait4(process.pid, 0)
    if stdin:
        source.close()
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss, code


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "miglint"))
    args = parser.parse_args()

    generate(args.files)
    many = sorted(os.path.join(CORPUS, "many", name) for name in os.listdir(os.path.join(CORPUS, "many")) if name.endswith(".sql"))
    big = [os.path.join(CORPUS, "big.sql")]
    corpus_bytes = sum(os.path.getsize(path) for path in many)

    raw = os.path.join(BENCH, "rawparse")
    if not os.path.exists(raw) or os.path.getmtime(raw) < os.path.getmtime(os.path.join(BENCH, "rawparse.c")):
        subprocess.check_call(["cc", "-O2", "-o", raw, os.path.join(BENCH, "rawparse.c"), "-lpg_query"])
    if not os.path.exists(args.binary):
        sys.exit(f"{args.binary} not found: build it with `swift build -c release --static-swift-stdlib`")
    squawk = find_squawk()

    tools = {
        "raw parse": lambda files: [raw] + files,
        "miglint": lambda files: [args.binary, "--fail-on", "never", "--no-config"] + files,
        # The same files, each on its own: the cost of layouts, history replay and history rules.
        "no-history": lambda files: [args.binary, "--fail-on", "never", "--no-config", "--no-history"] + files,
    }
    if squawk:
        tools["squawk"] = lambda files: [squawk] + files

    if squawk:
        print(f"squawk: {squawk}")
    print(f"corpus: {len(many)} files, {corpus_bytes / 1e6:.2f} MB; big file: {os.path.getsize(big[0]) / 1e6:.2f} MB; "
          f"{args.rounds} rounds, tools run alternately")
    if not squawk:
        print("squawk not installed (pip install squawk-cli): no comparison with it")
    for label, files in (("2,000 files" if args.files == 2000 else f"{args.files} files", many), ("1 MB file", big)):
        times = {name: [] for name in tools}
        memory = {name: [] for name in tools}
        for _ in range(args.rounds):
            for name, command in tools.items():
                elapsed, rss, code = measure(command(files))
                if name != "squawk" and code not in (0, 1):
                    sys.exit(f"{name} failed with exit code {code}")
                times[name].append(elapsed)
                memory[name].append(rss)
        print(f"\n{label}")
        print(f"  {'tool':<10} {'median s':>9} {'peak MiB':>9} {'time vs raw':>12} {'mem vs raw':>11}" + ("  time vs squawk  mem vs squawk" if squawk else ""))
        base_t = statistics.median(times["raw parse"])
        base_m = statistics.median(memory["raw parse"])
        for name in tools:
            t = statistics.median(times[name])
            m = statistics.median(memory[name])
            line = f"  {name:<10} {t:>9.3f} {m / 1024:>9.1f} {t / base_t:>11.2f}x {m / base_m:>10.2f}x"
            if squawk:
                line += f"  {t / statistics.median(times['squawk']):>14.2f}x {m / statistics.median(memory['squawk']):>13.2f}x"
            print(line)
        print(f"  history vs no-history: {statistics.median(times['miglint']) / statistics.median(times['no-history']):.2f}x time, "
              f"{statistics.median(memory['miglint']) / statistics.median(memory['no-history']):.2f}x memory")

    editor(args, many, raw)
    orm(args, many)


def orm(args, many):
    """The cost of reading ORM code: 1,000 TypeORM migrations holding the corpus's SQL in
    `queryRunner.query` template literals, against the same SQL as `.sql` files, both linted
    as a migrations directory."""
    count = min(1000, len(many))
    sql_dir = os.path.join(CORPUS, "orm-sql", "migrations")
    ts_dir = os.path.join(CORPUS, "orm-typeorm", "migrations")
    if not os.path.exists(os.path.join(CORPUS, f".orm-{count}")):
        for directory in (sql_dir, ts_dir):
            shutil.rmtree(directory, ignore_errors=True)
            os.makedirs(directory)
        for index, path in enumerate(many[:count]):
            with open(path) as handle:
                sql = handle.read()
            shutil.copy(path, os.path.join(sql_dir, os.path.basename(path)))
            timestamp = 1700000000000 + index
            literal = sql.replace("\\", "\\\\").replace("`", "\\`").replace("${", "\\${")
            with open(os.path.join(ts_dir, f"{timestamp}-Migration{index}.ts"), "w") as out:
                out.write(
                    "import { MigrationInterface, QueryRunner } from 'typeorm';\n\n"
                    f"export class Migration{index}{timestamp} implements MigrationInterface {{\n"
                    "  public async up(queryRunner: QueryRunner): Promise<void> {\n"
                    f"    await queryRunner.query(`{literal}`);\n"
                    "  }\n\n"
                    "  public async down(queryRunner: QueryRunner): Promise<void> {}\n"
                    "}\n")
        open(os.path.join(CORPUS, f".orm-{count}"), "w").close()
    command = [args.binary, "--fail-on", "never", "--no-config", "--no-cache", "migrations"]
    times = {"sql": [], "typeorm": []}
    memory = {"sql": [], "typeorm": []}
    for _ in range(args.rounds):
        for name, directory in (("sql", sql_dir), ("typeorm", ts_dir)):
            elapsed, rss, code = measure(command, cwd=os.path.dirname(directory))
            if code not in (0, 1):
                sys.exit(f"miglint failed on the {name} migrations with exit code {code}")
            times[name].append(elapsed)
            memory[name].append(rss)
    sql_t, orm_t = statistics.median(times["sql"]), statistics.median(times["typeorm"])
    sql_m, orm_m = statistics.median(memory["sql"]), statistics.median(memory["typeorm"])
    print(f"\norm: {count} TypeORM migrations vs the same SQL as .sql files ({args.rounds} rounds; target <= 1.3x)")
    print(f"  sql {sql_t:.3f} s {sql_m / 1024:.1f} MiB; typeorm {orm_t:.3f} s {orm_m / 1024:.1f} MiB: "
          f"{orm_t / sql_t:.2f}x time, {orm_m / sql_m:.2f}x memory")


def editor(args, many, raw):
    """An editor linting one open file (standard input, --stdin-filename) inside the directory:
    start-up, the history before the file, and the file. `cold` replays that history (--no-cache);
    `warm` resumes from the replay cache that the previous run wrote."""
    directory = os.path.dirname(many[0])
    cache = os.path.join(BENCH, "corpus", "cache")
    shutil.rmtree(cache, ignore_errors=True)
    env = dict(os.environ, MIGLINT_CACHE_DIR=cache)
    picks = [("10th", many[9]), ("middle", many[len(many) // 2]), ("newest", many[-1])]
    print(f"\neditor: one file on stdin inside the {len(many)}-file directory ({args.rounds} rounds; target < 0.100 s)")
    print(f"  {'file':<8} {'cold s':>8} {'warm s':>8} {'warm vs raw parse of the directory':>36}")
    base = statistics.median(measure([raw] + many)[0] for _ in range(args.rounds))
    for label, path in picks:
        name = os.path.relpath(path, directory)
        command = [args.binary, "-", "--stdin-filename", name, "--format", "json", "--no-config", "--fail-on", "never"]
        cold, warm = [], []
        measure(command, stdin=path, env=env, cwd=directory)  # fills the cache
        for _ in range(args.rounds):
            cold.append(measure(command + ["--no-cache"], stdin=path, env=env, cwd=directory)[0])
            warm.append(measure(command, stdin=path, env=env, cwd=directory)[0])
        print(f"  {label:<8} {statistics.median(cold):>8.3f} {statistics.median(warm):>8.3f} {statistics.median(warm) / base:>35.2f}x")
    shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
