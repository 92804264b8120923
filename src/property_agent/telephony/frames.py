"""Reading a Twilio Media Streams websocket: the next frame that matters, or None once the line
is gone. Malformed frames are skipped (a bad frame must not end a call), and so are the ones a
call has no use for (`connected`, keypad `dtmf`)."""

from __future__ import annotations

import logging
from typing import Protocol

from starlette.websockets import WebSocketDisconnect

from property_agent.telephony.protocol import (
    Connected,
    Dtmf,
    FrameError,
    Inbound,
    Media,
    Start,
    Stop,
    is_phone_format,
    parse,
)

logger = logging.getLogger(__name__)


class PhoneSocket(Protocol):
    """What a call needs from its websocket (FastAPI's `WebSocket` fits). `receive_text` raises
    `WebSocketDisconnect` when Twilio hangs up."""

    async def receive_text(self) -> str: ...

    async def send_text(self, data: str) -> None: ...

    async def close(self, code: int = 1000) -> None: ...


class FrameReader:
    def __init__(self, socket: PhoneSocket) -> None:
        self.socket = socket

    async def start(self) -> Start | None:
        """The stream's `start` (None when the caller hung up or stopped before it)."""
        while (event := await self.next()) is not None:
            if isinstance(event, Start):
                if not is_phone_format(event.media_format):
                    logger.warning("Unexpected media format; treating it as mu-law 8 kHz")
                return event
            if isinstance(event, Stop):
                return None
            if isinstance(event, Media):
                logger.info("Skipping a media frame that came before start")
        return None

    async def next(self) -> Inbound | None:
        """The next frame a call acts on; None once the line is gone."""
        while True:
            text = await self._receive()
            if text is None:
                return None
            try:
                event = parse(text)
            except FrameError as exc:
                logger.info("Skipping a malformed frame: %s", exc)
                continue
            if not isinstance(event, Connected | Dtmf):  # keypad input is not used
                return event

    async def _receive(self) -> str | None:
        while True:
            try:
                return await self.socket.receive_text()
            except (WebSocketDisconnect, RuntimeError):
                return None
            except (KeyError, TypeError):  # a binary frame (Starlette has no "text" key)
                logger.info("Skipping a malformed frame: not text")
