"""The pause set: callers who stop mid-sentence (300–1200 ms, with and without "um" and "let me
think") and callers who have finished, in synthetic voices (espeak-ng, flite), for the turn
detector's tests and `bench_voice.py`.

Each utterance is synthesised in one go with SSML breaks where the caller pauses, so the words
before a pause carry the voice's mid-sentence intonation rather than a sentence's end; each
break is then set to exactly the pause wanted. Audio positions are at 16 kHz.

Not product code. Tests import it as `scripts._pause_set`; scripts as `_pause_set`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from property_agent.voice.audio import STT_RATE, resample

CACHE = Path(tempfile.gettempdir()) / "property-agent-pauses"
PAUSES_MS = (300, 600, 900, 1200)
_BREAK_MS = 700  # the break asked of the synthesiser; longer than any pause it makes itself
_QUIET = 60  # int16: both engines' silence is (near) zero
# "|" marks where the caller pauses.
INCOMPLETE = (
    "I am looking for a flat in | Retiro with two bedrooms.",
    "My budget is around | four hundred thousand euros.",
    "I need something with | three bedrooms and a terrace.",
    "Do you have anything near | the metro in Chamberi?",
    "I would like a flat with | a lift and parking.",
)
HESITATIONS = (
    "I am looking for um | a studio near Sol.",
    "I want a flat in | let me think | Salamanca.",
    "Something under um | half a million euros.",
)
COMPLETE = (
    "I am looking for a flat with two bedrooms in Retiro.",
    "Something cheaper, please.",
    "How many bathrooms does it have?",
    "Great, thank you. That is all for today.",
    "Do you have anything with a terrace in Salamanca?",
    "My budget is four hundred thousand euros.",
)


@dataclass(frozen=True)
class Voice:
    family: str  # "espeak-ng" or "flite"
    name: str

    @property
    def label(self) -> str:
        return f"{self.family} {self.name}"

    @property
    def installed(self) -> bool:
        return shutil.which(self.family) is not None

    def command(self, ssml: str, out: Path) -> list[str]:
        if self.family == "espeak-ng":
            return ["espeak-ng", "-m", "-v", self.name, "-s", "150", "-w", str(out), ssml]
        return ["flite", "-ssml", "-voice", self.name, "-t", ssml, "-o", str(out)]


VOICES = (
    Voice("espeak-ng", "en-us"),
    Voice("espeak-ng", "en-gb-x-rp"),
    Voice("espeak-ng", "en-us+f3"),
    Voice("flite", "slt"),
    Voice("flite", "awb"),
    Voice("flite", "kal"),
)


@dataclass(frozen=True)
class Utterance:
    """16 kHz float audio from the first word to the last; `pauses` are (start, end) sample
    positions of each mid-sentence pause (empty for a complete sentence)."""

    voice: Voice
    text: str
    pause_ms: int  # 0: no pause
    audio: NDArray[np.float32]
    pauses: tuple[tuple[int, int], ...]

    @property
    def complete(self) -> bool:
        return not self.pauses

    @property
    def label(self) -> str:
        pause = f", {self.pause_ms} ms" if self.pause_ms else ""
        return f"{self.voice.label}: {self.text.replace(' | ', ' … ')}{pause}"


def _synthesize(voice: Voice, ssml: str) -> tuple[int, NDArray[np.int16], str]:
    """(rate, samples, flite's segment timings or "") for `ssml`; cached on disk."""
    key = hashlib.sha1(f"{voice.label}\n{ssml}".encode()).hexdigest()[:16]
    path, segments = CACHE / f"{key}.wav", CACHE / f"{key}.txt"
    if not path.is_file():
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.wav")  # two runs may synthesise at once
        command = voice.command(ssml, partial)
        if voice.family == "flite":
            command.insert(1, "-psdur")
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        segments.write_text(done.stdout)
        partial.replace(path)
    with wave.open(str(path)) as wav:
        rate = wav.getframerate()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
    return rate, samples, segments.read_text() if segments.is_file() else ""


def _breaks(
    voice: Voice, rate: int, raw: NDArray[np.int16], segments: str
) -> list[tuple[int, int]]:
    """Where the synthesiser paused for each break, as sample spans. flite keeps a break to a
    short pause ("pau" in its segment timings) whatever its length, as it does at a comma (so
    sentences with breaks have no commas); espeak-ng leaves silence."""
    if voice.family == "flite":
        spans, begin = [], 0.0
        for segment in segments.split():
            phone, _, end = segment.partition(":")
            if phone == "pau" and begin > 0:
                spans.append((round(begin * rate), round(float(end) * rate)))
            begin = float(end)
        return spans[:-1]  # the last is the end of the sentence
    loud = np.flatnonzero(np.abs(raw.astype(np.int32)) > _QUIET)
    gaps = np.flatnonzero(np.diff(loud) > _BREAK_MS * 0.6 * rate / 1000)
    return [(int(loud[i]) + 1, int(loud[i + 1])) for i in gaps]


def utterance(voice: Voice, text: str, pause_ms: int = 0) -> Utterance:
    """`text` in `voice`, each "|" a pause of exactly `pause_ms`."""
    parts = [part.strip() for part in text.split("|")]
    ssml = f' <break time="{_BREAK_MS}ms"/> '.join(parts)
    rate, raw, segments = _synthesize(voice, f"<speak>{ssml}</speak>")
    breaks = _breaks(voice, rate, raw, segments) if len(parts) > 1 else []
    if len(breaks) != len(parts) - 1:
        raise RuntimeError(f"{voice.label} made {len(breaks)} breaks in {text!r}")
    loud = np.flatnonzero(np.abs(raw.astype(np.int32)) > _QUIET)
    first, last = int(loud[0]), int(loud[-1]) + 1
    raw, breaks = raw[first:last], [(a - first, b - first) for a, b in breaks]
    pieces, pauses, at, cursor = [], [], 0, 0
    for start, end in [*breaks, (raw.size, raw.size)]:
        speech = resample(raw[cursor:start], rate, STT_RATE).astype(np.float32) / 32768
        pieces.append(speech)
        at += speech.size
        if start < raw.size:
            gap = round(pause_ms * STT_RATE / 1000)
            pieces.append(np.zeros(gap, dtype=np.float32))
            pauses.append((at, at + gap))
            at += gap
        cursor = end
    return Utterance(voice, text, pause_ms if pauses else 0, np.concatenate(pieces), tuple(pauses))


def pause_set(voices: tuple[Voice, ...] = VOICES) -> list[Utterance]:
    """Every incomplete sentence at every pause, and every complete one, in each voice."""
    out = []
    for voice in voices:
        for text in INCOMPLETE + HESITATIONS:
            out += [utterance(voice, text, pause) for pause in PAUSES_MS]
        out += [utterance(voice, text) for text in COMPLETE]
    return out


LEAD_MS = 500  # silence before the first word
TAIL_MS = 2500  # and after the last: longer than any wait for the end of the turn


def frames_at(utt: Utterance, rate: int, frame_ms: int = 20) -> list[NDArray[np.int16]]:
    """The utterance as a microphone (48 kHz) or phone line (8 kHz) delivers it: int16 frames
    of `frame_ms`, with silence around it."""
    lead, tail = np.zeros(LEAD_MS * 16), np.zeros(TAIL_MS * 16)
    audio = resample(np.concatenate([lead, utt.audio, tail]).astype(np.float32), STT_RATE, rate)
    pcm = np.clip(np.round(audio * 32767), -32768, 32767).astype(np.int16)
    size = rate * frame_ms // 1000
    return [pcm[i : i + size] for i in range(0, pcm.size - size + 1, size)]


@dataclass(frozen=True)
class Heard:
    """Where the first turn ended, in ms of audio from the first word (None: never)."""

    utterance: Utterance
    ended_ms: float | None

    @property
    def speech_end_ms(self) -> float:
        return self.utterance.audio.size / 16

    @property
    def cut_off(self) -> bool:
        """The turn ended before the caller's last word: they were cut off mid-sentence."""
        return self.ended_ms is not None and self.ended_ms < self.speech_end_ms

    @property
    def wait_ms(self) -> float | None:
        """How long after the last word the turn ended (None: cut off, or never ended)."""
        if self.ended_ms is None or self.cut_off:
            return None
        return self.ended_ms - self.speech_end_ms


def first_turn_end(utt: Utterance, feed: Callable[[NDArray[np.int16]], bool], rate: int) -> Heard:
    """Feed the utterance frame by frame to `feed` (True: the turn ended) and note where in the
    audio the first turn ended."""
    for index, frame in enumerate(frames_at(utt, rate), 1):
        if feed(frame):
            return Heard(utt, index * frame.size * 1000 / rate - LEAD_MS)
    return Heard(utt, None)
