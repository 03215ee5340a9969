#!/usr/bin/env python3
"""Scaling of miglint on single inputs that grow: each case runs at size n and 10 n, and the
table shows the growth factor of the time (linear work gives about 10; the target is at most 11).

Each case is an input that once made miglint quadratic or worse (a long line full of findings,
thousands of template placeholders, statements in DO and function bodies, suppressions, deploy
record lines, nested comments, columns added to one table, repeated `**` in a glob, rules that
search the script for a statement about one object).

Usage: python3 bench/scaling.py [--binary PATH] [--n N] [--only CASE]
"""
import argparse
import os
import shutil
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def one_long_line(n):
    return {"m/0001.sql": " ".join(f"DROP TABLE t{i};" for i in range(n)) + "\n"}, ["m", "--format", "text"]


def placeholders(n):
    return {"m/0001.sql": "".join(f"ALTER TABLE {{{{schema}}}}.t{i} ADD COLUMN c int NOT NULL;\n" for i in range(n))}, ["m", "--format", "json"]


def do_block(n):
    body = "".join(f"  UPDATE t{i} SET c = 1;\n" for i in range(n))
    return {"m/0001.sql": f"DO $$\nBEGIN\n{body}END $$;\n"}, ["m", "--format", "json"]


def function_body(n):
    body = "".join(f"  UPDATE t{i} SET c = 1;\n" for i in range(n))
    return {"m/0001.sql": f"CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n{body}END $$;\n"}, ["m", "--format", "json"]


def suppressions(n):
    return {"m/0001.sql": "".join(f"-- miglint-ignore drop-table -- old\nDROP TABLE t{i};\n" for i in range(n))}, ["m", "--format", "json"]


def sum_lines(n):
    lines = "".join(f"{i:06d} {i:06d}_m.up.sql sha256:{'0' * 64}\n" for i in range(n))
    return {"m/000000_m.up.sql": "SELECT 1;\n", "m/miglint.sum": "miglint.sum 1\n" + lines}, ["m", "--format", "json"]


def nested_comments(n):
    return {"m/0001.sql": "/*" * n + " x " + "*/" * n + "\nSELECT 1;\n"}, ["m", "--format", "json"]


def add_columns(n):
    return {"m/0001.sql": "CREATE TABLE t (id bigint);\n" + "".join(f"ALTER TABLE t ADD COLUMN c{i} int;\n" for i in range(n))}, ["m", "--format", "json"]


def script_searches(n):
    # Rules that look back or ahead in the script for a statement about one object: a copy
    # before each DROP COLUMN, a DROP of a leftover before each concurrent index, an index after
    # each foreign key, a TRUNCATE before each NOT NULL column.
    body = "".join(f"UPDATE t{i} SET c = 1;\nALTER TABLE t{i} DROP COLUMN c;\n"
                   f"DROP INDEX CONCURRENTLY IF EXISTS i{i};\nCREATE INDEX CONCURRENTLY i{i} ON t{i} (c);\n"
                   f"TRUNCATE t{i};\nALTER TABLE t{i} ADD COLUMN d int NOT NULL;\n"
                   f"CREATE TABLE n{i} (id bigint, t_id bigint REFERENCES t{i} (id));\nCREATE INDEX ON n{i} (t_id);\n"
                   for i in range(n))
    return {"m/0001.sql": "BEGIN;\n" + body + "COMMIT;\n"}, ["m", "--format", "json"]


def glob_stars(n):
    # n is the number of `**` in the exclude glob; the file sits 26 directories deep.
    deep = "/".join(f"d{i}" for i in range(26))
    config = 'exclude = ["' + "/".join(["**"] * n) + '/nothing.sql"]\n'
    return {f"m/{deep}/0001.sql": "SELECT 1;\n", "miglint.toml": config}, ["m/" + deep, "--format", "json"]


CASES = {
    "one long line (statements)": (one_long_line, 2_000),
    "template placeholders": (placeholders, 400),
    "DO block (statements)": (do_block, 1_600),
    "function body (statements)": (function_body, 6_400),
    "suppressions": (suppressions, 2_000),
    "miglint.sum lines": (sum_lines, 8_000),
    "nested /* comments": (nested_comments, 10_000),
    "ADD COLUMN to one table": (add_columns, 3_200),
    "`**` in an exclude glob": (glob_stars, 1),
    "script searches (look back and ahead)": (script_searches, 400),
}


def run(binary, files, arguments, rounds):
    directory = tempfile.mkdtemp(prefix="miglint-scaling-")
    try:
        for path, text in files.items():
            full = os.path.join(directory, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w") as handle:
                handle.write(text)
        best = None
        for _ in range(rounds):
            start = time.perf_counter()
            result = subprocess.run([binary, *arguments, "--no-cache"], cwd=directory, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, timeout=600)
            elapsed = time.perf_counter() - start
            if result.returncode not in (0, 1, 2):
                raise SystemExit(f"miglint crashed ({result.returncode}) on {arguments}")
            best = elapsed if best is None else min(best, elapsed)
        return best
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/miglint"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every case's base size")
    args = parser.parse_args()
    print(f"| case | n | time at n | time at 10 n | growth (target <= 11) |")
    print("|---|---|---|---|---|")
    worst = 0.0
    for name, (make, base) in CASES.items():
        if args.only and args.only not in name:
            continue
        n = max(1, int(base * args.scale)) if make is not glob_stars else 1
        big = n * 10
        small_time = run(args.binary, *make(n), args.rounds)
        big_time = run(args.binary, *make(big), args.rounds)
        growth = big_time / small_time if small_time > 0 else float("inf")
        worst = max(worst, growth)
        print(f"| {name} | {n:,} | {small_time:.3f} s | {big_time:.3f} s | {growth:.1f} |", flush=True)
    print(f"\nworst growth: {worst:.1f}")
    if worst > 11:
        raise SystemExit("a case grows faster than linear (target <= 11)")


if __name__ == "__main__":
    main()
