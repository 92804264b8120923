"""Twilio's side of a Media Streams call, for benchmarks: the message shapes and real-time pacing
of tests/twilio_stream.py, trimmed to what a load test needs (scripts do not import tests).

The caller's microphone never stops (a 20 ms μ-law frame every 20 ms, silence unless it is
speaking); the avatar's audio plays from a buffer in real time, and each `mark` is echoed when
playback reaches it; `clear` empties the buffer and echoes the marks in it.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import secrets
import shutil
import subprocess
import tempfile
import time
import wave
from collections import deque
from typing import Any

import numpy as np
from numpy.typing import NDArray
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from property_agent.telephony.codec import FRAME_BYTES, PHONE_RATE, ulaw_encode
from property_agent.voice.audio import resample

FRAME_S = 0.02
_SILENCE = b"\xff" * FRAME_BYTES
_SPEECH_FLOOR = 100


def phone_speech(text: str) -> NDArray[np.int16]:
    """`text` in espeak-ng's en-us voice at 8 kHz, trimmed to the speech itself (so the end of
    the array is the moment the caller stops talking)."""
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise SystemExit("espeak-ng is not installed (apt-get install espeak-ng)")
    with tempfile.NamedTemporaryFile(suffix=".wav") as out:
        subprocess.run([espeak, "-v", "en-us", "-s", "150", "-w", out.name, text], check=True)
        with wave.open(out.name) as wav:
            rate = wav.getframerate()
            samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
    voiced = np.flatnonzero(np.abs(samples.astype(np.int32)) > _SPEECH_FLOOR)
    return resample(samples[voiced[0] : voiced[-1] + 1], rate, PHONE_RATE)


class PhoneCaller:
    """One call from a random Spanish mobile number: `async with PhoneCaller(url) as call:`."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.caller = "+346" + "".join(secrets.choice("0123456789") for _ in range(8))
        self.call_sid = "CA" + secrets.token_hex(16)
        self.stream_sid = "MZ" + secrets.token_hex(16)
        self.media_at: list[float] = []  # when each avatar audio frame arrived (monotonic)
        self.last_received = 0.0
        self.closed = asyncio.Event()
        self._ws: ClientConnection | None = None
        self._mic: deque[bytes] = deque()
        self._mic_idle = asyncio.Event()
        self._buffer: deque[bytes | str] = deque()  # audio frames and mark names, in order
        self._tasks: list[asyncio.Task[None]] = []

    async def __aenter__(self) -> PhoneCaller:
        self._ws = await connect(self.url, max_queue=None)
        await self._send({"event": "connected", "protocol": "Call", "version": "1.0.0"})
        media_format = {"encoding": "audio/x-mulaw", "sampleRate": PHONE_RATE, "channels": 1}
        start = {
            "streamSid": self.stream_sid,
            "callSid": self.call_sid,
            "tracks": ["inbound"],
            "mediaFormat": media_format,
            "customParameters": {"call_sid": self.call_sid, "caller": self.caller},
        }
        await self._send({"event": "start", "start": start, "streamSid": self.stream_sid})
        self._tasks = [
            asyncio.create_task(self._listen()),
            asyncio.create_task(self._microphone()),
            asyncio.create_task(self._speaker()),
        ]
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._ws is not None and not self.closed.is_set():
            with contextlib.suppress(ConnectionClosed):
                stop = {"accountSid": "AC0", "callSid": self.call_sid}
                await self._send({"event": "stop", "streamSid": self.stream_sid, "stop": stop})
                await self._ws.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self.closed.set()

    # -- what a benchmark does ----------------------------------------------------------------
    async def say(self, samples: NDArray[np.int16]) -> float:
        """Speak (8 kHz int16) in real time; returns when the last frame went out (monotonic)."""
        payload = ulaw_encode(samples)
        for start in range(0, len(payload), FRAME_BYTES):
            self._mic.append(payload[start : start + FRAME_BYTES].ljust(FRAME_BYTES, b"\xff"))
        self._mic_idle.clear()
        await self._mic_idle.wait()
        return time.monotonic()

    async def first_audio_after(self, moment: float, within_s: float) -> float | None:
        """When the first avatar audio frame after `moment` arrived; None if none within."""
        deadline = moment + within_s
        while time.monotonic() < deadline and not self.closed.is_set():
            later = [at for at in self.media_at[-50:] if at > moment]
            if later:
                return later[0]
            await asyncio.sleep(0.01)
        return None

    async def until_quiet(self, quiet_s: float, within_s: float) -> bool:
        """Wait until the avatar has been silent for `quiet_s` with nothing left to play."""
        deadline = time.monotonic() + within_s
        while time.monotonic() < deadline and not self.closed.is_set():
            if not self._buffer and time.monotonic() - self.last_received >= quiet_s:
                return True
            await asyncio.sleep(0.05)
        return False

    # -- the protocol -------------------------------------------------------------------------
    async def _send(self, message: dict[str, Any]) -> None:
        assert self._ws is not None
        await self._ws.send(json.dumps(message))

    async def _microphone(self) -> None:
        began, sent = time.monotonic(), 0
        while True:
            frame = self._mic.popleft() if self._mic else _SILENCE
            if not self._mic:
                self._mic_idle.set()
            sent += 1
            media = {"track": "inbound", "chunk": str(sent), "timestamp": str(sent * 20),
                     "payload": base64.b64encode(frame).decode()}  # fmt: skip
            with contextlib.suppress(ConnectionClosed):
                await self._send({"event": "media", "streamSid": self.stream_sid, "media": media})
            await asyncio.sleep(max(0.0, began + sent * FRAME_S - time.monotonic()))

    async def _listen(self) -> None:
        assert self._ws is not None
        try:
            async for text in self._ws:
                message = json.loads(text)
                self.last_received = now = time.monotonic()
                event = message.get("event")
                if event == "media":
                    self.media_at.append(now)
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
        began, ticks = time.monotonic(), 0
        while True:
            while self._buffer and isinstance(self._buffer[0], str):
                await self._echo(str(self._buffer.popleft()))
            if self._buffer:
                self._buffer.popleft()
            ticks += 1
            await asyncio.sleep(max(0.0, began + ticks * FRAME_S - time.monotonic()))

    async def _echo(self, name: str) -> None:
        with contextlib.suppress(ConnectionClosed):
            await self._send(
                {"event": "mark", "streamSid": self.stream_sid, "mark": {"name": name}}
            )
