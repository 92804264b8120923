"""Voice benchmark: end of speech → first audio on the configured (default: offline) stack, and
memory per extra session.

    HF_HUB_OFFLINE=1 python scripts/bench_voice.py [--utterances 24] [--min-silence-ms 450]
                                                   [--json out.json]

Callers are espeak-ng voices (en-us, a few speeds) in multi-turn conversations over the shipped
listings. Each utterance goes through the streaming end-of-turn detector in 20 ms frames at 48 kHz,
as FastRTC feeds it; the end-of-turn wait is audio time (last voiced sample → turn ended), so it
is the same on any machine. The audio the handler would keep is then answered by a voice session,
whose own timings give STT, first sentence and first audio. Prints one markdown table; nothing
here is a test.
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
import tempfile
import time
import wave
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.signal import resample_poly

from property_agent.agent.runtime import AgentRuntime
from property_agent.config import Settings, load_settings
from property_agent.search.service import PropertySearchService
from property_agent.voice.events import ReplyText
from property_agent.voice.fastrtc_agent import FastRTCAgent
from property_agent.voice.stack import VoiceStack
from property_agent.voice.turn_detection import StreamingReplyOnPause

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
    session: str
    text: str
    speech_s: float
    eot_wait_ms: float | None  # None: the detector never ended the turn
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


async def run(opts: argparse.Namespace) -> dict[str, Any]:
    if opts.min_silence_ms is not None:
        os.environ["VAD__MIN_SILENCE_MS"] = str(opts.min_silence_ms)
    # The environment applies (STT__MODEL=… benchmarks another stack), a developer's .env not.
    settings: Settings = load_settings(_env_file=None)
    search = PropertySearchService(settings)
    await search.start(ROOT / "data" / "properties.csv")
    runtime = AgentRuntime(settings, search)
    await runtime.start()
    stack = VoiceStack(settings, runtime)
    detector = _Handler(_unused, vad=settings.vad, can_interrupt=True)
    rnd = random.Random(5)
    trail_s = settings.vad.min_silence_ms / 1000 + 1.5
    try:
        await stack.warm_up()
        warm, _ = espeak(SHORT_TURN, 170, rnd, trail_s)
        await answer(stack.session("bench-warm-up"), detect_turn(detector, warm)[1])

        flat = [(c, text) for c, turns in enumerate(CONVERSATIONS) for text in turns]
        sessions: dict[str, FastRTCAgent] = {}
        results: list[Turn] = []
        for i in range(opts.utterances):
            conversation, text = flat[i % len(flat)]
            sid = f"bench-{conversation}-{i // len(flat)}"
            if sid not in sessions:
                sessions[sid] = stack.session(sid)
            session = sessions[sid]
            audio, last_voiced = espeak(text, rnd.choice([150, 165, 175, 190]), rnd, trail_s)
            ended, cut, clipped = detect_turn(detector, audio)
            reply = await answer(session, cut)
            t = session.last_turn
            whole = await stack.stt.transcribe((RATE, audio[: int((last_voiced + LEAD_S) * RATE)]))
            wait = None if ended is None else (ended - last_voiced) * 1000
            results.append(
                Turn(sid, text, round(last_voiced - LEAD_S, 2), wait, clipped * 1000,
                     t.stt_ms, t.first_sentence_ms, t.first_audio_ms,
                     None if wait is None or t.first_audio_ms is None else wait + t.first_audio_ms,
                     t.transcript, reply, wer(text, t.transcript), wer(text, whole))
            )  # fmt: skip
            logger.info("%s", results[-1])

        # Memory: sessions kept alive after one short turn each, the engines already loaded.
        short, _ = espeak(SHORT_TURN, 170, rnd, trail_s)
        short_cut = detect_turn(detector, short)[1]
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
    return {
        "stack": f"{stack.stt.name} + {settings.llm_provider} + {stack.tts.name}",
        "min_silence_ms": settings.vad.min_silence_ms,
        "turns": [asdict(r) for r in results],
        "sessions": len(sessions),
        "mb_per_extra_session": round(per_session, 2),
    }


def table(report: dict[str, Any]) -> str:
    turns: list[dict[str, Any]] = report["turns"]

    def col(key: str) -> list[float]:
        return [v for t in turns if (v := t[key]) is not None]

    def row(name: str, key: str, target: tuple[float, float] | None = None) -> str:
        values = col(key)
        p50, p95 = pct(values, 0.5), pct(values, 0.95)
        missing = len(turns) - len(values)
        note = f" ({missing} turns without)" if missing else ""
        if target is None:
            return f"| {name}{note} | {p50:.0f} ms | {p95:.0f} ms | — | — |"
        met = "yes" if p50 <= target[0] and p95 <= target[1] else "no"
        goal = f"p50 ≤ {target[0] / 1000:.1f} s, p95 ≤ {target[1] / 1000:.1f} s"
        return f"| {name}{note} | {p50:.0f} ms | {p95:.0f} ms | {goal} | {met} |"

    mb = float(report["mb_per_extra_session"])
    speech = col("speech_s")
    lines = [
        f"\n{len(turns)} utterances ({min(speech):.1f}–{max(speech):.1f} s of speech) in "
        f"{report['sessions']} sessions; {report['stack']}; "
        f"VAD__MIN_SILENCE_MS={report['min_silence_ms']}\n",
        "| metric | p50 | p95 | target | met? |",
        "| --- | --- | --- | --- | --- |",
        row("end-of-turn wait (audio: last voiced sample → turn ends)", "eot_wait_ms"),
        row("STT (from end of turn)", "stt_ms"),
        row("first sentence (from end of turn)", "first_sentence_ms"),
        row("first TTS audio (from end of turn)", "first_audio_ms"),
        row("**end of speech → first audio**", "speech_to_audio_ms", (1200, 2000)),
        f"| STT word error vs espeak text, mean (whole utterance: "
        f"{statistics.mean(col('whole_wer')):.0%}) | {statistics.mean(col('wer')):.0%} | — "
        "| info | — |",
        f"| onset the handler drops (negative: audio kept before the first word) | "
        f"{pct(col('clipped_ms'), 0.5):.0f} ms | {pct(col('clipped_ms'), 0.95):.0f} ms "
        "| info | — |",
        f"| memory per extra session (RSS, {EXTRA_SESSIONS} sessions, one turn each) "
        f"| {mb:.2f} MB | — | ≤ 50 MB | {'yes' if mb <= 50 else 'no'} |",
    ]
    return "\n".join(lines)


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--utterances", type=int, default=24)
    args.add_argument("--min-silence-ms", type=int, help="override VAD__MIN_SILENCE_MS")
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
