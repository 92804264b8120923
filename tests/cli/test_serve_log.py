"""What someone running `property-agent serve` reads in its log: one line saying where it is
ready, with the avatar, the engines and how many listings it serves, once they are searchable;
the API requests made, and not the health probes polling it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.settings import OUR_PREFIXES, shipped_rows, write_listings

pytestmark = [pytest.mark.integration, pytest.mark.slow]
READY = re.compile(r"Ready at (http://127\.0\.0\.1:\d+) — (.*)$")


class Served:
    """`property-agent serve --no-voice` on a free port, from an empty directory (no `.env`),
    its log read line by line as it is written."""

    def __init__(self, workdir: Path, csv: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.upper().startswith(OUR_PREFIXES)}
        env |= {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "AVATAR_NAME": "tara"}
        command = [
            str(Path(sys.executable).with_name("property-agent")),
            *("serve", "--no-voice", "--host", "127.0.0.1", "--port", "0", "--data", str(csv)),
        ]
        self.process = subprocess.Popen(
            command,
            cwd=workdir,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: re.Pattern[str], timeout_s: float) -> re.Match[str]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for line in self.lines:
                if found := pattern.search(line):
                    return found
            if self.process.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.2)
        raise AssertionError(f"no {pattern.pattern!r} in the log:\n" + "\n".join(self.lines))

    def stop(self) -> list[str]:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(timeout=5)
        return self.lines


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    csv = write_listings(tmp_path / "forty.csv", shipped_rows(40))  # type: ignore[arg-type]
    workdir = tmp_path / "run"
    workdir.mkdir()
    server = Served(workdir, csv)
    yield server
    server.stop()


def test_serve_says_once_where_it_is_ready_and_does_not_log_health_polls(
    served: Served,
) -> None:
    ready = served.wait_for(READY, timeout_s=240)
    url, summary = ready.group(1), ready.group(2)

    with httpx.Client(base_url=url, timeout=30) as http:
        for _ in range(5):  # a load balancer's or a container's health check
            assert http.get("/health").status_code == 200
        assert http.get("/avatars").status_code == 200  # a request someone is waiting for
    served.wait_for(re.compile(r'"GET /avatars HTTP/1\.1" 200'), timeout_s=10)
    lines = served.stop()

    assert summary == "avatar Tara, no voice page, agent offline policy, 40 listings (in-memory)"
    assert sum("Ready at" in line for line in lines) == 1
    assert not [line for line in lines if "/health" in line], "health polls were logged"
    assert not [line for line in lines if "Uvicorn running on" in line]
    # Ready only after the listings were indexed: /health was 200 at once.
    indexed = next(i for i, line in enumerate(lines) if "listings indexed" in line)
    assert indexed < next(i for i, line in enumerate(lines) if "Ready at" in line)
