"""What every speech-to-text provider is, and the audio and transcript rules they share.

Audio arrives as FastRTC hands it over after end of turn: `(sample_rate, samples)`, int16 or
float32, mono, shaped `(n,)` or `(1, n)`. `STT.transcribe` does the shared work once (livekit's
`STT.recognize()` → `_recognize_impl`): it turns the audio into 16 kHz mono float32 (the rate
every Whisper-family model expects), applies the rules below, times and logs the call, and hands
the provider's one hook, `_transcribe`, only audio that may hold speech.

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

import logging
import time
from abc import ABC, abstractmethod
from typing import Self

import numpy as np
from numpy.typing import NDArray

from property_agent.config import Settings
from property_agent.voice.audio import STT_RATE, AudioChunk, to_stt_input
from property_agent.voice.providers import reported_as

logger = logging.getLogger(__name__)

TARGET_RATE = STT_RATE
SILENCE_RMS = 0.003
NO_SPEECH_PROB = 0.3
LOW_AVG_LOGPROB = -1.0

Audio = AudioChunk


class STTError(RuntimeError):
    """Transcription is impossible or failed; the message names the provider and what to fix."""


class STT(ABC):
    """A speech-to-text provider: one finished utterance in, its text out ("" for no speech)."""

    name: str

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        """The provider as `Settings` configure it (every registered provider defines it)."""
        raise NotImplementedError(f"{cls.__name__} is not built from settings")

    async def transcribe(self, audio: Audio) -> str:
        """The utterance's text; "" for no speech. Raises `STTError` when the provider fails."""
        samples = to_stt_input(*audio)
        if self._too_quiet(samples):
            return ""
        started = time.perf_counter()
        with reported_as(STTError, f"{self.name} failed"):
            text = clean_text(await self._transcribe(samples))
        logger.debug(
            "%s: %.1f s of audio in %.2f s, %d chars",
            self.name,
            samples.size / TARGET_RATE,
            time.perf_counter() - started,
            len(text),
        )
        return text

    @abstractmethod
    async def _transcribe(self, samples: NDArray[np.float32]) -> str:
        """The provider's hook: 16 kHz mono float32 that is not silent → its text."""

    def _too_quiet(self, samples: NDArray[np.float32]) -> bool:
        """Rule 1: no model call for a quiet line."""
        return is_silent(samples)

    async def aclose(self) -> None:
        """Release network clients; local models stay loaded for the process."""
        return None


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
