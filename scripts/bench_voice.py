"""Voice benchmark: end of speech → first audio on the configured (default: offline) stack with
both turn models side by side (`silence`, `smart-turn`), false cut-offs on the pause set, the
turn model's start-up and memory, and memory per extra session.

    HF_HUB_OFFLINE=1 python scripts/bench_voice.py [--utterances 24] [--min-silence-ms 450]
                                                   [--turn-models silence,smart-turn]
                                                   [--json out.json]

Callers are espeak-ng voices (en-us, a few speeds) in multi-turn conversations over the shipped
listings. Each utterance goes through the streaming end-of-turn detector in 20 ms frames at 48 kHz,
as FastRTC feeds it; the end-of-turn wait is audio time (last voiced sample → turn ended), so it
is the same on any machine, plus, when the turn model ended the turn, the wall time its verdict
took. The audio the handler would keep is then answered by a voice session (one per turn model),
whose own timings give STT, first sentence and first audio. The pause set (scripts/_pause_set.py:
six espeak-ng and flite voices, pauses of 300–1200 ms) goes through the web detector (48 kHz) and
the phone's (8 kHz). Prints one markdown table; nothing here is a test.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.signal import resample_poly

from _pause_set import Heard, first_turn_end, pause_set
from property_agent.agent.runtime import AgentRuntime
from property_agent.config import Settings, load_settings
from property_agent.search.service import PropertySearchService
from property_agent.telephony.turns import TurnTaker
from property_agent.voice.events import ReplyText
from property_agent.voice.fastrtc_agent import FastRTCAgent
from property_agent.voice.stack import VoiceStack
from property_agent.voice.turn_detection import StreamingPauseDetector, StreamingReplyOnPause

ROOT = Path(__file__).resolve().parent.parent
RATE = 48_000  # WebRTC's rate, as FastRTC hands frames to the handler
FRAME = RATE // 50  # 20 ms
EXTRA_SESSIONS = 20
LEAD_S = 0.3  # silence before each utterance
# One list per caller; follow-ups rely on the turns before them.
CONVERSATIONS = [
    ["Hello, my name is Carlos.",
     "I am looking for a two bedroom flat in Chamberi under 400000 euros.",
     "How many bathrooms does it have?",
     "Something cheaper, please.",
     "Tell me more about that one.",
     "Great, thank you. That is all for today."],
    ["Hi there.",
     "Do you have anything with a terrace in Salamanca?",
     "How big is it?",
     "And the next one?",
     "What about Retiro instead, with three bedrooms?",
     "Is it close to the metro?"],
    ["Good morning, this is Lucia Fernandez.",
     "I need a quiet studio near Sol for less than 250000.",
     "Does it have a lift?",
     "Bigger, please.",
     "What is the price of that one?",
     "Perfect, can you send me the details?"],
    ["Hello.",
     "My partner and I want a renovated apartment with parking in Arguelles, "
     "ideally with four bedrooms and a budget of around 900000 euros.",
     "Which floor is it on?",
     "Something in Tetuan maybe?",
     "Okay, goodbye."],
]  # fmt: skip
SHORT_TURN = "Hello, my name is Ana."
NUMBER_WORDS = {
    w: str(n) for n, w in enumerate("one two three four five six seven eight nine ten".split(), 1)
}
logger = logging.getLogger("bench_voice")


@dataclass
class Turn:
    turn_model: str
    session: str
    text: str
    speech_s: float
    eot_wait_ms: float | None  # None: the detector never ended the turn
    ended_by: str | None  # silence, model (its verdict) or pause limit
    judged_ms: float | None  # wall time of the turn model's verdict that ended the turn
    clipped_ms: float  # start of the utterance the handler drops (negative: silence kept before)
    stt_ms: float
    first_sentence_ms: float | None
    first_audio_ms: float | None
    speech_to_audio_ms: float | None
    transcript: str
    first_reply: str  # the agent's first sentence (a search may play its tool line first)
    wer: float
    whole_wer: float  # the same utterance transcribed whole (shows what the onset clip costs)


def espeak(text: str, speed: int, rnd: random.Random, trail_s: float) -> tuple[np.ndarray, float]:
    """int16 audio at 48 kHz (`LEAD_S` lead, `trail_s` tail, -66 dBFS hiss) and the time in seconds
    of its last voiced sample."""
    with tempfile.NamedTemporaryFile(suffix=".wav") as out:
        subprocess.run(
            ["espeak-ng", "-v", "en-us", "-s", str(speed), "-w", out.name, text], check=True
        )
        with wave.open(out.name) as wav:
            rate = wav.getframerate()
            voice = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
    divisor = np.gcd(rate, RATE)
    voice = resample_poly(voice.astype(np.float32) / 32768, RATE // divisor, rate // divisor)
    lead, tail = np.zeros(int(LEAD_S * RATE)), np.zeros(int(trail_s * RATE))
    clean = np.concatenate([lead, voice, tail])
    last_voiced = int(np.flatnonzero(np.abs(clean) > 0.01)[-1])
    noisy = clean + np.random.default_rng(rnd.randrange(1 << 30)).normal(0, 5e-4, clean.size)
    return (np.clip(noisy, -1, 1) * 32767).astype(np.int16), last_voiced / RATE


class _Handler(StreamingReplyOnPause):
    """The FastRTC handler as the web page uses it, with no connection (nothing to queue)."""

    @property
    def clear_queue(self) -> Any:
        return lambda: None


async def _unused(audio: Any) -> Any:
    yield audio


def detect_turn(
    handler: StreamingReplyOnPause, audio: np.ndarray
) -> tuple[float | None, np.ndarray, float]:
    """Feed 20 ms frames through the handler's own `receive`, as FastRTC does: (seconds at which
    the turn ended, the audio it hands the reply, seconds from the start of that audio to the
    start of the utterance — negative: the handler kept some silence before the first word)."""
    handler.reset()
    handler.event.clear()
    for start in range(0, audio.size - FRAME + 1, FRAME):
        handler.receive((RATE, audio[start : start + FRAME].reshape(1, -1)))
        if handler.event.is_set():
            ended = (start + FRAME) / RATE
            kept = np.asarray(handler.state.stream).reshape(-1)
            handler.event.clear()
            handler.state = handler.state.new()  # type: ignore[no-untyped-call]
            return ended, kept, ended - kept.size / RATE - LEAD_S
    return None, audio, 0.0


def words(text: str) -> list[str]:
    text = re.sub(r"(?<=\d)[,.](?=\d)", "", text.lower().replace("-", " "))
    tokens = re.findall(r"[a-z0-9']+", text)
    return [NUMBER_WORDS.get(t, t) for t in tokens]


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate (word-level edit distance / reference words), rough: no number parsing
    beyond one..ten, so "400000" vs "four hundred thousand" counts as errors."""
    ref, hyp = words(reference), words(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1] / max(1, len(ref))


