"""Phone-call benchmark: N simultaneous Twilio-protocol callers against one server.

    HF_HUB_OFFLINE=1 python scripts/bench_calls.py [--profiles offline,remote]
        [--calls 1,5,10,20] [--turns 3] [--json out.json]

Per profile one server process runs the whole app (`create_app`, uvicorn in process, offline
agent over the shipped listings, in-memory memory); this process dials it. For each N, N callers
ring within `JITTER_S` of each other, hear the greeting out, then take `--turns` turns each: an
espeak-ng request at real-time pace, then the answer heard to its end. Per turn: end of speech
(the caller's last frame sent) → first answer audio frame received, which includes the 450 ms
end-of-turn wait; a turn with no audio within `DROP_S` is dropped. RSS/call is the server's
peak RSS during the run minus its RSS after a warm-up call, divided by N. Server CPU is the
server process's CPU time over the run's wall time (200% is both cores of a 2-core machine);
machine CPU is every process's (the machine may be shared: it says how much else ran). Profiles:

- offline: Whisper base (whisper-local) and Piper on this machine, the offline policy model.
- remote: engines faked with Groq-like latencies (`REMOTE_CAPTION`): nothing heavy runs here.

Prints one markdown table; nothing here is a test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from property_agent.config import Settings
from property_agent.telephony.simulator.dial import CallerTurn, place_call
from property_agent.telephony.simulator.voice import on_the_line

ROOT = Path(__file__).resolve().parent.parent
DATA_CSV = ROOT / "data" / "properties.csv"
DROP_S = 15.0  # no answer audio this long after the caller stops talking: a dropped turn
JITTER_S = 1.0  # callers ring within this long of each other
QUIET_S = 1.5  # the answer is over when the line has been quiet this long
STT_S, TTS_FIRST_S, MODEL_S = (0.25, 0.40), (0.15, 0.25), (0.30, 0.50)
TTS_SPEED_X = 10.0  # a remote voice synthesises this much faster than real time
SECONDS_PER_CHAR = 0.065  # the fake voice's speaking rate (about 150 words a minute)
REMOTE_CAPTION = (
    f"remote profile: STT {STT_S[0] * 1000:.0f}-{STT_S[1] * 1000:.0f} ms per utterance, "
    f"TTS first chunk {TTS_FIRST_S[0] * 1000:.0f}-{TTS_FIRST_S[1] * 1000:.0f} ms then "
    f"{TTS_SPEED_X:.0f}x real time, +{MODEL_S[0] * 1000:.0f}-{MODEL_S[1] * 1000:.0f} ms before "
    "each chat-model call (two per searching turn) on the offline policy (uniform random)"
)
PLACES = ("Retiro", "Chamberi", "Salamanca", "Moncloa", "Tetuan", "Goya", "Palacio", "Ventas")
FOLLOW_UPS = ("Tell me more about it", "Something cheaper please")
logger = logging.getLogger("bench_calls")


def turn_texts(index: int, turns: int) -> list[str]:
    """What caller `index` says: a search (Whisper hears these well at 8 kHz), then follow-ups."""
    place = PLACES[index % len(PLACES)]
    texts = [f"I am looking for a flat with two bedrooms in {place}", *FOLLOW_UPS]
    return [texts[i % len(texts)] for i in range(turns)]


def phone_speech(text: str) -> NDArray[np.int16]:
    """`text` in espeak-ng's en-us voice (not the agent's Piper voice) on the phone line."""
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise SystemExit("espeak-ng is not installed (apt-get install espeak-ng)")
    with tempfile.NamedTemporaryFile(suffix=".wav") as out:
        subprocess.run([espeak, "-v", "en-us", "-s", "150", "-w", out.name, text], check=True)
        with wave.open(out.name) as wav:
            rate = wav.getframerate()
            samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
    return on_the_line(rate, samples)


# -- the server (a child process) -----------------------------------------------------------------
def bench_settings() -> Settings:
    """The offline stack with room for every caller; no `.env`, whatever the developer's."""
    overrides: dict[str, Any] = {
        "log_level": "WARNING",
        "llm": {"provider": "offline"},
        "memory": {"backend": "memory"},
        "stt": {"model": "whisper-local"},
        "tts": {"model": "piper"},
        "api": {"key": "bench-calls"},
        "telephony": {"max_calls": 100, "silence_timeout_s": 120.0},
    }
    return Settings(_env_file=None, **overrides)  # type: ignore[call-arg]


