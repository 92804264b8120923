"""`FastRTCAgent`: one voice session (one web or phone connection): caller audio → STT →
the agent's turn → speech, with a filler while the search runs. It yields its own events
(`events.py`); the web page and the phone call each turn them into what their line carries.

The agent's events are consumed as they happen: each sentence is synthesised while the model keeps
working on the next; when a search starts the caller hears the avatar's tool line (unless the
avatar has just said what it is searching for) and then typing, which stops the moment the search
returns. Everything is injected: STT, TTS, the typing sound, the avatar, the conversation and
the tracing (one Opik trace per turn; none by default).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import asdict
from typing import Any

from property_agent.agent.conversation import Conversation
from property_agent.agent.events import SentenceReady, ToolFinished, ToolStarted, TurnFinished
from property_agent.avatars import Avatar
from property_agent.config import FillerSettings
from property_agent.observability.voice_tracing import TurnTrace, VoiceTracing
from property_agent.voice.audio import resample
from property_agent.voice.effects import typing_loop
from property_agent.voice.events import (
    AudioOut,
    ListingsShown,
    ReplyText,
    SearchStarted,
    TranscriptHeard,
    TurnTimed,
    TurnTimings,
    VoiceEvent,
)
from property_agent.voice.speech_text import to_speech
from property_agent.voice.stt.base import STT
from property_agent.voice.tts.base import TTS, AudioChunk
from property_agent.voice.tts.scheduling import begin_turn
from property_agent.voice.turn_log import log_turn

logger = logging.getLogger(__name__)

DIDNT_CATCH = "Sorry, I didn't catch that. Could you say it again?"
_TYPING_CHUNK_S = 0.2


class FastRTCAgent:
    def __init__(
        self,
        *,
        conversation: Conversation,
        stt: STT,
        tts: TTS,
        avatar: Avatar,
        filler: FillerSettings,
        output_rate: int = 24_000,
        typing: Callable[..., AsyncGenerator[AudioChunk, None]] = typing_loop,
        tracing: VoiceTracing | None = None,
    ) -> None:
        self.conversation = conversation
        self.stt = stt
        self.tts = tts
        self.avatar = avatar
        self.filler = filler
        self.output_rate = output_rate
        self.typing = typing
        self.tracing = tracing or VoiceTracing()
        self.voice = tts.voice_for(avatar)
        self.last_turn = TurnTimings()  # the latest turn's, also when it was cut short

    @property
    def session_id(self) -> str:
        return self.conversation.thread_id

    # -- speaking ------------------------------------------------------------------------------
    async def say(self, text: str) -> AsyncIterator[AudioOut]:
        """Speak display text (prices, m², Spanish names made speakable), at the output rate."""
        async for rate, samples in self.tts.stream(to_speech(text), self.voice):
            yield AudioOut(self.output_rate, resample(samples, rate, self.output_rate))

    async def greet(self) -> AsyncIterator[VoiceEvent]:
        """The avatar speaks first when a session opens (a returning caller is not re-greeted)."""
        intro = await self.conversation.greet()
        if not intro:
            return
        yield ReplyText(intro)
        async for chunk in self.say(intro):
            yield chunk

    async def typed(self, text: str) -> AsyncIterator[VoiceEvent]:
        """A turn typed instead of spoken (the page's text box): the same conversation and
        events, nothing synthesised. A new conversation is greeted first, as a call is."""
        intro = await self.conversation.greet()
        if intro:
            yield ReplyText(intro)
        yield TranscriptHeard(text)
        search_args: dict[str, Any] = {}
        async for event in self.conversation.respond(text):
            if isinstance(event, SentenceReady):
                yield ReplyText(event.text)
            elif isinstance(event, ToolStarted):
                search_args = dict(event.args)
                yield SearchStarted(search_args)
            elif isinstance(event, ToolFinished):
                yield _shown(event, search_args)

    # -- a turn --------------------------------------------------------------------------------
    async def respond(self, audio: AudioChunk) -> AsyncIterator[VoiceEvent]:
        trace = self.tracing.turn(
            self.session_id,
            avatar=self.avatar.name,
            stt=self.stt.name,
            tts=self.tts.name,
            voice=self.voice,
        )
        began = time.perf_counter()
        begin_turn()  # this turn's first audio is synthesised before other turns' later audio
        timings = TurnTimings()
        self.last_turn = timings
        error: Exception | None = None
        ended = False  # (not cut off by a barge-in)
        try:  # closing the turn at once on barge-in stops the agent's run
            async with contextlib.aclosing(self._turn(audio, trace, timings, began)) as items:
                async for item in items:
                    yield item
            ended = True
        except Exception as exc:  # the one traceback of a failed turn; the caller still hears
            error, timings.fallback, line = exc, True, self.avatar.fallback_line
            logger.exception("Turn on %s failed; saying the fallback line", self.session_id)
            yield ReplyText(line)
            try:
                async for chunk in self._speak(line, trace, timings, began, "fallback"):
                    yield chunk
            except Exception as again:  # the voice itself is what failed: logged once, above
                logger.warning("Could not say the fallback line either: %s", again)
            ended = True
        finally:
            timings.total_ms = _ms(began)
            trace.finish(asdict(timings), error)
            log_turn(self.session_id, audio, timings, ended=ended)
        yield TurnTimed(timings)

    async def _turn(
        self, audio: AudioChunk, trace: TurnTrace, timings: TurnTimings, began: float
    ) -> AsyncGenerator[VoiceEvent, None]:
        text = (await self.stt.transcribe(audio)).strip()
        timings.stt_ms = _ms(began)
        timings.transcript = text
        trace.transcribed(audio, text, began)
        if not text:  # nothing understood: no model call, just ask again
            async for chunk in self._speak(DIDNT_CATCH, trace, timings, began, "didnt-catch"):
                yield chunk
            return
        yield TranscriptHeard(text)

        events = _Inbox()
        producer = asyncio.create_task(
            self._produce(text, events, trace, timings), name="agent-turn"
        )
        spoke_this_turn = False
        search_args: dict[str, Any] = {}
        try:
            while True:
                event = await events.get()
                if event is None:
                    break
                if isinstance(event, SentenceReady):
                    timings.first_sentence_ms = timings.first_sentence_ms or _ms(began)
                    yield ReplyText(event.text)
                    async for chunk in self._speak(event.text, trace, timings, began):
                        yield chunk
                    spoke_this_turn = True
                elif isinstance(event, ToolStarted):
                    search_args = dict(event.args)
                    timings.searches += 1
                    yield SearchStarted(search_args)
                    if self.filler.enabled:
                        filler = self._filler(events, spoke_this_turn, trace, timings, began)
                        async for chunk in filler:
                            yield chunk
                elif isinstance(event, ToolFinished):
                    yield _shown(event, search_args)
                    search_args = {}
            await producer  # its failure is the turn's
        finally:
            if not producer.done():  # barge-in closed us: stop the turn, keep the thread sound
                producer.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await producer

    async def _produce(
        self, text: str, events: _Inbox, trace: TurnTrace, timings: TurnTimings
    ) -> None:
        finished: TurnFinished | None = None
        try:
            async for event in self.conversation.respond(text, trace_parent=trace.agent_started()):
                if isinstance(event, TurnFinished):
                    finished = event
                    timings.fallback = event.fallback
                else:
                    events.put(event)
        finally:
            trace.agent_finished(finished)
            events.put(None)

    async def _filler(
        self, events: _Inbox, spoke: bool, trace: TurnTrace, timings: TurnTimings, began: float
    ) -> AsyncIterator[AudioOut]:
        """The tool line (unless the avatar just said what it is searching for), then typing
        paced in real time until the search's result, or anything else, arrives."""
        filler_began = time.perf_counter()
        if not spoke:
            line = self.avatar.tool_use_line
            async for chunk in self._speak(line, trace, timings, began, "tool-line"):
                yield chunk
        stop = asyncio.Event()
        typing_began = time.perf_counter()
        deadline = time.monotonic() + self.filler.max_s
        typing = self.typing(stop, self.filler.max_s, _TYPING_CHUNK_S, self.output_rate)
        try:
            while events.empty() and time.monotonic() < deadline:
                try:
                    rate, samples = await anext(typing)
                except StopAsyncIteration:
                    break
                yield AudioOut(rate, samples)
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(_TYPING_CHUNK_S):
                        await events.wait_for_item()
        finally:
            stop.set()
            await typing.aclose()
            typing_s = time.perf_counter() - typing_began
            trace.filled(tool_line=not spoke, typing_s=typing_s, began=filler_began)

    async def _speak(
        self,
        text: str,
        trace: TurnTrace,
        timings: TurnTimings,
        began: float,
        kind: str = "reply",
    ) -> AsyncIterator[AudioOut]:
        """Say `text` within a turn: note the turn's first audio, trace the synthesis."""
        spoke_at = time.perf_counter()
        chunks, audio_s = 0, 0.0
        try:
            async for chunk in self.say(text):
                if timings.first_audio_ms is None:
                    timings.first_audio_ms = _ms(began)
                if timings.tts_ms is None and kind == "reply":
                    timings.tts_ms = _ms(spoke_at)
                chunks += 1
                audio_s += chunk.samples.size / chunk.rate
                yield chunk
        finally:
            trace.spoke(text, chunks=chunks, audio_s=audio_s, began=spoke_at, kind=kind)


class _Inbox:
    """The turn's events, with a way to wait for the next one without taking it (the filler
    stops when anything arrives, and the main loop then handles that item)."""

    def __init__(self) -> None:
        self._items: deque[Any] = deque()
        self._ready = asyncio.Event()

    def put(self, item: Any) -> None:
        self._items.append(item)
        self._ready.set()

    def empty(self) -> bool:
        return not self._items

    async def get(self) -> Any:
        while not self._items:
            self._ready.clear()
            await self._ready.wait()
        return self._items.popleft()

    async def wait_for_item(self) -> None:
        """Return when an item is waiting (use under `asyncio.timeout`)."""
        if self._items:
            return
        self._ready.clear()
        await self._ready.wait()


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 1)


def _shown(event: ToolFinished, args: dict[str, Any]) -> ListingsShown:
    """A search's results as the session's event (`args`: what the search was asked)."""
    return ListingsShown(event.name, args, event.count, list(event.result.get("properties") or []))