def rss_mb() -> float:
    """Resident memory now (not the peak), from /proc (psutil is not a dependency)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


async def answer(session: FastRTCAgent, audio: np.ndarray) -> str:
    """The turn played to the end; its first line the avatar said ("" for none)."""
    said = [
        event.text
        async for event in session.respond((RATE, audio.reshape(1, -1)))
        if isinstance(event, ReplyText)
    ]
    return said[0] if said else ""


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _detector(vad: Any, path: str) -> tuple[StreamingPauseDetector, Callable[[Any], bool]]:
    """A fresh detector on the web (48 kHz frames) or phone (8 kHz, `TurnTaker`) path, and the
    function that feeds it one frame (True: the turn ended)."""
    if path == "web":
        detector = StreamingPauseDetector(vad)
        return detector, lambda frame: detector.feed(frame.reshape(1, -1), RATE)
    taker = TurnTaker(vad)
    return taker.detector, lambda frame: taker.feed(frame) is not None


def pause_rates(vad: Any) -> dict[str, Any]:
    """The pause set through the web (48 kHz) and phone (8 kHz) detectors: false cut-offs on
    the unfinished sentences, the wait after the finished ones, the turn model's verdict times."""
    out: dict[str, Any] = {}
    utterances = pause_set()
    for path, rate in (("web", RATE), ("phone", 8_000)):
        heard: list[Heard] = []
        judged: list[float] = []
        for utt in utterances:
            detector, feed = _detector(vad, path)
            heard.append(first_turn_end(utt, feed, rate))
            if detector.judged_ms is not None:
                judged.append(detector.judged_ms)
        unfinished = [h for h in heard if not h.utterance.complete]
        finished = [h for h in heard if h.utterance.complete]
        out[path] = {
            "cut_off": sum(h.cut_off for h in unfinished),
            "unfinished": len(unfinished),
            "waits": [h.wait_ms if h.wait_ms is not None else float("inf") for h in finished],
            "judged_ms": judged,
            "voices": len({h.utterance.voice for h in heard}),
        }
    return out


