"""`CallRecorder`: what a call's record says, written as the call goes: its start and end, each
thing the caller said, each search, and of each speech of the avatar's what the caller really
heard.

A speech is cut into pieces (see `speech.py`), each followed by a `mark`; a speech is settled
(written) once every mark has come back, or when it is cut off, with only the pieces whose marks
came back. Records never take a call down: a failing store is logged and the call goes on.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable

from property_agent.telephony.playback import Playback
from property_agent.telephony.records import CallRecord, CallRecords, CallTurn, Outcome
from property_agent.telephony.speech import Kind, Speech
from property_agent.voice.events import ListingsShown

logger = logging.getLogger(__name__)


class CallRecorder:
    def __init__(self, records: CallRecords, call_sid: str, playback: Playback) -> None:
        self.records = records
        self.call_sid = call_sid
        self.playback = playback
        self.speech: Speech | None = None  # the latest speech
        self._speeches = 0
        self._marks: dict[str, Speech] = {}

    async def opened(self, record: CallRecord) -> None:
        await self._write(self.records.start(record))

    async def closed(self, outcome: Outcome) -> None:
        """The call is over: settle the last speech (cut if it was still playing), then end
        the record."""
        if self.speech is not None:
            await self.settle(self.speech, cut=self.playback.playing)
        await self._write(self.records.finish(self.call_sid, outcome))

    # -- the avatar's speeches ------------------------------------------------------------------
    def new_speech(self, kind: Kind) -> Speech:
        self._speeches += 1
        self.speech = Speech(f"{kind}-{self._speeches}", kind)
        return self.speech

    def line(self, speech: Speech, text: str) -> None:
        """The session says a new line: the piece before it, if it had audio, is complete; a line
        with no audio before it is a piece of its own, marked at once."""
        name = speech.add_text(text)
        self._mark(speech, name if name is not None else speech.close_piece())

    def produced(self, speech: Speech) -> None:
        """Everything `speech` will say is queued: mark the last piece."""
        self._mark(speech, speech.close_piece())
        speech.produced = True

    async def echoed(self, name: str) -> None:
        """Twilio echoed a mark: the caller heard that piece."""
        speech = self._marks.pop(name, None)
        if not self.playback.echoed(name) or speech is None:
            return
        speech.heard.add(name)
        if speech.fully_heard:
            await self.settle(speech, cut=False)

    async def cut_off(self) -> None:
        """Stop the latest speech on the line (here and in Twilio's buffer) and record what of
        it was heard."""
        speech = self.speech
        if speech is not None and not speech.settled:
            await self.playback.clear()
            await self.settle(speech, cut=not speech.fully_heard)

    async def settle(self, speech: Speech, *, cut: bool) -> None:
        """Write what the caller heard of `speech` (all of it, unless they were cut off)."""
        if speech.settled:
            return
        speech.settled = True
        text = speech.text(heard_only=cut)
        if text or cut:
            details = {"kind": speech.kind}
            await self._add(CallTurn("agent", text, interrupted=cut, details=details))

    def _mark(self, speech: Speech, name: str | None) -> None:
        if name is not None:
            self._marks[name] = speech
            self.playback.mark(name)

    # -- the caller and the search --------------------------------------------------------------
    async def caller_said(self, text: str) -> None:
        await self._add(CallTurn("user", text))

    async def searched(self, search: ListingsShown) -> None:
        text = json.dumps(search.args, ensure_ascii=False)
        details = {"name": search.name, "args": dict(search.args), "count": search.count}
        await self._add(CallTurn("tool", text, details=details))

    async def _add(self, turn: CallTurn) -> None:
        await self._write(self.records.add_turn(self.call_sid, turn))

    async def _write(self, operation: Awaitable[None]) -> None:
        try:
            await operation
        except Exception:
            logger.exception("Could not write the call record")
