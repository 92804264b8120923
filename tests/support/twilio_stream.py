"""Twilio's side of a Media Streams call, for tests: a websocket client that speaks the real
message shapes and timing, against our app served by uvicorn on localhost.

Like Twilio, the caller's microphone never stops: a 20 ms μ-law `media` frame goes out every
20 ms (silence unless the test has the caller say something). The avatar's audio is played back
in real time from a buffer; each `mark` is echoed when playback reaches it, and `clear` empties
the buffer and echoes the marks still in it (as Twilio does).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import secrets
import socket
import tempfile
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import uvicorn
from fastapi import FastAPI
from numpy.typing import NDArray
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from property_agent.telephony.codec import FRAME_BYTES, PHONE_RATE, ulaw_encode
from property_agent.voice.audio import resample
from tests.support.audio import espeak

FRAME_S = 0.02
_SPEECH_FLOOR = 100


def phone_speech(text: str) -> NDArray[np.int16]:
    """`text` in espeak-ng's voice at 8 kHz, trimmed to the speech itself."""
    with tempfile.TemporaryDirectory() as folder:
        rate, samples = espeak(text, Path(folder) / "speech.wav")
    voiced = np.flatnonzero(np.abs(samples.astype(np.int32)) > _SPEECH_FLOOR)
    return resample(samples[voiced[0] : voiced[-1] + 1], rate, PHONE_RATE)


class LocalServer:
    """`app` served by uvicorn on a free localhost port, on the test's own event loop."""

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
        return f"ws://127.0.0.1:{self._socket.getsockname()[1]}/voice/telephone/handler"

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


@dataclass
class Received:
    at: float  # time.monotonic()
    message: dict[str, Any]

    @property
    def event(self) -> str:
        return str(self.message.get("event"))


