"""Twilio's side of one Media Streams call, with Twilio's message shapes and timing.

Like Twilio, the caller's microphone never stops: a 20 ms μ-law `media` frame goes out every
20 ms (silence unless the caller is saying something). The avatar's audio is played back in real
time from a buffer; each `mark` is echoed when playback reaches it, and `clear` empties the
buffer and echoes the marks still in it (as Twilio does). Everything received is kept with its
arrival time, so a test or a benchmark can ask what was heard and when.
"""

from __future__ import annotations

import asyncio
import base64
import bisect
import contextlib
import json
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from property_agent.telephony.codec import FRAME_BYTES, PHONE_RATE, ulaw_decode, ulaw_encode
from property_agent.telephony.twiml import CALL_SID_PARAM, CALLER_PARAM

FRAME_S = 0.02
SILENCE = b"\xff" * FRAME_BYTES  # μ-law zero


def random_caller() -> str:
    """A random Spanish mobile number (so every simulated call starts its own conversation)."""
    return "+346" + "".join(secrets.choice("0123456789") for _ in range(8))


@dataclass
class Received:
    at: float  # time.monotonic()
    message: dict[str, Any]

    @property
    def event(self) -> str:
        return str(self.message.get("event"))


class PhoneCaller:
    """One call to `url` (the stream websocket, `ws://…/voice/telephone/handler`), from a random
    Spanish mobile number unless `caller` is given: `async with PhoneCaller(url) as call:`."""

    def __init__(
        self,
        url: str,
        *,
        caller: str | None = None,
        call_sid: str | None = None,
        before_start: list[str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.url = url
        self.headers = headers or {}  # on the websocket upgrade (Twilio's signature, say)
        self.caller = caller or random_caller()
        self.call_sid = call_sid or "CA" + secrets.token_hex(16)
        self.stream_sid = "MZ" + secrets.token_hex(16)
        self.account_sid = "AC" + secrets.token_hex(16)
        self.before_start = before_start or []  # raw frames sent between connected and start
        self.received: list[Received] = []
        self.heard: list[tuple[float, bytes]] = []  # 20 ms frames played to the caller, and when
        self.echoed: list[str] = []
        self.last_received = 0.0
        self.closed = asyncio.Event()
        self.close_reason: str | None = None  # how the line closed, when the server closed it
        self._ws: ClientConnection | None = None
        self._sequence = 0
        self._media_at: list[float] = []
        self._mic: deque[bytes] = deque()
        self._mic_idle = asyncio.Event()
        self._buffer: deque[bytes | str] = deque()  # audio frames and mark names, in order
        self._tasks: list[asyncio.Task[None]] = []

    # -- the call ---------------------------------------------------------------------------------
    async def __aenter__(self) -> PhoneCaller:
        # No receive queue limit: the listener drains it at once, and a full queue would stall
        # the server's sends, which Twilio never does.
        self._ws = await connect(self.url, max_queue=None, additional_headers=self.headers)
        await self.send({"event": "connected", "protocol": "Call", "version": "1.0.0"})
        for raw in self.before_start:
            await self.send_raw(raw)
        await self.send(self._start_message(), numbered=False)
        self._tasks = [
            asyncio.create_task(self._listen()),
            asyncio.create_task(self._microphone()),
            asyncio.create_task(self._speaker()),
        ]
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.hang_up()

    def _start_message(self) -> dict[str, Any]:
        media_format = {"encoding": "audio/x-mulaw", "sampleRate": PHONE_RATE, "channels": 1}
        return {
            "event": "start",
            "sequenceNumber": self._next(),
            "start": {
                "accountSid": self.account_sid,
                "streamSid": self.stream_sid,
                "callSid": self.call_sid,
                "tracks": ["inbound"],
                "mediaFormat": media_format,
                # What our TwiML passes as <Parameter>s.
                "customParameters": {CALL_SID_PARAM: self.call_sid, CALLER_PARAM: self.caller},
            },
            "streamSid": self.stream_sid,
        }

    async def hang_up(self) -> None:
        """The caller hangs up: Twilio sends `stop` and closes the socket."""
        if self._ws is not None and not self.closed.is_set():
            with contextlib.suppress(ConnectionClosed):
                stop = {"accountSid": self.account_sid, "callSid": self.call_sid}
                await self.send({"event": "stop", "streamSid": self.stream_sid, "stop": stop})
                await self._ws.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self.closed.set()

    # -- the caller's side ------------------------------------------------------------------------
    async def say(self, samples: NDArray[np.int16], then_silence_s: float = 0.0) -> float:
        """Speak into the phone (8 kHz int16), in real time; returns when the last frame is
        sent (time.monotonic()), after `then_silence_s` more of silence. Returns at once if the
        line closes meanwhile."""
        payload = ulaw_encode(samples)
        for start in range(0, len(payload), FRAME_BYTES):
            self._mic.append(payload[start : start + FRAME_BYTES].ljust(FRAME_BYTES, SILENCE[:1]))
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
        assert self._ws is not None, "not connected: use `async with PhoneCaller(url)`"
        await self._ws.send(text)

    def _next(self) -> str:
        self._sequence += 1
        return str(self._sequence)

    async def _microphone(self) -> None:
        began, sent = time.monotonic(), 0
        while True:
            frame = self._mic.popleft() if self._mic else SILENCE
            if not self._mic:
                self._mic_idle.set()
            sent += 1
            media = {
                "track": "inbound",
                "chunk": str(sent),
                "timestamp": str(sent * 20),
                "payload": base64.b64encode(frame).decode(),
            }
            try:
                await self.send({"event": "media", "streamSid": self.stream_sid, "media": media})
            except ConnectionClosed:
                self._mic_idle.set()  # nobody is listening: what was left to say is dropped
                return
            await asyncio.sleep(max(0.0, began + sent * FRAME_S - time.monotonic()))

    # -- the avatar's side ------------------------------------------------------------------------
    async def _listen(self) -> None:
        assert self._ws is not None
        try:
            async for text in self._ws:
                message = json.loads(text)
                self.last_received = now = time.monotonic()
                self.received.append(Received(now, message))
                event = message.get("event")
                if event == "media":
                    self._media_at.append(now)
                    payload = base64.b64decode(message["media"]["payload"])
                    for start in range(0, len(payload), FRAME_BYTES):
                        self._buffer.append(payload[start : start + FRAME_BYTES])
                elif event == "mark":
                    self._buffer.append(message["mark"]["name"])
                elif event == "clear":
                    names = [item for item in self._buffer if isinstance(item, str)]
                    self._buffer.clear()
                    for name in names:
                        await self._echo(name)
        except ConnectionClosed as exc:
            self.close_reason = _close_reason(exc)
        except Exception as exc:  # a message this caller cannot read: the line is dead to it
            self.close_reason = f"the caller could not read the server's message ({exc!r})"
            raise
        finally:
            self.closed.set()
            self._mic_idle.set()

    async def _speaker(self) -> None:
        """Play the buffer in real time, echoing each mark when playback reaches it."""
        began, ticks = time.monotonic(), 0
        while True:
            while self._buffer and isinstance(self._buffer[0], str):
                await self._echo(str(self._buffer.popleft()))
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

    # -- what was heard ---------------------------------------------------------------------------
    def media(self, after: float = 0.0, before: float = float("inf")) -> list[Received]:
        return [r for r in self.received if r.event == "media" and after <= r.at < before]

    def events(self, name: str) -> list[Received]:
        return [r for r in self.received if r.event == name]

    async def wait_for(self, condition: Callable[[], Any], within_s: float, what: str) -> None:
        """Poll `condition()` until true; fail naming `what` after `within_s` seconds."""
        deadline = time.monotonic() + within_s
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {within_s} s waiting for {what}")
            await asyncio.sleep(0.02)

    async def first_audio_after(self, moment: float, within_s: float) -> float | None:
        """When the first avatar audio frame after `moment` arrived (monotonic); None if none
        came within `within_s` of `moment` or the line closed first."""
        deadline = moment + within_s
        while True:
            index = bisect.bisect_right(self._media_at, moment)
            if index < len(self._media_at):
                return self._media_at[index]
            if time.monotonic() >= deadline or self.closed.is_set():
                return None
            await asyncio.sleep(0.01)

    async def until_quiet(self, quiet_s: float, within_s: float) -> bool:
        """Wait until the avatar has been silent for `quiet_s` with nothing left to play; False
        if it still talks after `within_s` (or the line closed)."""
        deadline = time.monotonic() + within_s
        while time.monotonic() < deadline and not self.closed.is_set():
            if not self._buffer and time.monotonic() - self.last_received >= quiet_s:
                return True
            await asyncio.sleep(0.05)
        return False

    def audio(self) -> NDArray[np.int16]:
        """Everything the caller heard, as 8 kHz int16 (cleared audio was never heard)."""
        return ulaw_decode(b"".join(frame for _, frame in self.heard))


def _close_reason(exc: ConnectionClosed) -> str:
    """The close frame the server sent ("code 1000"), or that it sent none (the connection
    dropped)."""
    if exc.rcvd is None:
        return "the connection dropped without a close frame"
    return f"code {exc.rcvd.code}" + (f": {exc.rcvd.reason}" if exc.rcvd.reason else "")
