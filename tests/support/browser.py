"""Helpers for the real-browser test: the app in a subprocess, a fake microphone recording, and a
headless Chromium that keeps hold of its WebRTC connections so the test can hear what arrives."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import wave
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx
import numpy as np
from scipy.signal import resample_poly
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from tests.support.settings import DATA_CSV, OUR_PREFIXES

T = TypeVar("T")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
ESPEAK = shutil.which("espeak-ng")
MIC_RATE = 48_000

# Runs before any page script: every RTCPeerConnection the page makes is kept in window.__pcs.
KEEP_PEER_CONNECTIONS = """
(() => {
  const Native = window.RTCPeerConnection;
  window.__pcs = [];
  function Kept(...args) { const pc = new Native(...args); window.__pcs.push(pc); return pc; }
  Kept.prototype = Native.prototype;
  Object.setPrototypeOf(Kept, Native);
  window.RTCPeerConnection = Kept;
})();
"""
# The audio received so far: totalAudioEnergy grows only while non-silent audio plays out.
RECEIVED_AUDIO = """
const done = arguments[arguments.length - 1];
(async () => {
  let energy = 0, packets = 0;
  for (const pc of window.__pcs || []) {
    (await pc.getStats()).forEach(s => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') {
        energy += s.totalAudioEnergy || 0;
        packets += s.packetsReceived || 0;
      }
    });
  }
  done({energy, packets});
})().catch(e => done({error: String(e)}));
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class AppServer:
    """`property-agent serve` on a free port, started from an empty directory so no `.env` is read
    and with none of the developer's settings in its environment."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "server.log"
        env = {k: v for k, v in os.environ.items() if not k.upper().startswith(OUR_PREFIXES)}
        env |= {
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "TOKENIZERS_PARALLELISM": "false",
            "AVATAR_NAME": "tara",
        }
        command = [
            str(Path(sys.executable).with_name("property-agent")),
            *("serve", "--host", "127.0.0.1", "--port", str(self.port), "--data", str(DATA_CSV)),
        ]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT
            )

    def log_tail(self, lines: int = 80) -> str:
        """The last `lines` of the server's log, without the WebRTC and access-log chatter (what
        a failing test prints must show what went wrong)."""
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        noise = ("aioice", "uvicorn.access", "content_type ")
        kept = [line for line in text.splitlines() if not any(n in line for n in noise)]
        return "\n".join(kept[-lines:])

    def wait_healthy(self, timeout_s: float) -> None:
        """Until /health says 200 (port open and listings indexed); fails with the server's log."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"The server exited with code {self.process.returncode}:\n{self.log_tail()}"
                )
            try:
                if httpx.get(f"{self.url}/health", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(1)
        raise AssertionError(f"/health not 200 after {timeout_s:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def write_mic_recording(text: str, path: Path, *, lead_s: float, tail_s: float) -> Path:
    """`text` in espeak-ng's voice between two silences, as 48 kHz mono 16-bit PCM (Chromium loops
    the file as its microphone)."""
    assert ESPEAK is not None
    raw = path.with_suffix(".espeak.wav")
    subprocess.run([ESPEAK, "-v", "en-us", "-s", "150", "-w", str(raw), text], check=True)
    with wave.open(str(raw)) as wav:
        rate = wav.getframerate()
        speech = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
    speech = np.clip(resample_poly(speech.astype(np.float32), MIC_RATE, rate), -32768, 32767)
    samples = np.concatenate(
        [
            np.zeros(int(lead_s * MIC_RATE), np.int16),
            speech.astype(np.int16),
            np.zeros(int(tail_s * MIC_RATE), np.int16),
        ]
    )
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(MIC_RATE)
        wav.writeframes(samples.tobytes())
    return path


@contextmanager
def headless_chromium(
    mic_file: Path | None = None,
    *,
    offline: bool = False,
    loop: bool = True,
    microphone: str = "allowed",
) -> Iterator[webdriver.Chrome]:
    """Chromium with `mic_file` as its microphone, and nothing fetched from the internet on its
    own; the driver is the system's chromedriver (no Selenium Manager).
    `offline`: no host but 127.0.0.1 resolves, as on a machine with no network. `loop`: play
    `mic_file` over and over (Chromium's default) or once, then silence. `microphone`:
    "allowed" (permission granted), "blocked" (the user refuses it) or "missing" (no device)."""
    assert CHROMIUM is not None and CHROMEDRIVER is not None
    assert microphone in ("allowed", "blocked", "missing"), microphone
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
    ):
        options.add_argument(flag)
    if microphone != "blocked":  # without the fake prompt, headless Chromium refuses
        options.add_argument("--use-fake-ui-for-media-stream")
    if microphone != "missing":
        options.add_argument("--use-fake-device-for-media-stream")
    if mic_file is not None:
        suffix = "" if loop else "%noloop"
        options.add_argument(f"--use-file-for-fake-audio-capture={mic_file}{suffix}")
    if offline:
        options.add_argument("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.execute_cdp_cmd(
            "Page.addScriptToEvaluateOnNewDocument", {"source": KEEP_PEER_CONNECTIONS}
        )
        yield driver
    finally:
        driver.quit()


def received_audio(driver: webdriver.Chrome) -> dict[str, Any]:
    """{"energy", "packets"} of all audio received over the page's WebRTC connections."""
    stats: dict[str, Any] = driver.execute_async_script(RECEIVED_AUDIO)
    assert "error" not in stats, stats
    return stats


def wait_for(
    condition: Callable[[], T | None],
    timeout_s: float,
    what: str,
    state: Callable[[], object],
) -> T:
    """Poll `condition` until it returns a truthy value; on timeout, fail naming `what` and
    showing `state()` (what the page shows at that moment)."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"No {what} within {timeout_s:.0f} s; page state: {state()}")
        time.sleep(0.5)
