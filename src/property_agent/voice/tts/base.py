"""What every text-to-speech provider is: text in, audio chunks out as soon as they exist.

A chunk is `(sample_rate, samples)`: mono, 1-D int16, the shape FastRTC plays. Each chunk carries
its own rate, so a fallback voice at another rate can take over mid-reply. Providers stream at
least sentence by sentence: the caller hears the first sentence while the next is being
synthesized.

`TTS.stream` does the shared work once (pipecat's `TTSService` → `run_tts`): it skips blank text,
converts each chunk to 1-D int16 and drops empty ones, turns any failure into a `TTSError` naming
the provider, and logs the time to the first chunk; the provider writes only `_synthesize`.
"""

from __future__ import annotations

import logging
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, ClassVar, Self

from property_agent.agent.sentences import SentenceSplitter
from property_agent.config import Settings
from property_agent.voice.audio import AudioChunk, to_int16
from property_agent.voice.providers import reported_as

if TYPE_CHECKING:
    from property_agent.avatars import Avatar

__all__ = ["TTS", "AudioChunk", "TTSError", "closing", "split_sentences"]

logger = logging.getLogger(__name__)


class TTSError(RuntimeError):
    """Speech is impossible or failed; the message names the provider and what to fix."""


class TTS(ABC):
    """A text-to-speech provider.

    `_synthesize` is declared as a plain method returning an async iterator so that providers can
    implement it as an `async def … yield` generator (the type checker's view of an abstract
    `async def` would be a coroutine instead).
    """

    name: str
    # Keys tried in an avatar's `voices:` mapping, in order (see `voice_for`).
    voice_keys: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        """The provider as `Settings` configure it (every registered provider defines it)."""
        raise NotImplementedError(f"{cls.__name__} is not built from settings")

    @property
    @abstractmethod
    def sample_rate(self) -> int:
        """The rate of this provider's default voice (each chunk still carries its own)."""

    async def stream(self, text: str, voice: str | None = None) -> AsyncIterator[AudioChunk]:
        """Speak `text`, yielding chunks as they are ready; empty text yields nothing.

        Raises `TTSError` (possibly after some chunks) when the provider fails.
        """
        if not text.strip():
            return
        started = time.perf_counter()
        first_ms: float | None = None
        with reported_as(TTSError, f"{self.name}: synthesis failed"):
            async with closing(self._synthesize(text, voice)) as chunks:
                async for rate, samples in chunks:
                    audio = to_int16(samples)
                    if audio.size:
                        if first_ms is None:
                            first_ms = (time.perf_counter() - started) * 1000
                        yield int(rate), audio
        logger.debug(
            "%s: %d characters, first audio after %s ms, done in %.0f ms",
            self.name,
            len(text),
            "-" if first_ms is None else f"{first_ms:.0f}",
            (time.perf_counter() - started) * 1000,
        )

    @abstractmethod
    def _synthesize(self, text: str, voice: str | None) -> AsyncIterator[AudioChunk]:
        """The provider's hook: speak non-blank `text` in `voice` (None: the default voice)."""

    def voice_for(self, avatar: Avatar) -> str | None:
        """The avatar's voice for this engine, or None for the engine's default voice."""
        for key in self.voice_keys or (self.name,):
            voice = avatar.voice_for(key)
            if voice:
                return voice
        return None

    async def aclose(self) -> None:
        """Release network clients; local engines keep their process-wide model."""
        return None


@asynccontextmanager
async def closing(stream: AsyncIterator[AudioChunk]) -> AsyncIterator[AsyncIterator[AudioChunk]]:
    """Close a provider's stream on exit, even when our caller stopped listening half-way (a
    barge-in closes the HTTP stream or stops the synthesis now)."""
    try:
        yield stream
    finally:
        aclose = getattr(stream, "aclose", None)
        if aclose is not None:
            await aclose()


def split_sentences(text: str) -> list[str]:
    """`text` as the sentences the agent's splitter would send one by one (none for blank)."""
    splitter = SentenceSplitter()
    sentences = splitter.feed(text)
    rest = splitter.flush()
    return [*sentences, rest] if rest else sentences
