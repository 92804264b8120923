"""CLI start-up benchmark: how long `property-agent --help` takes, and how long `search --server`
and `chat --server` take from launch until their first request reaches the server.

    python scripts/bench_cli.py              # 5 runs of each
    python scripts/bench_cli.py --runs 10

The server is a small standard-library one in this process answering the API's JSON shapes
(`GET /avatars`, `POST /agent/chat`, `POST /superlinked/search`), so what is timed is the CLI's
own start-up, not a search. Prints one markdown table (best and median of N, wall-clock on this
machine); nothing here is a test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

CLI = str(Path(sys.executable).with_name("property-agent"))
LISTING = {"id": 7, "description": "A bright flat near the park.", "baths": 1, "rooms": 2}
SEARCH = {
    "status": "success",
    "query": "2 bed in Retiro",
    "count": 1,
    "filters": {"location": "Retiro", "min_rooms": 2},
    "properties": [{**LISTING, "sqft": 70, "location": "Retiro", "price": 400000}],
    "parser": "local",
    "flagged_places": [],
    "relaxations": [],
    "hint": None,
}
AVATARS = {"default": "tara", "avatars": [{"key": "tara", "name": "Tara", "description": "."}]}


class FirstRequest(ThreadingHTTPServer):
    """Answers like the API and notes when the first request of a run arrived."""

    daemon_threads = True
    first_at: float | None = None


class Handler(BaseHTTPRequestHandler):
    server: FirstRequest

    def log_message(self, *args: object) -> None:
        pass

    def _answer(self) -> None:
        if self.server.first_at is None:
            self.server.first_at = time.perf_counter()
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        if self.path == "/avatars":
            reply: Any = AVATARS
        elif self.path == "/agent/chat":
            thread = json.loads(body)["thread_id"]
            reply = {"reply": "Bye!", "tool_calls": [], "thread_id": thread, "fallback": False}
        else:
            reply = SEARCH
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _answer


def run_once(server: FirstRequest, args: list[str], stdin: str) -> tuple[float, float]:
    """(seconds until the first request, or until exit when none is made; seconds until exit)."""
    server.first_at = None
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "COLUMNS": "80"}
    start = time.perf_counter()
    done = subprocess.run(
        [CLI, *args], input=stdin, capture_output=True, text=True, env=env, check=False
    )
    end = time.perf_counter()
    if done.returncode != 0:
        sys.exit(f"property-agent {' '.join(args)} failed ({done.returncode}): {done.stderr}")
    first = server.first_at if server.first_at is not None else end
    return first - start, end - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    server = FirstRequest(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    cases = [
        ("--help", ["--help"], "", "exit"),
        (
            'search "2 bed in Retiro" --server URL',
            ["search", "2 bed in Retiro", "--server", url],
            "",
            "first request",
        ),
        ("chat --server URL (says bye)", ["chat", "--server", url], "bye\n", "first request"),
    ]
    print(
        f"\n| command ({runs} runs, {os.cpu_count()} cores) | until | best | median | "
        "median to exit |\n| --- | --- | ---: | ---: | ---: |"
    )
    for label, args, stdin, until in cases:
        timings = [run_once(server, args, stdin) for _ in range(runs)]
        firsts = [t[0] for t in timings]
        exits = [t[1] for t in timings]
        print(
            f"| `{label}` | {until} | {min(firsts):.2f} s | {statistics.median(firsts):.2f} s | "
            f"{statistics.median(exits):.2f} s |"
        )
    server.shutdown()


if __name__ == "__main__":
    main()