def remote_engines(settings: Settings, search: Any) -> tuple[Any, Any, Any]:
    """STT, TTS and chat model that only wait, like remote providers (see `REMOTE_CAPTION`)."""
    from property_agent.agent.offline.model import OfflinePolicyModel
    from property_agent.agent.offline.policy import OfflinePolicy
    from property_agent.avatars import get_avatar
    from property_agent.voice.stt.base import STT
    from property_agent.voice.tts.base import TTS, AudioChunk

    class RemoteLikeSTT(STT):
        """Hears one of the benchmark's requests (it cannot tell which was said)."""

        name = "remote-like-stt"

        async def _transcribe(self, samples: NDArray[np.float32]) -> str:
            await asyncio.sleep(random.uniform(*STT_S))
            return random.choice(turn_texts(random.randrange(len(PLACES)), 3))

    class RemoteLikeTTS(TTS):
        """A quiet hum as long as the text would take to say, streamed in 0.5 s chunks."""

        name = "remote-like-tts"
        rate = 24_000

        @property
        def sample_rate(self) -> int:
            return self.rate

        async def _synthesize(self, text: str, voice: str | None) -> AsyncIterator[AudioChunk]:
            await asyncio.sleep(random.uniform(*TTS_FIRST_S))
            left = len(text) * SECONDS_PER_CHAR
            while left > 0:
                piece = min(0.5, left)
                t = np.arange(round(piece * self.rate)) / self.rate
                yield self.rate, (1500 * np.sin(2 * np.pi * 220 * t)).astype(np.int16)
                left -= piece
                await asyncio.sleep(piece / TTS_SPEED_X)

    class RemoteLikeModel(OfflinePolicyModel):
        """The offline policy behind a remote model's time to first token."""

        async def _agenerate(self, *args: Any, **kwargs: Any) -> Any:
            await asyncio.sleep(random.uniform(*MODEL_S))
            return await super()._agenerate(*args, **kwargs)

        async def _astream(self, *args: Any, **kwargs: Any) -> Any:
            await asyncio.sleep(random.uniform(*MODEL_S))
            async for chunk in super()._astream(*args, **kwargs):
                yield chunk

    policy = OfflinePolicy(get_avatar(settings.avatar_name), lambda: search.parser)
    return RemoteLikeSTT(), RemoteLikeTTS(), RemoteLikeModel(policy=policy)


async def serve(profile: str) -> None:
    """Build the app for `profile`, warm it up, print the port, serve until stdin closes."""
    import uvicorn

    from property_agent.agent.runtime import AgentRuntime
    from property_agent.api.app import create_app
    from property_agent.search.service import PropertySearchService
    from property_agent.voice.stack import VoiceStack

    settings = bench_settings()
    search = PropertySearchService(settings)
    await search.start(DATA_CSV)
    stt = tts = model = None
    if profile == "remote":
        stt, tts, model = remote_engines(settings, search)
    runtime = AgentRuntime(settings, search, model=model)
    await runtime.start()
    voice = VoiceStack(settings, runtime, stt=stt, tts=tts)
    await voice.warm_up()
    app = create_app(settings, search_service=search, agent_runtime=runtime, voice=voice)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="warning", ws="websockets-sansio")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[listener]))
    while not server.started:  # noqa: ASYNC110 (uvicorn offers only this flag)
        await asyncio.sleep(0.05)
    print(json.dumps({"port": listener.getsockname()[1]}), flush=True)
    await asyncio.to_thread(sys.stdin.read)  # the benchmark closes our stdin when done
    server.should_exit = True
    await task
    await voice.aclose()
    await runtime.aclose()
    await search.aclose()


# -- the callers (this process) -------------------------------------------------------------------
@dataclass
class Row:
    profile: str
    calls: int
    turns: int
    p50_ms: float | None
    p95_ms: float | None
    dropped: int
    rss_per_call_mb: float
    server_cpu_pct: float
    machine_cpu_pct: float