class TwilioStream:
    """One call (from a random Spanish mobile number unless `caller` is given). Use as
    `async with TwilioStream(url) as call:`."""

    def __init__(
        self,
        url: str,
        *,
        caller: str | None = None,
        call_sid: str | None = None,
        before_start: list[str] | None = None,
    ) -> None:
        self.url = url
        self.caller = caller or "+346" + "".join(secrets.choice("0123456789") for _ in range(8))
        self.call_sid = call_sid or "CA" + secrets.token_hex(16)
        self.stream_sid = "MZ" + secrets.token_hex(16)
        self.account_sid = "AC" + secrets.token_hex(16)
        self.before_start = before_start or []  # raw frames sent between connected and start
        self.received: list[Received] = []
        self.heard: list[tuple[float, bytes]] = []  # frames played to the caller, and when
        self.echoed: list[str] = []
        self.closed = asyncio.Event()
        self._ws: ClientConnection | None = None
        self._sequence = 0
        self._mic: deque[bytes] = deque()
        self._mic_idle = asyncio.Event()
        self._buffer: deque[bytes | str] = deque()  # audio frames and mark names, in order
        self._tasks: list[asyncio.Task[None]] = []
        self._sent_frames = 0

    # -- the call ---------------------------------------------------------------------------------
    async def __aenter__(self) -> TwilioStream:
        self._ws = await connect(self.url)
        await self.send({"event": "connected", "protocol": "Call", "version": "1.0.0"})
        for raw in self.before_start:
            await self.send_raw(raw)
        parameters = {"call_sid": self.call_sid, "caller": self.caller}
        await self.send(
            {
                "event": "start",
                "sequenceNumber": self._next(),
                "start": {
                    "accountSid": self.account_sid,
                    "streamSid": self.stream_sid,
                    "callSid": self.call_sid,
                    "tracks": ["inbound"],
                    "mediaFormat": {
                        "encoding": "audio/x-mulaw",
                        "sampleRate": PHONE_RATE,
                        "channels": 1,
                    },
                    "customParameters": parameters,
                },
                "streamSid": self.stream_sid,
            },
            numbered=False,
        )
        self._tasks = [
            asyncio.create_task(self._listen()),
            asyncio.create_task(self._microphone()),
            asyncio.create_task(self._speaker()),
        ]
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.hang_up()

    async def hang_up(self) -> None:
        """The caller hangs up: Twilio sends `stop` and closes the socket."""
        if self._ws is not None and not self.closed.is_set():
            with contextlib.suppress(ConnectionClosed):
                await self.send(
                    {
                        "event": "stop",
                        "streamSid": self.stream_sid,
                        "stop": {"accountSid": self.account_sid, "callSid": self.call_sid},
                    }
                )
                await self._ws.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self.closed.set()

    # -- the caller's side ------------------------------------------------------------------------
    async def say(self, samples: NDArray[np.int16], then_silence_s: float = 0.0) -> float:
        """Speak into the phone (8 kHz int16), in real time; returns when the last frame is
        sent (time.monotonic()), after `then_silence_s` more of silence."""
        payload = ulaw_encode(samples)
        for start in range(0, len(payload), FRAME_BYTES):
            self._mic.append(payload[start : start + FRAME_BYTES].ljust(FRAME_BYTES, b"\xff"))
        self._mic_idle.clear()
        await self._mic_idle.wait()
        ended = time.monotonic()
        await asyncio.sleep(then_silence_s)
        return ended

    async def send(self, message: dict[str, Any], *, numbered: bool = True) -> None:
        if numbered and "sequenceNumber" not in message:
            message = {**message, "sequenceNumber": self._next()}
        await self.send_raw(json.dumps(message))

    async def send_raw(self, text: str) -> None:
        assert self._ws is not None
        await self._ws.send(text)

    def _next(self) -> str:
        self._sequence += 1
        return str(self._sequence)

    async def _microphone(self) -> None:
        began = time.monotonic()
        silence = b"\xff" * FRAME_BYTES
        while True:
            frame = self._mic.popleft() if self._mic else silence
            if not self._mic:
                self._mic_idle.set()
            self._sent_frames += 1
            await self.send(
                {
                    "event": "media",
                    "streamSid": self.stream_sid,
                    "media": {
                        "track": "inbound",
                        "chunk": str(self._sent_frames),
                        "timestamp": str(self._sent_frames * 20),
                        "payload": base64.b64encode(frame).decode(),
                    },
                }
            )
            await asyncio.sleep(max(0.0, began + self._sent_frames * FRAME_S - time.monotonic()))

    # -- the avatar's side ------------------------------------------------------------------------
    async def _listen(self) -> None:
        assert self._ws is not None
        try:
            async for text in self._ws:
                message = json.loads(text)
                self.received.append(Received(time.monotonic(), message))
                event = message.get("event")
                if event == "media":
                    self._buffer.append(base64.b64decode(message["media"]["payload"]))
                elif event == "mark":
                    self._buffer.append(message["mark"]["name"])
                elif event == "clear":
                    names = [item for item in self._buffer if isinstance(item, str)]
                    self._buffer.clear()
                    for name in names:
                        await self._echo(name)
        except ConnectionClosed:
            pass
        finally:
            self.closed.set()

    async def _speaker(self) -> None:
        """Play the buffer in real time, echoing each mark when playback reaches it."""
        began, ticks = time.monotonic(), 0
        while True:
            while self._buffer and isinstance(self._buffer[0], str):
                name = self._buffer.popleft()
                assert isinstance(name, str)
                await self._echo(name)
            if self._buffer:
                frame = self._buffer.popleft()
                assert isinstance(frame, bytes)
                self.heard.append((time.monotonic(), frame))
            ticks += 1
            await asyncio.sleep(max(0.0, began + ticks * FRAME_S - time.monotonic()))

    async def _echo(self, name: str) -> None:
        self.echoed.append(name)
        with contextlib.suppress(ConnectionClosed):
            await self.send({"event": "mark", "streamSid": self.stream_sid, "mark": {"name": name}})

    # -- what the test looks at -------------------------------------------------------------------
    def media(self, after: float = 0.0, before: float = float("inf")) -> list[Received]:
        return [r for r in self.received if r.event == "media" and after <= r.at < before]

    def events(self, name: str) -> list[Received]:
        return [r for r in self.received if r.event == name]

    async def wait_for(self, condition: Any, within_s: float, what: str) -> None:
        """Poll `condition()` until true; fail naming `what` after `within_s` seconds."""
        deadline = time.monotonic() + within_s
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {within_s} s waiting for {what}")
            await asyncio.sleep(0.02)
