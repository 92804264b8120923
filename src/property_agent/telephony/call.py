"""`PhoneCall`: one Twilio Media Streams connection, from `start` to hang-up: the call script.

Three tasks share the call: the reader (Twilio's frames: caller audio into the turn taker, mark
echoes into the record), the sender (`Playback`: our audio at real-time pace), and the script
(the greeting, then the watchdog for the call's time limit and the caller's silence; or, when
every line is taken, the busy line). Each answer runs as its own task, so a barge-in can cancel
it: the caller speaking for `VAD__STARTED_TALKING_S` while the avatar is answering or still being
heard stops the answer, sends Twilio `clear`, and records the answer as interrupted with the
sentences whose marks came back. What is written down, and when, is the `CallRecorder`'s.

The voice session's events (`voice/events.py`) are consumed directly: audio goes to the line,
each line the avatar says starts a piece, the caller's words and each search go to the record.
Which conversation a call continues is decided in `session.py`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any, cast

from property_agent.config import Settings
from property_agent.telephony.codec import PHONE_RATE, to_phone, ulaw_decode
from property_agent.telephony.frames import FrameReader, PhoneSocket
from property_agent.telephony.lines import BUSY_LINE, PhoneLines
from property_agent.telephony.playback import Playback
from property_agent.telephony.protocol import Mark, Media, Start, Stop
from property_agent.telephony.recorder import CallRecorder
from property_agent.telephony.records import CallRecord, CallRecords, Outcome, now, redact_number
from property_agent.telephony.session import thread_for
from property_agent.telephony.speech import Speech
from property_agent.telephony.turns import TurnTaker
from property_agent.voice.events import (
    AudioOut,
    ListingsShown,
    ReplyText,
    TranscriptHeard,
    VoiceEvent,
)
from property_agent.voice.fastrtc_agent import FastRTCAgent
from property_agent.voice.stack import VoiceStack

__all__ = ["SILENCE_LINE", "TIME_LIMIT_LINE", "WELCOME_BACK", "PhoneCall", "PhoneSocket"]

logger = logging.getLogger(__name__)

SILENCE_LINE = "I can't hear anything on the line, so I will end the call here."
TIME_LIMIT_LINE = "We have reached the time limit for this call."
WELCOME_BACK = "Hello again, this is {name}. Shall we carry on with your search?"
_WATCH_S = 0.05
_GOODBYE_GRACE_S = 3.0  # beyond the goodbye's own length, for Twilio to echo its mark


class PhoneCall:
    # Set once the stream has started (`run`), before any task uses them.
    playback: Playback
    recorder: CallRecorder
    session: FastRTCAgent

    def __init__(
        self,
        socket: PhoneSocket,
        *,
        voice: VoiceStack,
        settings: Settings,
        records: CallRecords,
        lines: PhoneLines,
    ) -> None:
        self.frames = FrameReader(socket)
        self.voice = voice
        self.settings = settings
        self.records = records
        self.lines = lines
        self.outcome: Outcome = "completed"
        self.start: Start | None = None
        self.turns = TurnTaker(settings.vad)
        self._speaking: asyncio.Task[None] | None = None
        self._reader: asyncio.Task[None] | None = None
        self._ending = False
        self._began = self._last_heard = time.monotonic()

    # -- the call's life ------------------------------------------------------------------------
    async def run(self) -> Outcome:
        start = await self.frames.start()
        if start is None:
            return self.outcome
        self.start = start
        self._began = self._last_heard = time.monotonic()
        sid = start.call_sid
        self.playback = Playback(self.frames.socket.send_text, start.stream_sid)
        self.recorder = CallRecorder(self.records, sid, self.playback)
        busy = not self.lines.try_acquire(sid)
        thread = thread_for(start, self.settings)
        caller = redact_number(start.caller)
        busy_note = " (all lines busy)" if busy else ""
        logger.info("Call %s from %s on thread %s%s", sid, caller, thread, busy_note)
        await self.recorder.opened(CallRecord(sid, thread, caller, now()))
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
            tasks = [t for t in (self._speaking, script, self._reader, sender) if t is not None]
            for task in tasks:
                if not task.done():
                    task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if not busy:
                self.lines.release(sid)
            await self.recorder.closed(self.outcome)
            logger.info("Call %s ended: %s", sid, self.outcome)
        return self.outcome

    async def _read(self, busy: bool) -> None:
        while (event := await self.frames.next()) is not None:
            if isinstance(event, Media):
                if not busy and not self._ending and event.track == "inbound":
                    await self._heard(event.payload)
            elif isinstance(event, Mark):
                await self.recorder.echoed(event.name)
            elif isinstance(event, Stop):
                logger.info("Twilio stopped the stream (the caller hung up)")
                return
            elif isinstance(event, Start):
                logger.info("Skipping a second start on the same stream")

    async def _hang_up(self) -> None:
        with contextlib.suppress(Exception):
            await self.frames.socket.close()
        if self._reader is not None and self._reader is not asyncio.current_task():
            self._reader.cancel()

    # -- scripts --------------------------------------------------------------------------------
    async def _turn_away(self) -> None:
        """Every line is taken: the busy line, then hang up."""
        self.outcome = "busy"
        try:
            audio = await self.lines.busy_audio(self.voice.tts, self.voice.runtime.avatar)
            speech = self.recorder.new_speech("busy")
            speech.add_text(BUSY_LINE)
            if audio:
                speech.add_audio()
                self.playback.play(audio)
            self.recorder.produced(speech)
            await self.playback.finished(len(audio) / PHONE_RATE + _GOODBYE_GRACE_S)
        finally:
            await self._hang_up()

    async def _converse(self, thread: str) -> None:
        """Greet, then watch the clock until the call ends one way or another."""
        try:
            self.session = self.voice.session(thread)
            self._speaking = asyncio.create_task(self._greet())
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
        self._ending = True
        self.outcome = outcome
        logger.info("Ending the call: %s", outcome)
        await self._interrupt()
        speech = self.recorder.new_speech("goodbye")
        text = f"{line} {self.voice.runtime.avatar.goodbye_line}"
        self._speaking = asyncio.create_task(self._say(speech, text))
        await asyncio.wait({self._speaking})
        await self.playback.finished(self.playback.queued_s + _GOODBYE_GRACE_S)
        await self._hang_up()

    # -- the caller -----------------------------------------------------------------------------
    async def _heard(self, payload: bytes) -> None:
        utterance = await self.turns.feed_async(ulaw_decode(payload))
        if self.turns.talking and self._agent_busy():
            logger.info("The caller cut in: stopping the answer")
            await self._interrupt()
        if utterance is not None:
            await self._interrupt()  # nothing should still be playing; never talk over a turn
            self._last_heard = time.monotonic()
            self._speaking = asyncio.create_task(self._answer(utterance))

    def _agent_busy(self) -> bool:
        answering = self._speaking is not None and not self._speaking.done()
        return answering or self.playback.playing

    async def _interrupt(self) -> None:
        """Stop whatever the avatar is saying, here and in Twilio's buffer."""
        task, self._speaking = self._speaking, None
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        await self.recorder.cut_off()

    # -- the avatar -----------------------------------------------------------------------------
    async def _greet(self) -> None:
        speech = self.recorder.new_speech("greeting")
        await self._play(speech, self.session.greet())
        if not speech.pieces:  # a returning caller: their thread already has the greeting
            text = WELCOME_BACK.format(name=self.voice.runtime.avatar.name)
            await self._say(speech, text)

    async def _answer(self, utterance: Any) -> None:
        speech = self.recorder.new_speech("answer")
        try:
            await self._play(speech, self.session.respond((PHONE_RATE, utterance)))
        except Exception:
            logger.exception("The answer failed; saying the fallback line")
            await self._say(speech, self.voice.runtime.avatar.fallback_line)

    async def _say(self, speech: Speech, text: str) -> None:
        speech.produced = False
        speech.add_text(text)
        try:
            await self._play(speech, self.session.say(text))
        except Exception:
            logger.exception("Could not speak %r", text[:40])

    async def _play(self, speech: Speech, events: AsyncIterator[VoiceEvent]) -> None:
        """Put a stream of the session's events on the line and in the record."""
        try:
            stream = cast(AsyncGenerator[VoiceEvent, None], events)
            async with contextlib.aclosing(stream):
                async for event in stream:
                    if isinstance(event, AudioOut):
                        speech.add_audio()
                        self.playback.play(to_phone(event.rate, event.samples))
                    elif isinstance(event, ReplyText):
                        self.recorder.line(speech, event.text)
                    elif isinstance(event, TranscriptHeard):
                        await self.recorder.caller_said(event.text)
                    elif isinstance(event, ListingsShown):
                        await self.recorder.searched(event)
        finally:
            self.recorder.produced(speech)
        if speech.pieces and speech.fully_heard:  # (no pieces: the greeting may say more)
            await self.recorder.settle(speech, cut=False)
