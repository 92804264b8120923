"""Uvicorn serving the app, saying once when it is ready: listening, and the index loaded.

Ready at http://127.0.0.1:8000 — avatar Tara, speech whisper-local, voice piper,
agent offline policy, 600 listings (in-memory)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket

import uvicorn
from fastapi import FastAPI

from property_agent.search.service import IndexState, IndexStatus

logger = logging.getLogger(__name__)


class AnnouncingServer(uvicorn.Server):
    """A uvicorn server that logs the "Ready at …" line once it listens and the app's search
    index has loaded (or says what failed)."""

    def __init__(self, config: uvicorn.Config, app: FastAPI) -> None:
        super().__init__(config)
        self.app = app
        self._announcing: asyncio.Task[None] | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if not self.should_exit:  # (set when start-up failed)
            self._announcing = asyncio.create_task(self._announce(), name="announce-ready")

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if self._announcing is not None:
            self._announcing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._announcing
        await super().shutdown(sockets)

    async def _announce(self) -> None:
        service = self.app.state.search_service
        while service.status().state is IndexState.LOADING:
            await service.wait_until_loaded(60.0)
        status = service.status()
        line = ready_line(self.url, self.app, status)
        if status.state is IndexState.READY:
            logger.info(line)
        else:
            logger.warning("%s; %s", line, status.message)

    @property
    def url(self) -> str:
        """Where the server listens (the port it really bound, also when asked for port 0)."""
        host, port = self.config.host, self.config.port
        for server in self.servers:
            for sock in server.sockets:
                if sock.family in (socket.AF_INET, socket.AF_INET6):
                    host, port = sock.getsockname()[:2]
                    break
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}"


def ready_line(url: str, app: FastAPI, status: IndexStatus) -> str:
    """What a person starting the server wants to know first: where, who answers, with what."""
    state = app.state
    runtime = state.agent_runtime
    agent = "offline policy" if runtime.offline else state.settings.llm_provider
    voice = state.voice
    engines = (
        f"speech {voice.stt.name}, voice {voice.tts.name}" if voice is not None else "no voice page"
    )
    if status.state is IndexState.READY:
        index = f"{status.properties} listings ({status.backend})"
    else:
        index = f"no listings ({status.backend} index {status.state.value})"
    memory = state.settings.memory.backend
    memory = f", memory {memory}" if memory != "memory" else ""  # (the in-process default)
    return (
        f"Ready at {url} — avatar {runtime.avatar.name}, {engines}, agent {agent}{memory}, {index}"
    )
