"""One `FastRTCAgent` (and what its page shows) per web connection.

FastRTC shares the reply function between connections, so per-connection state cannot live in
it: the function looks up its session by the connection's id (FastRTC's `webrtc_id`), creating
it on first use. Sessions idle for longer than `idle_s` are dropped; their conversations stay in
the agent's memory, so nothing is lost.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable

from fastrtc import get_current_context

from property_agent.voice.audio import AudioChunk
from property_agent.voice.fastrtc_agent import FastRTCAgent
from property_agent.voice.web import PageOutput, PageView

logger = logging.getLogger(__name__)


class VoiceSessions:
    def __init__(
        self,
        factory: Callable[[str], FastRTCAgent],
        *,
        idle_s: float = 1800.0,
        max_sessions: int = 1000,
    ) -> None:
        self._factory = factory
        self._idle_s = idle_s
        self._max = max_sessions
        self._sessions: OrderedDict[str, tuple[FastRTCAgent, PageView, float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._sessions)

    def get(self, session_id: str) -> FastRTCAgent:
        """The session for this connection, created on first use."""
        return self._entry(session_id)[0]

    def _entry(self, session_id: str) -> tuple[FastRTCAgent, PageView]:
        self._sweep()
        entry = self._sessions.pop(session_id, None)
        agent, view = (entry[0], entry[1]) if entry else (self._factory(session_id), PageView())
        if entry is None:
            logger.info("Voice session %s opened (%d open)", session_id, len(self._sessions) + 1)
        self._sessions[session_id] = (agent, view, time.monotonic())
        while len(self._sessions) > self._max:
            self._sessions.popitem(last=False)
        return agent, view

    def close(self, session_id: str) -> None:
        if self._sessions.pop(session_id, None) is not None:
            logger.info("Voice session %s closed", session_id)

    def _sweep(self) -> None:
        cutoff = time.monotonic() - self._idle_s
        for session_id in [sid for sid, (*_, seen) in self._sessions.items() if seen < cutoff]:
            self.close(session_id)

    # -- the functions FastRTC calls (shared by every connection) ------------------------------
    # (async generator functions, as FastRTC requires of them)
    async def respond(self, audio: AudioChunk) -> AsyncIterator[PageOutput]:
        agent, view = self._entry(current_session_id())
        async with contextlib.aclosing(view.outputs(agent.respond(audio))) as outputs:
            async for item in outputs:
                yield item

    async def greet(self) -> AsyncIterator[PageOutput]:
        agent, view = self._entry(current_session_id())
        async with contextlib.aclosing(view.outputs(agent.greet())) as outputs:
            async for item in outputs:
                yield item


def current_session_id() -> str:
    """The conversation id for the connection FastRTC is serving right now."""
    return f"web-{get_current_context().webrtc_id}"
