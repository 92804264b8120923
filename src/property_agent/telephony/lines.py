"""How many phone calls this process serves at once (`TELEPHONY__MAX_CALLS`).

FastRTC's concurrency limit only counts web sessions; phone calls arrive on our own websocket
route, so they are counted here. A caller over the limit hears a short busy line and the call
ends. The line is synthesised once per process and replayed: a burst of callers on a full
switchboard should not also queue up for the speech engine.
"""

from __future__ import annotations

import asyncio
import logging

from property_agent.avatars import Avatar
from property_agent.telephony.codec import to_phone
from property_agent.voice.speech_text import to_speech
from property_agent.voice.tts.base import TTS

logger = logging.getLogger(__name__)

BUSY_LINE = (
    "Thank you for calling. All our lines are busy right now. Please call again in a few minutes."
)


class PhoneLines:
    """The calls in progress. All methods run on the event loop, so no lock is needed for the
    counter itself; the busy line's synthesis is guarded so it runs once."""

    def __init__(self, max_calls: int) -> None:
        self.max_calls = max_calls
        self._active: set[str] = set()
        self._busy_audio: bytes | None = None
        self._busy_lock = asyncio.Lock()

    @property
    def active(self) -> int:
        return len(self._active)

    def try_acquire(self, call_sid: str) -> bool:
        """Take a line for `call_sid`; False when every line is in use."""
        if call_sid in self._active:
            return True
        if len(self._active) >= self.max_calls:
            logger.warning("All %d phone lines busy; turning a caller away", self.max_calls)
            return False
        self._active.add(call_sid)
        return True

    def release(self, call_sid: str) -> None:
        self._active.discard(call_sid)

    async def busy_audio(self, tts: TTS, avatar: Avatar) -> bytes:
        """The busy line as μ-law 8 kHz, synthesised on first use (empty if the voice fails:
        the call then just ends)."""
        async with self._busy_lock:
            if self._busy_audio is None:
                chunks: list[bytes] = []
                try:
                    async for rate, samples in tts.stream(
                        to_speech(BUSY_LINE), tts.voice_for(avatar)
                    ):
                        chunks.append(to_phone(rate, samples))
                except Exception:
                    logger.exception("Could not synthesise the busy line")
                    return b""
                self._busy_audio = b"".join(chunks)
            return self._busy_audio
