"""`PhoneCall`: one Twilio Media Streams connection, from `start` to hang-up.

Three tasks share the call: the reader (Twilio's frames: caller audio into the turn taker, mark
echoes into the speech being played), the sender (`Playback`: our audio at real-time pace), and
the script (the greeting, then the watchdog for the call's time limit and the caller's silence;
or, when every line is taken, the busy line). Each answer runs as its own task, so a barge-in can
cancel it: the caller speaking for `VAD__STARTED_TALKING_S` while the avatar is answering or
still being heard stops the answer, sends Twilio `clear`, and records the answer as interrupted
with the sentences whose marks came back.

Which conversation a call continues is decided in `session.py`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable
from typing import Any, Protocol, cast

from fastrtc import AdditionalOutputs
from starlette.websockets import WebSocketDisconnect

from property_agent.agent.events import Event, ToolFinished, ToolStarted
from property_agent.config import Settings
from property_agent.telephony.codec import PHONE_RATE, to_phone, ulaw_decode
from property_agent.telephony.lines import BUSY_LINE, PhoneLines
from property_agent.telephony.playback import Playback
from property_agent.telephony.protocol import (
    Connected,
    Dtmf,
    FrameError,
    Inbound,
    Mark,
    Media,
    Start,
    Stop,
    is_phone_format,
    parse,
)
from property_agent.telephony.records import (
    CallRecord,
    CallRecords,
    CallTurn,
    Outcome,
    now,
    redact_number,
)
from property_agent.telephony.session import ObservedConversation, thread_for
from property_agent.telephony.speech import Kind, Speech
from property_agent.telephony.turns import TurnTaker
from property_agent.voice.fastrtc_agent import Emit, FastRTCAgent
from property_agent.voice.stack import VoiceStack

logger = logging.getLogger(__name__)

SILENCE_LINE = "I can't hear anything on the line, so I will end the call here."
TIME_LIMIT_LINE = "We have reached the time limit for this call."
WELCOME_BACK = "Hello again, this is {name}. Shall we carry on with your search?"
_WATCH_S = 0.05
_GOODBYE_GRACE_S = 3.0  # beyond the goodbye's own length, for Twilio to echo its mark


class PhoneSocket(Protocol):
    """What a call needs from its websocket (FastAPI's `WebSocket` fits). `receive_text` raises
    `WebSocketDisconnect` when Twilio hangs up."""

    async def receive_text(self) -> str: ...

    async def send_text(self, data: str) -> None: ...

    async def close(self, code: int = 1000) -> None: ...


class PhoneCall:
    def __init__(
        self,
        socket: PhoneSocket,
        *,
        voice: VoiceStack,
        settings: Settings,
        records: CallRecords,
        lines: PhoneLines,
    ) -> None:
        self.socket = socket
        self.voice = voice
        self.settings = settings
        self.records = records
        self.lines = lines
        self.outcome: Outcome = "completed"
        self.start: Start | None = None
        self.playback: Playback | None = None
        self.session: FastRTCAgent | None = None
        self.turns = TurnTaker(settings.vad)
        self._speech: Speech | None = None
        self._speeches = 0
        self._marks: dict[str, Speech] = {}
        self._speaking: asyncio.Task[None] | None = None
        self._reader: asyncio.Task[None] | None = None
        self._ending = False
        self._began = self._last_heard = time.monotonic()
        self._search_args: dict[str, Any] = {}

    # -- the call's life ------------------------------------------------------------------------
    async def run(self) -> Outcome:
        start = await self._wait_for_start()
        if start is None:
            return self.outcome
        self.start = start
        self._began = self._last_heard = time.monotonic()
        self.playback = Playback(self.socket.send_text, start.stream_sid)
        sid = start.call_sid
        busy = not self.lines.try_acquire(sid)
        thread = thread_for(start, self.settings)
        logger.info(
            "Call %s from %s on thread %s%s",
            sid,
            redact_number(start.caller),
            thread,
            " (all lines busy)" if busy else "",
        )
        await self._record(
            self.records.start(CallRecord(sid, thread, redact_number(start.caller), now()))
        )
        sender = asyncio.create_task(self.playback.run(), name=f"call-{sid}-sender")
        script = asyncio.create_task(
            self._turn_away() if busy else self._converse(thread), name=f"call-{sid}-script"
        )
        self._reader = asyncio.create_task(self._read(busy), name=f"call-{sid}-reader")
        try:
            await asyncio.wait({self._reader})
            if not self._reader.cancelled() and self._reader.exception():
                logger.error("Call %s failed", sid, exc_info=self._reader.exception())
                self.outcome = "error"
        finally:
            for task in (self._speaking, script, self._reader, sender):
                if task is not None and not task.done():
                    task.cancel()
            await asyncio.gather(
                *(t for t in (self._speaking, script, self._reader, sender) if t),
                return_exceptions=True,
            )
            if self._speech is not None:
                await self._settle(self._speech, cut=self.playback.playing)
            if not busy:
                self.lines.release(sid)
            await self._record(self.records.finish(sid, self.outcome))
            logger.info("Call %s ended: %s", sid, self.outcome)
        return self.outcome

    async def _wait_for_start(self) -> Start | None:
        while True:
            text = await self._receive()
            if text is None:
                return None
            event = self._parse(text)
            if isinstance(event, Start):
                if not is_phone_format(event.media_format):
                    logger.warning("Unexpected media format; treating it as mu-law 8 kHz")
                return event
            if isinstance(event, Stop):
                return None
            if isinstance(event, Media):
                logger.info("Skipping a media frame that came before start")

    async def _read(self, busy: bool) -> None:
        while True:
            text = await self._receive()
            if text is None:
                return
            event = self._parse(text)
            if isinstance(event, Media):
                if not busy and not self._ending and event.track == "inbound":
                    await self._heard(event.payload)
            elif isinstance(event, Mark):
                await self._echoed(event.name)
            elif isinstance(event, Stop):
                logger.info("Twilio stopped the stream (the caller hung up)")
                return
            elif isinstance(event, Start):
                logger.info("Skipping a second start on the same stream")

    async def _receive(self) -> str | None:
        """The next frame's text; None once the line is gone."""
        while True:
            try:
                return await self.socket.receive_text()
            except (WebSocketDisconnect, RuntimeError):
                return None
            except (KeyError, TypeError):  # a binary frame (Starlette has no "text" key)
                logger.info("Skipping a malformed frame: not text")

    def _parse(self, text: str) -> Inbound | None:
        try:
            event = parse(text)
        except FrameError as exc:
            logger.info("Skipping a malformed frame: %s", exc)
            return None
        if isinstance(event, Connected | Dtmf):
            return None  # nothing to do (keypad input is not used)
        return event

    async def _hang_up(self) -> None:
        with contextlib.suppress(Exception):
            await self.socket.close()
        if self._reader is not None and self._reader is not asyncio.current_task():
            self._reader.cancel()

    # -- scripts --------------------------------------------------------------------------------
    async def _turn_away(self) -> None:
        """Every line is taken: the busy line, then hang up."""
        assert self.playback is not None
        self.outcome = "busy"
        try:
            audio = await self.lines.busy_audio(self.voice.tts, self.voice.runtime.avatar)
            speech = self._new_speech("busy")
            speech.add_text(BUSY_LINE)
            if audio:
                speech.add_audio()
                self.playback.play(audio)
            self._close_piece(speech)
            speech.produced = True
            await self.playback.finished(len(audio) / PHONE_RATE + _GOODBYE_GRACE_S)
        finally:
            await self._hang_up()

    async def _converse(self, thread: str) -> None:
        """Greet, then watch the clock until the call ends one way or another."""
        try:
            session = self.voice.session(thread)
            session.conversation = ObservedConversation(session.conversation, self._on_event)
            self.session = session
            self._speaking = asyncio.create_task(self._greet(session))
            await self._watch()
        except Exception:
            logger.exception("Call watchdog failed")
            self.outcome = "error"
            await self._hang_up()

    async def _watch(self) -> None:
        limits = self.settings.telephony
        while True:
            await asyncio.sleep(_WATCH_S)
            moment = time.monotonic()
            if self._agent_busy() or self.turns.hearing_speech:
                self._last_heard = moment
            if moment - self._began >= limits.max_call_s:
                await self._end("max-duration", TIME_LIMIT_LINE)
                return
            if moment - self._last_heard >= limits.silence_timeout_s:
                await self._end("silence-timeout", SILENCE_LINE)
                return

    async def _end(self, outcome: Outcome, line: str) -> None:
        """A polite goodbye, then hang up."""
        assert self.playback is not None and self.session is not None
        self._ending = True
        self.outcome = outcome
        logger.info("Ending the call: %s", outcome)
        await self._interrupt()
        speech = self._new_speech("goodbye")
        text = f"{line} {self.voice.runtime.avatar.goodbye_line}"
        self._speaking = asyncio.create_task(self._say(speech, text))
        await asyncio.wait({self._speaking})
        await self.playback.finished(self.playback.queued_s + _GOODBYE_GRACE_S)
        await self._hang_up()

    # -- the caller -----------------------------------------------------------------------------
    async def _heard(self, payload: bytes) -> None:
        utterance = self.turns.feed(ulaw_decode(payload))
        if self.turns.talking and self._agent_busy():
            logger.info("The caller cut in: stopping the answer")
            await self._interrupt()
        if utterance is not None:
            assert self.session is not None
            await self._interrupt()  # nothing should still be playing; never talk over a turn
            self._last_heard = time.monotonic()
            self._speaking = asyncio.create_task(self._answer(self.session, utterance))

    def _agent_busy(self) -> bool:
        answering = self._speaking is not None and not self._speaking.done()
        return answering or (self.playback is not None and self.playback.playing)

    async def _interrupt(self) -> None:
        """Stop whatever the avatar is saying, here and in Twilio's buffer."""
        assert self.playback is not None
        task, self._speaking = self._speaking, None
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        if self._speech is not None and not self._speech.settled:
            await self.playback.clear()
            await self._settle(self._speech, cut=not self._speech.fully_heard)

    # -- the avatar -----------------------------------------------------------------------------
    async def _greet(self, session: FastRTCAgent) -> None:
        speech = self._new_speech("greeting")
        await self._play(speech, session.greet())
        if not speech.pieces:  # a returning caller: their thread already has the greeting
            text = WELCOME_BACK.format(name=self.voice.runtime.avatar.name)
            await self._say(speech, text)

    async def _answer(self, session: FastRTCAgent, utterance: Any) -> None:
        speech = self._new_speech("answer")
        try:
            await self._play(speech, session.respond((PHONE_RATE, utterance)))
        except Exception:
            logger.exception("The answer failed; saying the fallback line")
            await self._say(speech, self.voice.runtime.avatar.fallback_line)

    async def _say(self, speech: Speech, text: str) -> None:
        assert self.session is not None
        speech.produced = False
        speech.add_text(text)
        try:
            await self._play(speech, self.session.say(text))
        except Exception:
            logger.exception("Could not speak %r", text[:40])

    async def _play(self, speech: Speech, items: AsyncIterator[Emit]) -> None:
        """Queue a stream of `FastRTCAgent` output: audio goes to the playback, each new
        assistant line starts a piece, the caller's line goes to the record."""
        assert self.playback is not None and self.start is not None
        seen = len(self.session.view.lines) if self.session else 0
        try:
            async with contextlib.aclosing(cast(AsyncGenerator[Emit, None], items)) as stream:
                async for item in stream:
                    if isinstance(item, AdditionalOutputs):
                        lines = item.args[0]
                        for line in lines[seen:]:
                            if line["role"] == "user":
                                await self._record_turn(CallTurn("user", line["content"]))
                            else:
                                self._close_piece(speech, speech.add_text(line["content"]))
                        seen = len(lines)
                    else:
                        rate, samples = item
                        speech.add_audio()
                        self.playback.play(to_phone(rate, samples))
        finally:
            self._close_piece(speech)
            speech.produced = True
        if speech.pieces and speech.fully_heard:  # (no pieces: the greeting may say more)
            await self._settle(speech, cut=False)

    def _new_speech(self, kind: Kind) -> Speech:
        self._speeches += 1
        speech = Speech(f"{kind}-{self._speeches}", kind)
        self._speech = speech
        return speech

    def _close_piece(self, speech: Speech, name: str | None = None) -> None:
        name = name if name is not None else speech.close_piece()
        if name is not None and self.playback is not None:
            self._marks[name] = speech
            self.playback.mark(name)

    async def _echoed(self, name: str) -> None:
        assert self.playback is not None
        speech = self._marks.pop(name, None)
        if not self.playback.echoed(name) or speech is None:
            return
        speech.heard.add(name)
        if speech.fully_heard:
            await self._settle(speech, cut=False)

    # -- the record -----------------------------------------------------------------------------
    async def _settle(self, speech: Speech, *, cut: bool) -> None:
        """Write what the caller heard of `speech` (all of it, unless they were cut off)."""
        if speech.settled:
            return
        speech.settled = True
        text = speech.text(heard_only=cut)
        if text or cut:
            details = {"kind": speech.kind}
            await self._record_turn(CallTurn("agent", text, interrupted=cut, details=details))

    async def _on_event(self, event: Event) -> None:
        if isinstance(event, ToolStarted):
            self._search_args = dict(event.args)
        elif isinstance(event, ToolFinished):
            args, self._search_args = self._search_args, {}
            text = json.dumps(args, ensure_ascii=False)
            details = {"name": event.name, "args": args, "count": event.count}
            await self._record_turn(CallTurn("tool", text, details=details))

    async def _record_turn(self, turn: CallTurn) -> None:
        assert self.start is not None
        await self._record(self.records.add_turn(self.start.call_sid, turn))

    async def _record(self, operation: Awaitable[None]) -> None:
        """Records never take a call down: a failing store is logged and the call goes on."""
        try:
            await operation
        except Exception:
            logger.exception("Could not write the call record")
