"""The avatar's side of a phone call: μ-law audio sent to Twilio at the pace it is played.

Twilio plays whatever it has buffered, in order. Sending a whole answer at once would leave
seconds of audio in Twilio's buffer, so after a barge-in the caller would keep hearing it until
the `clear` arrived, and `mark` echoes would say nothing about timing until the end. Instead one
sender task releases 20 ms frames so that at most `LEAD_S` of audio is ever ahead of playback;
the answer itself is produced as fast as the agent and the voice can go and waits here.

A `mark` goes out after each spoken piece; Twilio echoes it when the caller has heard everything
before it. `clear` drops what is queued here and what Twilio holds, and every mark not yet echoed
is then unheard (Twilio echoes those marks after a clear as well: the echoes are ignored).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from property_agent.telephony.codec import FRAME_BYTES, FRAME_MS
from property_agent.telephony.protocol import clear_frame, mark_frame, media_frame

logger = logging.getLogger(__name__)

LEAD_S = 0.16  # audio sent ahead of playback: covers network jitter, small enough to cut fast
FRAME_S = FRAME_MS / 1000
_SILENCE = 0xFF  # μ-law zero


@dataclass(frozen=True)
class _MarkItem:
    name: str


class Playback:
    def __init__(
        self,
        send: Callable[[str], Awaitable[None]],
        stream_sid: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._send = send
        self.stream_sid = stream_sid
        self._clock = clock
        self._queue: deque[bytes | _MarkItem] = deque()
        self._ready = asyncio.Event()
        self._epoch = 0  # bumped by `clear`: a frame taken before it is never sent
        self._until = 0.0  # when Twilio will have played everything sent so far
        self._pending: set[str] = set()  # marks sent, not yet echoed
        self._cleared: set[str] = set()  # marks whose audio was dropped by a clear
        self.frames_sent = 0
        self.failed = asyncio.Event()  # the socket refused a send: the line is gone

    # -- what the call asks for -------------------------------------------------------------------
    def play(self, payload: bytes) -> None:
        """Queue μ-law audio, cut into 20 ms frames (the last one padded with silence)."""
        for start in range(0, len(payload), FRAME_BYTES):
            frame = payload[start : start + FRAME_BYTES]
            self._queue.append(frame.ljust(FRAME_BYTES, bytes([_SILENCE])))
        self._ready.set()

    def mark(self, name: str) -> None:
        """Ask Twilio to tell us (by echoing `name`) when the audio queued so far is heard."""
        self._queue.append(_MarkItem(name))
        self._ready.set()

    async def clear(self) -> set[str]:
        """Stop at once: drop queued audio here and at Twilio. Returns the marks never heard."""
        self._epoch += 1
        unheard = {item.name for item in self._queue if isinstance(item, _MarkItem)}
        unheard |= self._pending
        self._cleared |= self._pending
        self._pending.clear()
        self._queue.clear()
        self._until = self._clock()
        await self._safe_send(clear_frame(self.stream_sid))
        return unheard

    def echoed(self, name: str) -> bool:
        """Twilio echoed a mark: True when the audio before it was really played."""
        if name in self._cleared:
            self._cleared.discard(name)
            return False
        if name in self._pending:
            self._pending.discard(name)
            return True
        logger.info("Ignoring an echo of unknown mark %r", name[:40])
        return False

    @property
    def playing(self) -> bool:
        """Audio is queued here, or sent and not yet played by Twilio."""
        return bool(self._queue) or self._clock() < self._until

    @property
    def queued_s(self) -> float:
        """Audio waiting here to be sent, in seconds."""
        return sum(FRAME_S for item in self._queue if isinstance(item, bytes))

    async def finished(self, limit_s: float) -> bool:
        """Wait until everything queued has been played and its marks echoed (False on
        timeout: the goodbye is cut short rather than the call hanging on)."""
        deadline = self._clock() + limit_s
        while self._clock() < deadline:
            if not self._queue and not self._pending and self._clock() >= self._until:
                return True
            if self.failed.is_set():
                return False
            await asyncio.sleep(FRAME_S)
        return False

    # -- the sender task -------------------------------------------------------------------------
    async def run(self) -> None:
        """Send queued frames in real time, for the life of the call."""
        while True:
            if not self._queue:
                self._ready.clear()
                await self._ready.wait()
                continue
            item, epoch = self._queue.popleft(), self._epoch
            if isinstance(item, _MarkItem):
                self._pending.add(item.name)
                await self._safe_send(mark_frame(self.stream_sid, item.name))
                continue
            now = self._clock()
            self._until = max(self._until, now)  # after a gap, playback restarts now
            ahead = self._until - now - LEAD_S
            if ahead > 0:
                await asyncio.sleep(ahead)
            if epoch != self._epoch:  # cleared while we waited: this frame is stale
                continue
            self._until += FRAME_S
            self.frames_sent += 1
            await self._safe_send(media_frame(self.stream_sid, item))

    async def _safe_send(self, text: str) -> None:
        if self.failed.is_set():
            return
        try:
            await self._send(text)
        except Exception as exc:  # the caller hung up, or the socket broke
            logger.info("Phone stream closed while sending (%s)", type(exc).__name__)
            self.failed.set()
