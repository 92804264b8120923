"""What every speech-to-text provider offers, and the audio and transcript rules they share.

Audio arrives as FastRTC hands it over after end of turn: `(sample_rate, samples)`, int16 or
float32, mono, shaped `(n,)` or `(1, n)`. Providers turn it into 16 kHz mono float32 with
`to_mono_float32_16k`, the rate every Whisper-family model expects.

Whisper invents text on silence and noise ("Thank you.", "Thanks for watching!", "you", "The").
The rule every provider applies, so a quiet or noisy line never becomes a phantom turn:

1. audio whose RMS is below `SILENCE_RMS` (about -50 dBFS, a quiet room) is not sent to a model
   at all: the transcript is "";
2. a segment is dropped when the model doubts anyone spoke (`no_speech_prob` above
   `NO_SPEECH_PROB`) *and* doubts its own words (`avg_logprob` below `LOW_AVG_LOGPROB`).
   Whisper's default bar is 0.6, but measured on Whisper base (greedy, our vocabulary prompt)
   white/brown noise, mains hum and clicks scored 0.37-0.60 with avg_logprob -2.6 to -3.2, while
   speech scored below 0.25 with avg_logprob above -0.85; hence 0.3. Both signals must agree, so
   confident speech is never dropped;
3. a transcript with no letters or digits ("...", "-") is "".
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray
from scipy.signal import resample_poly

TARGET_RATE = 16_000
SILENCE_RMS = 0.003
NO_SPEECH_PROB = 0.3
LOW_AVG_LOGPROB = -1.0

Audio = tuple[int, NDArray[np.int16] | NDArray[np.float32]]


class STTError(RuntimeError):
    """Transcription is impossible or failed; the message names the provider and what to fix."""


@runtime_checkable
class STT(Protocol):
    """A speech-to-text provider: one finished utterance in, its text out ("" for no speech)."""

    name: str

    async def transcribe(self, audio: Audio) -> str: ...


def to_mono_float32_16k(audio: Audio) -> NDArray[np.float32]:
    """FastRTC audio as 16 kHz mono float32 in [-1, 1], the input Whisper-family models take."""
    rate, samples = audio
    data = np.asarray(samples)
    if np.issubdtype(data.dtype, np.integer):
        scale = 32768.0 if data.dtype == np.int16 else float(2 ** (8 * data.itemsize - 1))
        mono = data.astype(np.float32) / np.float32(scale)
    else:
        mono = data.astype(np.float32)
    if mono.ndim == 2 and mono.shape[0] == 1:
        mono = mono[0]  # FastRTC's (1, n), including (1, 0) for a turn with nothing kept
    elif mono.ndim == 2:
        # (channels, n) or (n, channels) are averaged to mono.
        mono = mono.mean(axis=0 if mono.shape[0] <= mono.shape[1] else 1, dtype=np.float32)
    elif mono.ndim != 1:
        raise ValueError(f"expected mono audio shaped (n,) or (1, n), got {data.shape}")
    if rate != TARGET_RATE and mono.size:
        divisor = np.gcd(int(rate), TARGET_RATE)
        mono = np.asarray(resample_poly(mono, TARGET_RATE // divisor, int(rate) // divisor))
    clipped: NDArray[np.float32] = np.clip(mono, -1.0, 1.0).astype(np.float32, copy=False)
    return clipped


def is_silent(samples: NDArray[np.float32]) -> bool:
    """True when the utterance is too quiet to hold speech (rule 1 above)."""
    if samples.size == 0:
        return True
    return float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) < SILENCE_RMS


def is_no_speech(no_speech_prob: float, avg_logprob: float) -> bool:
    """True for a segment Whisper likely made up (rule 2 above)."""
    return no_speech_prob > NO_SPEECH_PROB and avg_logprob < LOW_AVG_LOGPROB


def clean_text(text: str) -> str:
    """A transcript as the agent wants it: one line, no stray whitespace (rule 3 above)."""
    text = " ".join(text.split())
    return text if any(ch.isalnum() for ch in text) else ""
