"""One `FastRTCAgent` (and what its page shows) per web page session.

FastRTC shares the reply function between connections, so per-connection state cannot live in
it: the function looks up its session by the page's session key (sent with the avatar chosen,
as the stream's extra inputs), creating it on first use. The text box uses the same session, so
spoken and typed turns are one conversation. Sessions idle for longer than `idle_s` are dropped;
their conversations stay in the agent's memory, so nothing is lost.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from fastrtc import AdditionalOutputs, get_current_context

from property_agent.voice.audio import AudioChunk
from property_agent.voice.fastrtc_agent import FastRTCAgent
from property_agent.voice.page_view import PageOutput, PageView

logger = logging.getLogger(__name__)


@dataclass
class _Session:
    agent: FastRTCAgent
    view: PageView
    avatar: str | None
    seen: float


class VoiceSessions:
    def __init__(
        self,
        factory: Callable[[str, str | None], FastRTCAgent],
        *,
        idle_s: float = 1800.0,
        max_sessions: int = 1000,
    ) -> None:
        self._factory = factory
        self._idle_s = idle_s
        self._max = max_sessions
        self._sessions: OrderedDict[str, _Session] = OrderedDict()

    def __len__(self) -> int:
        return len(self._sessions)

    def get(self, session_id: str, avatar: str | None = None) -> FastRTCAgent:
        """The session `session_id` with `avatar`, created on first use (or when the page has
        switched to another avatar)."""
        return self._entry(session_id, avatar).agent

    def view(self, session_id: str, avatar: str | None = None) -> PageView:
        return self._entry(session_id, avatar).view

    def _entry(self, session_id: str, avatar: str | None) -> _Session:
        self._sweep()
        entry = self._sessions.pop(session_id, None)
        if entry is None or entry.avatar != avatar:
            agent = self._factory(session_id, avatar)
            entry = _Session(agent, PageView(agent.avatar.name), avatar, 0.0)
            logger.info("Voice session %s opened (%d open)", session_id, len(self._sessions) + 1)
        entry.seen = time.monotonic()
        self._sessions[session_id] = entry
        while len(self._sessions) > self._max:
            self._sessions.popitem(last=False)
        return entry

    def close(self, session_id: str) -> None:
        if self._sessions.pop(session_id, None) is not None:
            logger.info("Voice session %s closed", session_id)

    def _sweep(self) -> None:
        cutoff = time.monotonic() - self._idle_s
        for session_id in [sid for sid, entry in self._sessions.items() if entry.seen < cutoff]:
            self.close(session_id)

    # -- the functions the page calls (shared by every connection) -----------------------------
    # FastRTC passes the stream's inputs after the audio: the WebRTC component's own value (the
    # connection), then the extras (the avatar, the page's session key). It requires async
    # generator functions.
    async def respond(
        self,
        audio: AudioChunk,
        connection: object = None,
        avatar: str | None = None,
        page: str | None = None,
    ) -> AsyncIterator[PageOutput]:
        entry = self._entry(session_id(page), avatar)
        async with contextlib.aclosing(entry.view.outputs(entry.agent.respond(audio))) as outputs:
            async for item in outputs:
                yield item

    async def greet(
        self, connection: object = None, avatar: str | None = None, page: str | None = None
    ) -> AsyncIterator[PageOutput]:
        entry = self._entry(session_id(page), avatar)
        greeting = entry.view.outputs(entry.agent.greet(), turn=False)
        async with contextlib.aclosing(greeting) as outputs:
            async for item in outputs:
                yield item

    async def typed(
        self, text: str, avatar: str | None, page: str | None
    ) -> AsyncIterator[AdditionalOutputs]:
        """A turn typed in the page's text box, in the same session as its calls."""
        entry = self._entry(session_id(page), avatar)
        async for snapshot in entry.view.typed(entry.agent.typed(text)):
            yield snapshot


def session_id(page: object) -> str:
    """The conversation id of a page session (or, without one, of FastRTC's connection). A
    client that never loaded the page (an API client) has no key: Gradio hands over the state's
    factory itself, never a shared `web-<function …>` session."""
    key = page if isinstance(page, str) and page else get_current_context().webrtc_id
    return f"web-{key}"
