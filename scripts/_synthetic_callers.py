"""Synthetic callers on the real phone path, for benchmarks and tests: text in a synthetic voice
(espeak-ng or flite, voices unlike the agent's Piper), sent as Twilio sends it (8 kHz μ-law,
20 ms frames, silence around the speech) through the real turn detector.

Not product code: the product never synthesises a caller. Tests import it as
`scripts._synthetic_callers`; scripts import it as `_synthetic_callers` (scripts never import
tests).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from property_agent.config import VADSettings
from property_agent.telephony.codec import FRAME_BYTES, PHONE_RATE, to_phone, ulaw_decode
from property_agent.telephony.turns import TurnTaker

CACHE = Path(tempfile.gettempdir()) / "property-agent-callers"
_SPEECH_FLOOR = 100  # int16; both engines pad with exact (or near) zeros


@dataclass(frozen=True)
class Voice:
    """One synthetic voice: `family` is the engine ("espeak-ng", "flite"), `name` its voice."""

    family: str
    name: str

    @property
    def label(self) -> str:
        return f"{self.family} {self.name}"

    def command(self, text: str, out: Path) -> list[str]:
        if self.family == "espeak-ng":
            return ["espeak-ng", "-v", self.name, "-s", "150", "-w", str(out), text]
        return ["flite", "-voice", self.name, "-t", text, "-o", str(out)]

    @property
    def installed(self) -> bool:
        return shutil.which(self.family) is not None


# espeak-ng: American, British RP and a female variant; flite (Debian): two male, one female.
VOICES = (
    Voice("espeak-ng", "en-us"),
    Voice("espeak-ng", "en-gb-x-rp"),
    Voice("espeak-ng", "en-us+f3"),
    Voice("flite", "kal"),
    Voice("flite", "awb"),
    Voice("flite", "slt"),
)


def installed_voices() -> list[Voice]:
    return [voice for voice in VOICES if voice.installed]


def synthesize(voice: Voice, text: str, cache: Path = CACHE) -> tuple[int, NDArray[np.int16]]:
    """`text` in `voice`, as (rate, int16), trimmed to the speech itself; cached on disk."""
    key = hashlib.sha1(f"{voice.label}\n{text}".encode()).hexdigest()[:16]
    path = cache / f"{key}.wav"
    if not path.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.wav")  # two runs may synthesise at once
        subprocess.run(voice.command(text, partial), check=True, capture_output=True)
        partial.replace(path)
    with wave.open(str(path)) as wav:
        rate = wav.getframerate()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
    voiced = np.flatnonzero(np.abs(samples.astype(np.int32)) > _SPEECH_FLOOR)
    return rate, samples[voiced[0] : voiced[-1] + 1]


def over_the_phone(
    rate: int, samples: NDArray[np.int16], lead_s: float = 1.0, tail_s: float = 1.5
) -> Iterator[bytes]:
    """The caller's side of the line: 20 ms μ-law frames of silence, the speech, then silence
    long enough for the turn to end (as Twilio streams them)."""
    speech = to_phone(rate, samples)
    silence = b"\xff"  # μ-law zero
    payload = silence * round(lead_s * PHONE_RATE) + speech + silence * round(tail_s * PHONE_RATE)
    for start in range(0, len(payload) - FRAME_BYTES + 1, FRAME_BYTES):
        yield payload[start : start + FRAME_BYTES]


def heard_turns(frames: Iterator[bytes], vad: VADSettings) -> list[NDArray[np.int16]]:
    """The utterances the real turn detector hands to the STT (8 kHz int16), in order."""
    turns = TurnTaker(vad)
    heard = []
    for frame in frames:
        utterance = turns.feed(ulaw_decode(frame))
        if utterance is not None and utterance.size:
            heard.append(utterance)
    return heard