class Server:
    """The server process for one profile."""

    def __init__(self, profile: str) -> None:
        self.profile = profile
        self.process: asyncio.subprocess.Process | None = None
        self.url = ""

    async def __aenter__(self) -> Server:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--serve", self.profile,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert self.process.stdout is not None
        line = b""
        while not line.startswith(b'{"port"'):  # (Gradio prints to stdout as well)
            line = await self.process.stdout.readline()
            if not line:
                raise SystemExit(f"The {self.profile} server did not start (see its errors)")
        port = json.loads(line)["port"]
        self.url = f"ws://127.0.0.1:{port}/voice/telephone/handler"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.close()
        try:
            await asyncio.wait_for(self.process.wait(), 30)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()

    def rss_mb(self) -> float:
        assert self.process is not None
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        kb = next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))
        return int(kb) / 1024

    def cpu_s(self) -> float:
        """CPU time (user + system, every thread) the server has used so far."""
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu_s() -> float:
    """CPU time every process on the machine has used since boot (not idle, not I/O wait)."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


async def one_call(
    url: str, speeches: list[NDArray[np.int16]], delay_s: float
) -> tuple[list[float], int]:
    """One caller's turns: latencies (ms) of the answered ones, and how many were dropped (a
    dead line drops the rest too; never greeted drops them all)."""
    await asyncio.sleep(delay_s)
    turns = [CallerTurn(f"turn {i}", speech) for i, speech in enumerate(speeches, 1)]
    result = await place_call(url, turns, answer_within_s=DROP_S, quiet_s=QUIET_S)
    latencies = [seconds * 1000 for seconds in result.answered]
    return latencies, len(speeches) - len(latencies)


async def run_profile(profile: str, counts: list[int], turns: int) -> list[Row]:
    texts = {text for i in range(max(counts)) for text in turn_texts(i, turns)}
    speech = {text: phone_speech(text) for text in sorted(texts)}
    rows = []
    async with Server(profile) as server:
        warm_up = [speech[turn_texts(0, 1)[0]]]
        await one_call(server.url, warm_up, 0.0)  # first-call and first-turn set-up: not counted
        await asyncio.sleep(1.0)
        base = server.rss_mb()
        for n in counts:
            peak = base
            began, server_began, machine_began = time.monotonic(), server.cpu_s(), machine_cpu_s()
            calls = [
                one_call(
                    server.url,
                    [speech[text] for text in turn_texts(i, turns)],
                    random.uniform(0, JITTER_S),
                )
                for i in range(n)
            ]
            running = asyncio.ensure_future(asyncio.gather(*calls))
            while not running.done():
                peak = max(peak, server.rss_mb())
                await asyncio.wait({running}, timeout=0.25)
            results = running.result()
            wall = time.monotonic() - began
            server_pct = (server.cpu_s() - server_began) / wall * 100
            machine_pct = (machine_cpu_s() - machine_began) / wall * 100
            latencies = sorted(ms for done, _ in results for ms in done)
            dropped = sum(lost for _, lost in results)
            rows.append(
                Row(
                    profile,
                    n,
                    n * turns,
                    _percentile(latencies, 50),
                    _percentile(latencies, 95),
                    dropped,
                    (peak - base) / n,
                    server_pct,
                    machine_pct,
                )
            )
            logger.info("%s", rows[-1])
            await asyncio.sleep(2.0)  # let the calls wind down before the next N
    return rows


def _percentile(values: list[float], q: int) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def table(rows: list[Row]) -> Iterator[str]:
    yield "| profile | N | p50 | p95 | dropped | RSS/call | server CPU | machine CPU |"
    yield "|---|---:|---:|---:|---:|---:|---:|---:|"
    for row in rows:
        p50, p95 = (f"{v:.0f} ms" if v is not None else "-" for v in (row.p50_ms, row.p95_ms))
        yield (
            f"| {row.profile} | {row.calls} | {p50} | {p95} | {row.dropped}/{row.turns} "
            f"| {row.rss_per_call_mb:.1f} MB | {row.server_cpu_pct:.0f}% "
            f"| {row.machine_cpu_pct:.0f}% |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", default="offline,remote")
    parser.add_argument("--calls", default="1,5,10,20", help="simultaneous callers per run")
    parser.add_argument("--turns", type=int, default=3, help="turns per caller")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    parser.add_argument("--serve", help=argparse.SUPPRESS)  # the server process's own mode
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.serve:
        logging.basicConfig(level=logging.WARNING)
        asyncio.run(serve(args.serve))
        return
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    counts = [int(n) for n in args.calls.split(",")]
    rows: list[Row] = []
    for profile in args.profiles.split(","):
        if profile not in ("offline", "remote"):
            raise SystemExit(f"Unknown profile {profile!r}: use offline or remote")
        started = time.monotonic()
        rows += asyncio.run(run_profile(profile, counts, args.turns))
        logger.info("%s profile: %.0f s", profile, time.monotonic() - started)
    print(
        f"\nEnd of speech → first answer audio, {args.turns} turns per caller, callers ringing "
        f"within {JITTER_S:.0f} s; dropped: no audio within {DROP_S:.0f} s. offline profile: "
        f"whisper-local (base) + piper + offline policy. {REMOTE_CAPTION}. "
        f"{os.cpu_count()} CPUs.\n"
    )
    print("\n".join(table(rows)))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=2))


if __name__ == "__main__":
    main()
