"""An app served by uvicorn on a free localhost port, on the test's own event loop, so a test can
call it over real sockets (the phone simulator's websocket, httpx) and still reach its state."""

from __future__ import annotations

import asyncio
import socket
from typing import Literal

import uvicorn
from fastapi import FastAPI

from property_agent.telephony.twiml import STREAM_PATH


class LocalServer:
    """`async with LocalServer(app) as server:` serves `app` until the block ends."""

    def __init__(self, app: FastAPI, *, lifespan: Literal["on", "off"] = "off") -> None:
        """`lifespan="on"` runs the app's start-up (as `create_app`'s apps need)."""
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self.app = app
        config = uvicorn.Config(app, lifespan=lifespan, log_level="warning", ws="websockets-sansio")
        self._server = uvicorn.Server(config)
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        """The phone line: Twilio's Media Streams websocket."""
        return f"ws://127.0.0.1:{self._socket.getsockname()[1]}{STREAM_PATH}"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}"

    async def __aenter__(self) -> LocalServer:
        self._task = asyncio.create_task(self._server.serve(sockets=[self._socket]))
        while not self._server.started:  # noqa: ASYNC110 (uvicorn offers only this flag)
            await asyncio.sleep(0.01)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._server.should_exit = True
        if self._task is not None:
            await self._task
