"""What every text-to-speech provider offers: text in, audio chunks out as soon as they exist.

A chunk is `(sample_rate, samples)`: mono, 1-D, int16 (every provider here) or float32, the shape
FastRTC plays. Each chunk carries its own rate, so a fallback voice at another rate can take over
mid-reply. Providers stream at least sentence by sentence: the caller hears the first sentence
while the next is being synthesized.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, ClassVar

import numpy as np
from numpy.typing import NDArray

from property_agent.agent.sentences import SentenceSplitter

if TYPE_CHECKING:
    from property_agent.avatars import Avatar

AudioChunk = tuple[int, NDArray[np.int16] | NDArray[np.float32]]


class TTSError(RuntimeError):
    """Speech is impossible or failed; the message names the provider and what to fix."""


class TTS(ABC):
    """A text-to-speech provider.

    `stream` is declared as a plain method returning an async iterator so that providers can
    implement it as an `async def … yield` generator (the type checker's view of an abstract
    `async def` would be a coroutine instead).
    """

    name: str
    # Keys tried in an avatar's `voices:` mapping, in order (see `voice_for`).
    voice_keys: ClassVar[tuple[str, ...]] = ()

    @property
    @abstractmethod
    def sample_rate(self) -> int:
        """The rate of this provider's default voice (each chunk still carries its own)."""

    @abstractmethod
    def stream(self, text: str, voice: str | None = None) -> AsyncIterator[AudioChunk]:
        """Speak `text`, yielding chunks as they are ready; empty text yields nothing.

        Raises `TTSError` (possibly after some chunks) when the provider fails.
        """

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


def to_int16(samples: NDArray[np.floating] | NDArray[np.int16]) -> NDArray[np.int16]:
    """Float audio in [-1, 1] (or int16 already) as a 1-D int16 array."""
    data = np.asarray(samples).reshape(-1)
    if data.dtype == np.int16:
        return data
    return np.asarray(np.clip(data * 32767.0, -32768, 32767), dtype=np.int16)


def split_sentences(text: str) -> list[str]:
    """`text` as the sentences the agent's splitter would send one by one (none for blank)."""
    splitter = SentenceSplitter()
    sentences = splitter.feed(text)
    rest = splitter.flush()
    return [*sentences, rest] if rest else sentences
