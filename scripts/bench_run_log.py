"""How much `make run` prints: start the server, wait for /health, load the web page and its
assets as a browser would, send one typed turn through the page (and one through /agent/chat),
make one phone call with one spoken turn (`property-agent phone`, Twilio's protocol), poll
/health a few times, stop; then print one table of the log's lines by kind.

    .venv/bin/python scripts/bench_run_log.py [--port 8011] [--no-phone]
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
KINDS = (
    ("ready line", re.compile(r"Ready at http")),
    ("gradio print 'new /'", re.compile(r"^new /")),
    ("gradio print 'content_type'", re.compile(r"^content_type ")),
    ("access /health", re.compile(r'"(GET|HEAD) /health')),
    ("access static", re.compile(r'"GET /(assets|static|gradio_api/file|favicon|manifest)')),
    ("access other", re.compile(r'HTTP/1\.[01]" \d{3}')),
    ("aioice / websockets", re.compile(r"aioice|websockets")),
    ("voice turn line", re.compile(r"Turn on .*stt")),
)


def classify(line: str) -> str:
    for name, pattern in KINDS:
        if pattern.search(line):
            return name
    return "other"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8011)
    parser.add_argument("--health-polls", type=int, default=5)
    parser.add_argument("--no-phone", action="store_true", help="skip the phone call")
    args = parser.parse_args()
    base = f"http://127.0.0.1:{args.port}"
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    log_path = ROOT / ".cache" / "bench_run_log.txt"
    log_path.parent.mkdir(exist_ok=True)
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            ["make", "--no-print-directory", "run", f"PORT={args.port}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            began = time.monotonic()
            with httpx.Client(base_url=base, timeout=60) as http:
                polls = 0
                while True:
                    polls += 1
                    try:
                        if http.get("/health").status_code == 200:
                            break
                    except httpx.HTTPError:
                        pass
                    if time.monotonic() - began > 240 or proc.poll() is not None:
                        sys.exit(f"the server did not become healthy; see {log_path}")
                    time.sleep(1.0)
                ready_s = time.monotonic() - began
                load_page(http)
                typed_turn(base)
                http.post(
                    "/agent/chat",
                    json={"thread_id": "bench-log", "message": "two bedrooms in Retiro"},
                )
                if not args.no_phone:
                    phone_turn(base)
                for _ in range(args.health_polls):
                    http.get("/health")
                time.sleep(1.0)
        finally:
            os.killpg(proc.pid, signal.SIGINT)
            proc.wait(timeout=90)
    lines = [line for line in log_path.read_text().splitlines() if line.strip()]
    cut = next((i for i, line in enumerate(lines) if "Shutting down" in line), len(lines))
    counts = Counter(classify(line) for line in lines[:cut])
    print(f"| kind (until shutdown; ready after {ready_s:.0f} s, {polls} polls) | lines |")
    print("| --- | ---: |")
    for name in [*(k for k, _ in KINDS), "other"]:
        print(f"| {name} | {counts.get(name, 0)} |")
    print(f"| **total** | **{sum(counts.values())}** |")
    print(f"(log kept in {log_path.relative_to(ROOT)})")


def load_page(http: httpx.Client, chunks: int = 30) -> None:
    """The page, its entry script and stylesheet, and the first `chunks` script chunks the
    entry script imports (a browser fetches these as it renders the page)."""
    page = http.get("/").text
    entry = re.findall(r'(?:src|href)="\.?(/assets/[^"]+)"', page)
    for asset in entry:
        body = http.get(asset).text
        if asset.endswith(".js"):
            imported = dict.fromkeys(re.findall(r'"\./([\w.-]+\.js)"', body))
            for name in list(imported)[:chunks]:
                http.get(f"/assets/{name}")


def phone_turn(base: str) -> None:
    """One call saying one request in Piper's voice, as the phone simulator makes it."""
    command = [str(ROOT / ".venv" / "bin" / "property-agent"), "phone", "--server", base]
    command += ["--say", "I am looking for two bedrooms in Retiro"]
    subprocess.run(command, cwd=ROOT, capture_output=True, timeout=240, check=False)


def typed_turn(base: str) -> None:
    """One turn typed in the page's text box, through Gradio's queue as the page sends it."""
    from gradio_client import Client

    client = Client(f"{base}/", verbose=False)
    try:
        client.predict("two bedrooms in Retiro", "tara", "bench-page", api_name="/typed")
    finally:
        client.close()


if __name__ == "__main__":
    main()