def turn_model_cost() -> dict[str, float]:
    """Start-up and resident memory the turn model adds to a process that has Silero loaded
    (a fresh interpreter, so nothing else is loaded yet)."""
    code = (
        "import json, time\n"
        "from property_agent.voice.vad import packaged_vad\n"
        "packaged_vad()\n"
        "def rss():\n"
        "    for l in open('/proc/self/status'):\n"
        "        if l.startswith('VmRSS:'): return int(l.split()[1]) / 1024\n"
        "before, t = rss(), time.perf_counter()\n"
        "from property_agent.voice.turn_model import packaged_turn_model\n"
        "packaged_turn_model()\n"
        "ms = (time.perf_counter() - t) * 1000\n"
        "print(json.dumps({'startup_ms': ms, 'mb': rss() - before}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


async def run(opts: argparse.Namespace) -> dict[str, Any]:
    if opts.min_silence_ms is not None:
        os.environ["VAD__MIN_SILENCE_MS"] = str(opts.min_silence_ms)
    # The environment applies (STT__MODEL=… benchmarks another stack), a developer's .env not.
    settings: Settings = load_settings(_env_file=None)
    modes = opts.turn_models.split(",")
    search = PropertySearchService(settings)
    await search.start(ROOT / "data" / "properties.csv")
    runtime = AgentRuntime(settings, search)
    await runtime.start()
    stack = VoiceStack(settings, runtime)
    vads = {mode: settings.vad.model_copy(update={"turn_model": mode}) for mode in modes}
    detectors = {mode: _Handler(_unused, vad=vad, can_interrupt=True) for mode, vad in vads.items()}
    rnd = random.Random(5)
    trail_s = max(v.max_pause_ms if v.turn_model == "smart-turn" else v.min_silence_ms
                  for v in vads.values()) / 1000 + 1.5  # fmt: skip
    try:
        await stack.warm_up()
        warm, _ = espeak(SHORT_TURN, 170, rnd, trail_s)
        for detector in detectors.values():
            await answer(stack.session("bench-warm-up"), detect_turn(detector, warm)[1])

        flat = [(c, text) for c, turns in enumerate(CONVERSATIONS) for text in turns]
        sessions: dict[str, FastRTCAgent] = {}
        results: list[Turn] = []
        for i in range(opts.utterances):
            conversation, text = flat[i % len(flat)]
            audio, last_voiced = espeak(text, rnd.choice([150, 165, 175, 190]), rnd, trail_s)
            whole = await stack.stt.transcribe((RATE, audio[: int((last_voiced + LEAD_S) * RATE)]))
            for mode, detector in detectors.items():
                sid = f"bench-{mode}-{conversation}-{i // len(flat)}"
                if sid not in sessions:
                    sessions[sid] = stack.session(sid)
                session = sessions[sid]
                detector.detector.judged_ms = None
                ended, cut, clipped = detect_turn(detector, audio)
                reply = await answer(session, cut)
                t = session.last_turn
                by = detector.detector.ended_by
                judged = detector.detector.judged_ms if by == "model" else None
                wait = None if ended is None else (ended - last_voiced) * 1000
                total = None
                if wait is not None and t.first_audio_ms is not None:
                    total = wait + (judged or 0.0) + t.first_audio_ms
                results.append(
                    Turn(mode, sid, text, round(last_voiced - LEAD_S, 2), wait, by, judged,
                         clipped * 1000, t.stt_ms, t.first_sentence_ms, t.first_audio_ms, total,
                         t.transcript, reply, wer(text, t.transcript), wer(text, whole))
                )  # fmt: skip
                logger.info("%s", results[-1])

        # Memory: sessions kept alive after one short turn each, the engines already loaded.
        short, _ = espeak(SHORT_TURN, 170, rnd, trail_s)
        short_cut = detect_turn(next(iter(detectors.values())), short)[1]
        gc.collect()
        before = rss_mb()
        extra = [stack.session(f"bench-mem-{n}") for n in range(EXTRA_SESSIONS)]
        for session in extra:
            await answer(session, short_cut)
        gc.collect()
        per_session = (rss_mb() - before) / EXTRA_SESSIONS
    finally:
        await stack.aclose()
        await runtime.aclose()
        await search.aclose()
    pauses = {mode: pause_rates(vad) for mode, vad in vads.items()}
    return {
        "stack": f"{stack.stt.name} + {settings.llm_provider} + {stack.tts.name}",
        "vad": settings.vad.model_dump(),
        "modes": modes,
        "turns": [asdict(r) for r in results],
        "sessions": len(sessions),
        "mb_per_extra_session": round(per_session, 2),
        "pauses": pauses,
        "turn_model_cost": turn_model_cost() if "smart-turn" in modes else None,
        "load": os.getloadavg(),
    }


def table(report: dict[str, Any]) -> str:
    modes: list[str] = report["modes"]
    turns: list[dict[str, Any]] = report["turns"]

    def col(mode: str, key: str) -> list[float]:
        return [v for t in turns if t["turn_model"] == mode and (v := t[key]) is not None]

    def cells(values: list[float], unit: str = " ms") -> str:
        if not values:
            return "— | —"
        return f"{pct(values, 0.5):.0f}{unit} | {pct(values, 0.95):.0f}{unit}"

    def row(name: str, key: str, target: str = "—", met: Any = None) -> str:
        parts = [cells(col(mode, key)) for mode in modes]
        verdict = "—" if met is None else ("yes" if met else "no")
        return f"| {name} | {' | '.join(parts)} | {target} | {verdict} |"

    def e2e_met() -> bool | None:
        if "smart-turn" not in modes:
            return None
        values = col("smart-turn", "speech_to_audio_ms")
        return pct(values, 0.5) <= 750 and pct(values, 0.95) <= 1100

    vad = report["vad"]
    head = " | ".join(f"{m} p50 | {m} p95" for m in modes)
    n = len([t for t in turns if t["turn_model"] == modes[0]])
    load = ", ".join(f"{x:.1f}" for x in report["load"])
    lines = [
        f"\n{n} utterances per turn model in {report['sessions']} sessions; {report['stack']}; "
        f"silence: VAD__MIN_SILENCE_MS={vad['min_silence_ms']}; smart-turn: "
        f"VAD__TURN_CHECK_MS={vad['turn_check_ms']}, VAD__MAX_PAUSE_MS={vad['max_pause_ms']}; "
        f"load average {load} (2 cores, shared)\n",
        f"| metric | {head} | target | met? |",
        "| --- |" + " --- | --- |" * len(modes) + " --- | --- |",
        row("end-of-turn wait (audio: last voiced sample → turn ends)", "eot_wait_ms"),
        row("turn model's verdict (wall, when it ended the turn)", "judged_ms"),
        row("STT (from end of turn)", "stt_ms"),
        row("first sentence (from end of turn)", "first_sentence_ms"),
        row("first TTS audio (from end of turn)", "first_audio_ms"),
        row("**end of speech → first audio**", "speech_to_audio_ms",
            "smart-turn p50 ≤ 750 ms, p95 ≤ 1.1 s", e2e_met()),
    ]  # fmt: skip
    for path in ("web", "phone"):
        rates, waits, judged = [], [], []
        for mode in modes:
            p = report["pauses"][mode][path]
            rates.append(
                f"{p['cut_off']}/{p['unfinished']} = {p['cut_off'] / p['unfinished']:.0%} | —"
            )
            waits.append(cells(p["waits"]))
            judged.append(cells(p["judged_ms"]))
        voices = report["pauses"][modes[0]][path]["voices"]
        met = None
        if "smart-turn" in modes:
            p = report["pauses"]["smart-turn"][path]
            met = p["cut_off"] / p["unfinished"] <= 0.03
        lines.append(
            f"| pause set, {path}: false cut-offs (unfinished sentences, {voices} voices, "
            f"300–1200 ms pauses) | {' | '.join(rates)} | smart-turn ≤ 3% | "
            f"{'—' if met is None else 'yes' if met else 'no'} |"
        )
        lines.append(f"| pause set, {path}: wait after a finished sentence (audio; inf = cut "
                     f"off or never) | {' | '.join(waits)} | info | — |")  # fmt: skip
        if "smart-turn" in modes:
            lines.append(f"| pause set, {path}: one verdict of the turn model (wall) | "
                         f"{' | '.join(judged)} | info | — |")  # fmt: skip
    wers = " | ".join(
        f"{statistics.mean(col(m, 'wer')):.0%} "
        f"(whole: {statistics.mean(col(m, 'whole_wer')):.0%}) | —"
        for m in modes
    )
    lines.append(f"| STT word error vs espeak text, mean | {wers} | info | — |")
    lines.append(row("onset the handler drops (negative: audio kept before the first word)",
                     "clipped_ms", "info"))  # fmt: skip
    cost = report["turn_model_cost"]
    blank = " | ".join("—" for _ in range(2 * len(modes) - 1))
    if cost:
        lines.append(f"| turn model start-up (load + first verdict, Silero already loaded) | "
                     f"{cost['startup_ms']:.0f} ms | {blank} | info | — |")  # fmt: skip
        lines.append(f"| memory the turn model adds (RSS) | {cost['mb']:.0f} MB | {blank} "
                     "| info | — |")  # fmt: skip
    mb = float(report["mb_per_extra_session"])
    lines.append(
        f"| memory per extra session (RSS, {EXTRA_SESSIONS} sessions, one turn each) "
        f"| {mb:.2f} MB | {blank} | ≤ 50 MB | {'yes' if mb <= 50 else 'no'} |"
    )
    return "\n".join(lines)


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--utterances", type=int, default=24)
    args.add_argument("--min-silence-ms", type=int, help="override VAD__MIN_SILENCE_MS")
    args.add_argument("--turn-models", default="silence,smart-turn", help="comma-separated")
    args.add_argument("--json", type=Path, help="also write the raw numbers here")
    args.add_argument("-v", "--verbose", action="store_true", help="log each turn")
    opts = args.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logger.setLevel(logging.INFO if opts.verbose else logging.WARNING)
    began = time.perf_counter()
    report = asyncio.run(run(opts))
    if opts.json:
        opts.json.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(table(report))
    print(f"\n(took {time.perf_counter() - began:.0f} s)")


if __name__ == "__main__":
    main()
