"""What the web page shows for one session, in step with what the caller hears.

A session's events arrive well before their audio plays: FastRTC queues the avatar's voice and
plays it in real time, so a line shown when its event arrives would be on screen seconds before
it is said. `PageView.outputs` keeps the audio flowing at once and holds each line, listing
update and state change until the audio before it has played: the transcript reads like
captions, the highlighted card is the one being talked about, and the state indicator says
"speaking" while the avatar speaks. This is the one place a session's events become FastRTC's
outputs (`AdditionalOutputs` of the transcript, the cards and the state indicator).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import time
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any, cast

from fastrtc import AdditionalOutputs

from property_agent.voice.audio import AudioChunk
from property_agent.voice.events import (
    AudioOut,
    ListingsShown,
    ReplyText,
    SearchStarted,
    TranscriptHeard,
    VoiceEvent,
)
from property_agent.voice.listing_cards import listing_cards, mentioned

PageOutput = AudioChunk | AdditionalOutputs

LISTENING, THINKING, SEARCHING, SPEAKING = "listening", "thinking", "searching", "speaking"
LEAD_S = 0.15  # a line appears just before its audio starts
_END = object()


def state_indicator(phase: str, avatar_name: str, *, typed: bool = False) -> str:
    """The indicator's HTML. The page's script marks whether a call is live (`data-call` on
    #call-state): without one it says how to start, whatever the last phase was, unless a typed
    turn is under way (`typed`)."""
    name = html.escape(avatar_name)
    labels = {
        LISTENING: "Listening: go ahead",
        THINKING: "Thinking…",
        SEARCHING: "Searching the listings…",
        SPEAKING: f"{name} is speaking",
    }
    return (
        f"<div class='call-state {'known' if phase in labels else 'waiting'}"
        f"{' typed' if typed else ''}' data-phase='{phase}' role='status' aria-live='polite'>"
        "<span class='dot' aria-hidden='true'></span>"
        f"<span class='live-label'>{labels.get(phase, labels[LISTENING])}</span>"
        f"<span class='connecting-label'>Connecting to {name}…</span>"
        f"<span class='off-label'>Not connected: press Record to talk to {name}</span>"
        "</div>"
    )


class PageView:
    """One session's transcript, listings and state, and how they reach the page."""

    def __init__(self, avatar_name: str) -> None:
        self.avatar_name = avatar_name
        self.lines: list[dict[str, str]] = []  # {"role": "user"|"assistant", "content": …}
        self.listings: list[dict[str, Any]] = []
        self.order: list[Any] = []  # listing ids in the order the avatar mentioned them
        self.current: Any | None = None  # the listing it is talking about
        self.phase = LISTENING
        self.searched = False  # a search has returned (perhaps with nothing)
        self._audio_ends = 0.0  # (monotonic) when the audio sent so far will have played

    # -- what the page shows -------------------------------------------------------------------
    def snapshot(self, *, typed: bool = False) -> AdditionalOutputs:
        """(transcript, cards, state indicator), as the page's outputs take them."""
        return AdditionalOutputs(
            list(self.lines),
            listing_cards(self.listings, self.order, self.current, searched=self.searched),
            state_indicator(self.phase, self.avatar_name, typed=typed),
        )

    def apply(self, event: VoiceEvent) -> bool:
        """Take in one event; True when the page changes."""
        if isinstance(event, TranscriptHeard):
            self.lines.append({"role": "user", "content": event.text})
            self.phase = THINKING
        elif isinstance(event, SearchStarted):
            self.phase = SEARCHING
        elif isinstance(event, ListingsShown):
            self.listings, self.order, self.current = list(event.listings), [], None
            self.searched = True
            self.phase = THINKING
        elif isinstance(event, ReplyText):
            self.lines.append({"role": "assistant", "content": event.text})
            self.phase = SPEAKING
            about = mentioned(event.text, self.listings)
            if about is not None:
                self.current = about
                if about not in self.order:
                    self.order.append(about)
        else:
            return False
        return True

    # -- a voice turn (or the greeting) --------------------------------------------------------
    async def outputs(
        self, events: AsyncIterator[VoiceEvent], *, turn: bool = True
    ) -> AsyncGenerator[PageOutput, None]:
        """A session's events as FastRTC plays and shows them: audio as `(rate, samples)` at
        once, page updates when their moment comes. `turn`: the caller has just stopped
        speaking (the page says "thinking" at once). Closing this (a barge-in) stops the
        session's turn at once."""
        if turn:
            self.phase = THINKING
            yield self.snapshot()
        inbox: asyncio.Queue[Any] = asyncio.Queue()
        pump = asyncio.create_task(_pump(events, inbox), name="page-events")
        held: deque[tuple[float, VoiceEvent]] = deque()
        try:
            while True:
                try:
                    async with asyncio.timeout(held[0][0] - time.monotonic() if held else None):
                        item = await inbox.get()
                except TimeoutError:
                    if self.apply(held.popleft()[1]):
                        yield self.snapshot()
                    continue
                if item is _END:
                    break
                if isinstance(item, BaseException):
                    raise item
                if isinstance(item, AudioOut):
                    starts = max(self._audio_ends, time.monotonic())
                    self._audio_ends = starts + item.samples.size / item.rate
                    yield item.rate, item.samples
                elif not held and self._audio_ends - LEAD_S <= time.monotonic():
                    if self.apply(item):
                        yield self.snapshot()
                else:
                    held.append((self._audio_ends - LEAD_S, item))
            for when, event in held:  # the rest, each at its moment
                await asyncio.sleep(max(0.0, when - time.monotonic()))
                if self.apply(event):
                    yield self.snapshot()
            held.clear()
            await asyncio.sleep(max(0.0, self._audio_ends - time.monotonic()))
            self.phase = LISTENING
            yield self.snapshot()
        finally:
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pump
            await cast(AsyncGenerator[VoiceEvent, None], events).aclose()

    # -- a typed turn --------------------------------------------------------------------------
    async def typed(self, events: AsyncIterator[VoiceEvent]) -> AsyncIterator[AdditionalOutputs]:
        """A turn typed in the text box: nothing to play, so each change shows as it comes."""
        async for event in events:
            if self.apply(event):
                yield self.snapshot(typed=self.phase != SPEAKING)
        self.phase = LISTENING
        yield self.snapshot()


async def _pump(events: AsyncIterator[VoiceEvent], inbox: asyncio.Queue[Any]) -> None:
    """Read the session's events as fast as they come (its speech is synthesised meanwhile)."""
    try:
        async for event in events:
            inbox.put_nowait(event)
            await asyncio.sleep(0)  # let the page take each one
    except Exception as exc:
        inbox.put_nowait(exc)
    finally:
        inbox.put_nowait(_END)
