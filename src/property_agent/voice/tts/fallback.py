"""A provider that speaks with a primary engine and lets Piper finish whenever it fails, so the
caller never hears dead air (livekit's `tts.FallbackAdapter`, reduced to two engines).

The text goes to the primary one sentence at a time, which gives "the rest of the text" a
precise meaning: when the primary fails, before its first chunk or half-way through a sentence,
the fallback speaks from the start of that sentence to the end (a half-heard sentence is
repeated whole rather than lost). The agent already sends replies sentence by sentence, so this
costs no extra requests in the usual case.

After `failure_threshold` consecutive failures the primary is skipped for `cooldown_s`
(circuit breaker); the next reply after that tries it again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING

from property_agent.voice.tts.base import TTS, AudioChunk, closing, split_sentences

if TYPE_CHECKING:
    from property_agent.avatars import Avatar

logger = logging.getLogger(__name__)


class FallbackTTS(TTS):
    """`primary`, with `fallback` (Piper) taking over on failure and while the circuit is open."""

    def __init__(
        self,
        primary: TTS,
        fallback: TTS,
        *,
        failure_threshold: int = 3,
        cooldown_s: float = 60.0,
        fallback_voice: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = f"{primary.name}+{fallback.name}"
        self.primary = primary
        self.fallback = fallback
        self._threshold = failure_threshold
        self._cooldown_s = cooldown_s
        # The voice argument of `stream` names a primary voice; the fallback keeps its own.
        self._fallback_voice = fallback_voice
        self._clock = clock
        self._failures = 0
        self._open_until = 0.0

    @property
    def sample_rate(self) -> int:
        return self.primary.sample_rate

    @property
    def circuit_open(self) -> bool:
        """True while the primary is being skipped after repeated failures."""
        return self._failures >= self._threshold and self._clock() < self._open_until

    def voice_for(self, avatar: Avatar) -> str | None:
        return self.primary.voice_for(avatar)

    async def _synthesize(self, text: str, voice: str | None) -> AsyncIterator[AudioChunk]:
        sentences = split_sentences(text)
        if self.circuit_open:
            async with closing(self.fallback.stream(text, self._fallback_voice)) as chunks:
                async for chunk in chunks:
                    yield chunk
            return
        for index, sentence in enumerate(sentences):
            try:
                # A caller who stops listening (barge-in) closes the HTTP stream now.
                async with closing(self.primary.stream(sentence, voice)) as chunks:
                    async for chunk in chunks:
                        yield chunk
            except Exception as exc:
                self._record_failure(exc)
                rest = " ".join(sentences[index:])
                async with closing(self.fallback.stream(rest, self._fallback_voice)) as chunks:
                    async for chunk in chunks:
                        yield chunk
                return
            self._failures = 0

    def _record_failure(self, exc: Exception) -> None:
        self._failures += 1
        opened = ""
        if self._failures >= self._threshold:
            self._open_until = self._clock() + self._cooldown_s
            opened = f"; {self._failures} failures in a row, using {self.fallback.name} only "
            opened += f"for {self._cooldown_s:g} s"
        logger.warning(
            "TTS %s failed (%s); %s speaks the rest%s",
            self.primary.name,
            str(exc) or type(exc).__name__,
            self.fallback.name,
            opened,
        )

    async def aclose(self) -> None:
        await self.primary.aclose()
        await self.fallback.aclose()
