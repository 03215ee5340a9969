#!/usr/bin/env python3
"""miglint benchmark: time, CPU and peak memory, side by side with squawk and the raw libpg_query
parse, in one run (tools alternate, several rounds, medians), and the targets they are held to.

Corpora (bench/corpora.py, generated under bench/corpus/, never committed):
- `kind`: 2,000 migrations of mixed DDL and DML, about half flagged, and a 1 MB file;
- `harsh`: 2,000 migrations where almost every statement is flagged (17 findings a file), a 1 MB
  file of such statements, and a 10 MB file that repeats it ten times (each big file in a folder
  of its own: the files next to a migration are its history);
- `diesel`: 500 diesel `up.sql`/`down.sql` pairs that build on each other (views, functions,
  triggers, many ALTER TABLEs, backfills), the shape of real projects' histories.

Sections: the raw-parse comparison on `kind`; the workloads (JSON, text and SARIF against squawk's
JSON and text); the share of CPU spent rendering each format (perf, when installed); one file
named inside the 2,000-migration directory; start-up; an editor's run on standard input; ORM
migrations against the same SQL; and last the targets, each marked met or missed.

Usage: python3 bench/bench.py [--rounds N] [--binary PATH] [--files N] [--only SECTION]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
CORPUS = os.path.join(BENCH, "corpus")
sys.path.insert(0, BENCH)
import corpora  # noqa: E402


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


def compiled(name):
    """bench/<name>.c built next to it (again when the source is newer)."""
    binary = os.path.join(BENCH, name)
    source = binary + ".c"
    if not os.path.exists(binary) or os.path.getmtime(binary) < os.path.getmtime(source):
        subprocess.check_call(["cc", "-O2", "-o", binary, source] + (["-lpg_query"] if name == "rawparse" else []))
    return binary


def measure(command, stdin=None, env=None, cwd=None):
    """Wall time (s), CPU time (user + system, s), peak RSS (KiB) and exit code of one run,
    taken by bench/measure.c; output discarded."""
    source = open(stdin, "rb") if stdin else subprocess.DEVNULL
    result = subprocess.run([compiled("measure")] + command, stdin=source, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=env, cwd=cwd, text=True)
    if stdin:
        source.close()
    wall, cpu, rss, code = result.stderr.split()
    return float(wall), float(cpu), int(rss), int(code)


def side_by_side(commands, rounds):
    """Runs each command once a round, in turn, for `rounds` rounds; medians of wall, CPU and
    peak RSS by name. A miglint command that fails (exit code above 1) ends the bench."""
    runs = {name: [] for name in commands}
    for _ in range(rounds):
        for name, (command, options) in commands.items():
            wall, cpu, rss, code = measure(command, **options)
            if code not in (0, 1) and not name.startswith("squawk"):
                sys.exit(f"{name} failed with exit code {code}: {' '.join(command)}")
            runs[name].append((wall, cpu, rss))
    return {name: tuple(statistics.median(run[i] for run in values) for i in range(3)) for name, values in runs.items()}


class Targets:
    """The targets of the one-run table: each checked where it is measured, listed at the end."""

    def __init__(self):
        self.rows = []

    def check(self, name, value, limit, unit="x"):
        self.rows.append((name, value, limit, unit, value <= limit))

    @staticmethod
    def format(number, unit):
        return {"x": f"{number:.2f}x", "%": f"{number * 100:.1f}%", "s": f"{number * 1000:.0f} ms"}[unit]

    def report(self):
        print("\ntargets")
        for name, value, limit, unit, met in self.rows:
            shown, bound = (self.format(number, unit) for number in (value, limit))
            print(f"  {'met   ' if met else 'MISSED'} {name:<58} {shown:>9}  (<= {bound})")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "miglint"))
    parser.add_argument("--only", help="run one section: raw, workloads, render, named, startup, editor, orm")
    args = parser.parse_args()

    corpora.generate(CORPUS, args.files)
    sql = lambda folder: sorted(os.path.join(folder, name) for name in os.listdir(folder) if name.endswith(".sql"))
    many = sql(os.path.join(CORPUS, "many"))
    harsh = sql(os.path.join(CORPUS, "harsh"))

    raw = compiled("rawparse")
    if not os.path.exists(args.binary):
        sys.exit(f"{args.binary} not found: build it with `swift build -c release --static-swift-stdlib`")
    squawk = find_squawk()
    print(f"squawk: {squawk}" if squawk else "squawk not installed (pip install squawk-cli): no comparison with it")
    print(f"{args.rounds} rounds, tools run alternately; medians")
    targets = Targets()
    sections = {
        "raw": lambda: raw_parse(args, many, raw, squawk),
        "workloads": lambda: workloads(args, squawk, targets),
        "render": lambda: render_share(args, harsh, targets),
        "named": lambda: named(args, harsh, squawk, targets),
        "startup": lambda: startup(args, squawk, targets),
        "editor": lambda: editor(args, many, raw),
        "orm": lambda: orm(args, many),
    }
    for name, section in sections.items():
        if args.only in (None, name):
            section()
    targets.report()


def raw_parse(args, many, raw, squawk):
    """The `kind` corpus against the raw parse: as one directory (`miglint`: layout, schema
    history, history rules) and file by file (`no-history`)."""
    big = [os.path.join(CORPUS, "big", "big.sql")]
    size = sum(os.path.getsize(path) for path in many)
    print(f"\nkind corpus: {len(many)} files, {size / 1e6:.2f} MB; big file {os.path.getsize(big[0]) / 1e6:.2f} MB")
    for label, files in ((f"{len(many):,} files", many), ("1 MB file", big)):
        commands = {
            "raw parse": ([raw] + files, {}),
            "miglint": ([args.binary, "--fail-on", "never", "--no-config", "--no-cache"] + files, {}),
            "no-history": ([args.binary, "--fail-on", "never", "--no-config", "--no-history"] + files, {}),
        }
        if squawk:
            commands["squawk"] = ([squawk] + files, {})
        result = side_by_side(commands, args.rounds)
        print(f"\n{label}")
        print(f"  {'tool':<10} {'median s':>9} {'peak MiB':>9} {'time vs raw':>12} {'mem vs raw':>11}" + ("  time vs squawk  mem vs squawk" if squawk else ""))
        base = result["raw parse"]
        for name, (wall, _, rss) in result.items():
            line = f"  {name:<10} {wall:>9.3f} {rss / 1024:>9.1f} {wall / base[0]:>11.2f}x {rss / base[2]:>10.2f}x"
            if squawk:
                line += f"  {wall / result['squawk'][0]:>14.2f}x {rss / result['squawk'][2]:>13.2f}x"
            print(line)


def workloads(args, squawk, targets):
    """Each workload side by side with squawk: miglint's JSON against squawk's JSON, its text
    against squawk's default output; SARIF, which squawk does not write, against squawk's JSON."""
    if not squawk:
        return
    # Paths relative to the corpus, as a project runs it (absolute ones lengthen every path in
    # every report).
    miglint = [args.binary, "--fail-on", "never", "--no-config", "--no-cache"]
    harsh_dir = "harsh"
    diesel_dir = os.path.join("diesel", "migrations")
    diesel_files = sorted(os.path.relpath(os.path.join(root, name), CORPUS)
                          for root, _, names in os.walk(os.path.join(CORPUS, diesel_dir)) for name in names if name.endswith(".sql"))
    one = os.path.join("harsh-1mb", "one.sql")
    ten = os.path.join("harsh-10mb", "one.sql")
    rows = [
        # (label, miglint arguments, squawk arguments, rounds)
        ("kind, 2,000 files, json", miglint + ["--format", "json", "many"], ["--reporter", "json"] + sql_files("many"), args.rounds),
        ("harsh, 2,000 files, json", miglint + ["--format", "json", harsh_dir], ["--reporter", "json"] + sql_files(harsh_dir), args.rounds),
        ("harsh, 2,000 files, text", miglint + ["--format", "text", harsh_dir], sql_files(harsh_dir), args.rounds),
        ("harsh, 2,000 files, sarif", miglint + ["--format", "sarif", harsh_dir], ["--reporter", "json"] + sql_files(harsh_dir), args.rounds),
        (f"diesel, {len(diesel_files) // 2} up/down pairs, json", miglint + ["--format", "json", diesel_dir], ["--reporter", "json"] + diesel_files, args.rounds),
        ("harsh, 1 MB file, json", miglint + ["--format", "json", one], ["--reporter", "json", one], args.rounds),
        ("harsh, 10 MB file, json", miglint + ["--format", "json", ten], ["--reporter", "json", ten], min(args.rounds, 3)),
    ]
    print("\nworkloads (miglint vs squawk; wall s, CPU s, peak MiB)")
    print(f"  {'workload':<34} {'miglint':>22} {'squawk':>22}   {'wall':>6} {'CPU':>6} {'RSS':>6}")
    results = {}
    for label, ours, theirs, rounds in rows:
        result = side_by_side({"miglint": (ours, {"cwd": CORPUS}), "squawk": ([squawk] + theirs, {"cwd": CORPUS})}, rounds)
        results[label] = result
        (wall, cpu, rss), (s_wall, s_cpu, s_rss) = result["miglint"], result["squawk"]
        print(f"  {label:<34} {wall:>6.3f} {cpu:>6.3f} {rss / 1024:>7.1f}  {s_wall:>6.3f} {s_cpu:>6.3f} {s_rss / 1024:>7.1f}   "
              f"{wall / s_wall:>5.2f}x {cpu / s_cpu:>5.2f}x {rss / s_rss:>5.2f}x")
    json_row = results["harsh, 2,000 files, json"]
    targets.check("2,000 files (harsh), JSON: wall vs squawk", json_row["miglint"][0] / json_row["squawk"][0], 0.5)
    targets.check("2,000 files (harsh), JSON: CPU vs squawk", json_row["miglint"][1] / json_row["squawk"][1], 1.0)
    targets.check("2,000 files (harsh), JSON: peak RSS vs squawk", json_row["miglint"][2] / json_row["squawk"][2], 1.0)
    for format in ("text", "sarif"):
        row = results[f"harsh, 2,000 files, {format}"]
        targets.check(f"2,000 files (harsh), {format} wall vs JSON wall", row["miglint"][0] / json_row["miglint"][0], 1.0)
    small, big = results["harsh, 1 MB file, json"], results["harsh, 10 MB file, json"]
    print(f"  10 MB / 1 MB: {big['miglint'][0] / small['miglint'][0]:.1f}x wall, {big['miglint'][1] / small['miglint'][1]:.1f}x CPU "
          f"(squawk {big['squawk'][0] / small['squawk'][0]:.1f}x)")
    targets.check("10 MB file: wall vs the 1 MB file", big["miglint"][0] / small["miglint"][0], 11.0)
    targets.check("10 MB file: wall vs squawk", big["miglint"][0] / big["squawk"][0], 0.5)
    targets.check("10 MB file: peak RSS vs squawk", big["miglint"][2] / big["squawk"][2], 1.0)


def sql_files(folder):
    """The SQL files of `folder` (relative to the corpus), as paths relative to the corpus."""
    return sorted(os.path.join(folder, name) for name in os.listdir(os.path.join(CORPUS, folder)) if name.endswith(".sql"))


def render_share(args, harsh, targets):
    """The share of CPU samples spent in the reporters (any call chain through
    MigLintReporters), per format, on the harsh directory: `perf record`, then perf's parent
    sort; the median of three runs (text renders on several threads, and the share moves with
    their scheduling). Needs perf."""
    if not shutil.which("perf"):
        print("\nrender share: perf not installed, not measured")
        return
    data = os.path.join(CORPUS, "perf.data")
    print("\nrender share: CPU samples inside the reporters (perf), harsh 2,000 files")
    for format in ("json", "text", "sarif"):
        command = [args.binary, "--fail-on", "never", "--no-config", "--no-cache", "--format", format, "harsh"]
        shares = []
        for _ in range(3):
            subprocess.run(["perf", "record", "-q", "-F", "10000", "-g", "-o", data, "--"] + command,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, cwd=CORPUS)
            report = subprocess.run(["perf", "report", "-i", data, "--no-children", "--sort", "parent", "-p",
                                     "MigLintReporters", "--stdio"], capture_output=True, text=True).stdout
            other = next((float(line.split("%")[0]) for line in report.splitlines() if "[other]" in line), None)
            if other is not None:
                shares.append((100 - other) / 100)
        if not shares:
            print(f"  {format}: perf gave no samples")
            continue
        share = statistics.median(shares)
        print(f"  {format:<6} {share * 100:5.1f}%")
        targets.check(f"rendering share of CPU, {format}", share, 0.10, unit="%")
    if os.path.exists(data):
        os.remove(data)


def named(args, harsh, squawk, targets):
    """One file named on the command line inside the 2,000-migration directory, as a pre-commit
    hook runs it: the first migration (its history is empty) against squawk on the same file,
    and the newest with and without the replay cache."""
    directory = os.path.dirname(harsh[0])
    cache = os.path.join(CORPUS, "cache")
    shutil.rmtree(cache, ignore_errors=True)
    env = dict(os.environ, MIGLINT_CACHE_DIR=cache)
    base = [args.binary, "--fail-on", "never", "--no-config", "--format", "json"]
    first, newest = os.path.basename(harsh[0]), os.path.basename(harsh[-1])
    measure(base + [newest], env=env, cwd=directory)  # fills the cache
    commands = {
        "first, cold": (base + ["--no-cache", first], {"env": env, "cwd": directory}),
        "newest, warm": (base + [newest], {"env": env, "cwd": directory}),
        "newest, cold": (base + ["--no-cache", newest], {"env": env, "cwd": directory}),
    }
    if squawk:
        commands["squawk, first"] = ([squawk, "--reporter", "json", first], {"cwd": directory})
    result = side_by_side(commands, args.rounds)
    shutil.rmtree(cache, ignore_errors=True)
    print(f"\none file named inside the {len(harsh):,}-migration directory (wall s, peak MiB)")
    for name, (wall, _, rss) in result.items():
        print(f"  {name:<14} {wall:>7.3f} {rss / 1024:>7.1f}")
    if squawk:
        targets.check("first migration named: wall vs squawk on the file", result["first, cold"][0] / result["squawk, first"][0], 2.0)
    targets.check("newest migration named, warm cache", result["newest, warm"][0], 0.050, unit="s")
    targets.check("newest migration named, cold", result["newest, cold"][0], 0.120, unit="s")


def startup(args, squawk, targets):
    """`--version`, and one small file alone in its folder (no history to read)."""
    folder = os.path.join(CORPUS, "startup")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "one.sql"), "w") as out:
        out.write("ALTER TABLE users ADD COLUMN email text;\n")
    commands = {
        "miglint --version": ([args.binary, "--version"], {}),
        "miglint one file": ([args.binary, "--no-config", "--no-cache", "one.sql"], {"cwd": folder}),
    }
    if squawk:
        commands["squawk --version"] = ([squawk, "--version"], {})
        commands["squawk one file"] = ([squawk, "one.sql"], {"cwd": folder})
    result = side_by_side(commands, max(args.rounds, 20))
    print("\nstart-up (wall ms, CPU ms, peak MiB)")
    for name, (wall, cpu, rss) in result.items():
        print(f"  {name:<18} {wall * 1000:>7.2f} {cpu * 1000:>7.2f} {rss / 1024:>7.1f}")
    if squawk:
        targets.check("start-up, --version: wall vs squawk", result["miglint --version"][0] / result["squawk --version"][0], 1.0)
        targets.check("start-up, one small file: wall vs squawk", result["miglint one file"][0] / result["squawk one file"][0], 1.0)


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
            elapsed, _, rss, code = measure(command, cwd=os.path.dirname(directory))
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
