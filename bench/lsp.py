#!/usr/bin/env python3
"""miglint lsp through the protocol, on the benchmark's 2,000-migration directory.

Opens the newest migration and measures, as an editor sees it, the time from a change (or a save)
to its diagnostics, steady state; then replays a typing session of 1,000 incremental changes and
compares the server's resident memory before and after.

Usage: python3 bench/lsp.py [--binary PATH] [--rounds N]   (run bench/bench.py once first: it
generates bench/corpus)
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "bench", "corpus", "many")


class Server:
    def __init__(self, binary, cache):
        env = dict(os.environ, MIGLINT_CACHE_DIR=cache)
        self.process = subprocess.Popen([binary, "lsp"], cwd=CORPUS, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        self.next_id = 1

    def send(self, message):
        message["jsonrpc"] = "2.0"
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def receive(self):
        header = b""
        while not header.endswith(b"\r\n\r\n"):
            byte = self.process.stdout.read(1)
            if not byte:
                raise SystemExit("the server closed its output")
            header += byte
        length = next(int(line.split(b":")[1]) for line in header.split(b"\r\n") if line.lower().startswith(b"content-length"))
        return json.loads(self.process.stdout.read(length))

    def request(self, method, params):
        self.send({"id": self.next_id, "method": method, "params": params})
        self.next_id += 1
        while True:
            message = self.receive()
            if message.get("id") == self.next_id - 1 and "method" not in message:
                return message

    def diagnostics(self, uri, version):
        while True:
            message = self.receive()
            params = message.get("params", {})
            if message.get("method") == "textDocument/publishDiagnostics" and params.get("uri") == uri and params.get("version") == version:
                return params["diagnostics"]

    def rss(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "miglint"))
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    if not os.path.isdir(CORPUS):
        raise SystemExit("no corpus: run python3 bench/bench.py first")
    newest = sorted(name for name in os.listdir(CORPUS) if name.endswith(".sql"))[-1]
    path = os.path.join(CORPUS, newest)
    uri = "file://" + path
    text = open(path).read()
    cache = os.path.join(ROOT, "bench", "corpus", "lsp-cache")
    server = Server(args.binary, cache)
    server.request("initialize", {"processId": None, "rootUri": "file://" + CORPUS, "capabilities": {}})
    server.send({"method": "initialized", "params": {}})
    start = time.perf_counter()
    server.send({"method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "sql", "version": 1, "text": text}}})
    server.diagnostics(uri, 1)
    opened = time.perf_counter() - start
    version = 1
    changes, saves = [], []
    for round in range(args.rounds):
        time.sleep(0.2)  # a pause in typing
        version += 1
        edit = {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "-- x\n" if round % 2 == 0 else ""}
        if round % 2 == 1:
            edit["range"]["end"] = {"line": 1, "character": 0}
        start = time.perf_counter()
        server.send({"method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [edit]}})
        server.diagnostics(uri, version)
        changes.append(time.perf_counter() - start)
        start = time.perf_counter()
        server.send({"method": "textDocument/didSave", "params": {"textDocument": {"uri": uri}}})
        server.diagnostics(uri, version)
        saves.append(time.perf_counter() - start)
    before = server.rss()
    # A typing session: 1,000 keystrokes as fast as the pipe takes them, then the last diagnostics.
    for keystroke in range(1000):
        version += 1
        server.send({"method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": version},
                     "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "x" if keystroke % 2 == 0 else ""}]}})
    server.diagnostics(uri, version)
    after = server.rss()
    server.request("shutdown", None)
    server.send({"method": "exit"})
    server.process.wait(timeout=10)
    print(f"directory: {len(os.listdir(CORPUS))} migrations; document: {newest}")
    print(f"open (cold cache or warm): {opened * 1000:.0f} ms")
    print(f"change -> diagnostics, median of {args.rounds}: {statistics.median(changes) * 1000:.0f} ms (target <= 50 ms)")
    print(f"save -> diagnostics, median of {args.rounds}: {statistics.median(saves) * 1000:.0f} ms")
    print(f"resident memory before / after 1,000 changes: {before:.1f} / {after:.1f} MiB")


if __name__ == "__main__":
    main()
