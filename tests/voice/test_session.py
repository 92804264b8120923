"""Voice turns end to end through real audio: espeak-ng speech (a voice unlike the agent's) from a
browser microphone, cut by the streaming turn detector, heard by the local Whisper, answered by
the offline agent over the shipped listings and spoken by Piper. What the caller hears is checked
by transcribing the reply audio with the same Whisper."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pytest
from numpy.typing import NDArray

from property_agent.agent.conversation import Conversation
from property_agent.agent.events import Event
from property_agent.agent.runtime import AgentRuntime
from property_agent.domain import SearchFilters
from property_agent.voice.events import (
    AudioOut,
    ListingsShown,
    ReplyText,
    SearchStarted,
    TranscriptHeard,
    TurnTimed,
    VoiceEvent,
)
from property_agent.voice.fastrtc_agent import DIDNT_CATCH, FastRTCAgent
from property_agent.voice.stack import OUTPUT_RATE, VoiceStack
from property_agent.voice.tts.base import TTS, AudioChunk, TTSError
from property_agent.voice.tts.fallback import FallbackTTS
from tests.support.audio import (
    MIC_RATE,
    end_of_turn,
    needs_espeak,
    rms,
    silence,
    spoken,
    turn_handler,
)
from tests.support.settings import make_settings

pytestmark = [pytest.mark.integration, needs_espeak, pytest.mark.asyncio(loop_scope="session")]

TOOL = "search_property_tool"
RETIRO = "I am looking for a flat with two bedrooms in Retiro under seven hundred thousand euros"
CHAMBERI = (
    "I am looking for a flat with three bedrooms in Chamberí under eight hundred thousand euros"
)
MIN_SPEECH_RMS = 500  # int16; Piper speech is in the thousands
WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


# -- the stack: one per module, on the session's event loop ---------------------------------------


@pytest.fixture(scope="module")
def stack(real_voice: VoiceStack) -> VoiceStack:
    return real_voice


def caller_says(text: str) -> AudioChunk:
    """`text` spoken into a browser, as the reply function receives it: the microphone stream
    cut by the turn detector, shaped (1, n) at 48 kHz as FastRTC's `emit` passes it."""
    handler = turn_handler(make_settings().vad)
    assert end_of_turn(handler, np.concatenate([silence(500), spoken(text), silence(1500)]))
    stream = handler.state.stream
    assert stream is not None
    return MIC_RATE, stream.reshape(1, -1)


@dataclass
class Turn:
    """What one turn gave the caller: the lines heard and said, the listings, and the audio."""

    lines: list[dict[str, str]] = field(default_factory=list)
    listings: list[dict[str, Any]] = field(default_factory=list)
    chunks: list[NDArray[np.int16]] = field(default_factory=list)
    answer_from: int | None = None  # the first chunk after the listings arrived

    @property
    def audio(self) -> NDArray[np.int16]:
        return np.concatenate(self.chunks) if self.chunks else np.zeros(0, dtype=np.int16)

    @property
    def seconds(self) -> float:
        return len(self.audio) / OUTPUT_RATE

    @property
    def answer(self) -> AudioChunk:
        """The answer about the listings (after the tool line and the typing)."""
        assert self.answer_from is not None, "no listings arrived"
        return OUTPUT_RATE, np.concatenate(self.chunks[self.answer_from :])

    def said(self, role: str = "assistant") -> str:
        return " ".join(line["content"] for line in self.lines if line["role"] == role)


async def collect(session: FastRTCAgent, items: AsyncIterator[VoiceEvent]) -> Turn:
    """Play a turn (or the greeting) to the end, keeping what the session's events said."""
    turn = Turn()
    timed: list[TurnTimed] = []
    async for event in items:
        if isinstance(event, TranscriptHeard):
            turn.lines.append({"role": "user", "content": event.text})
        elif isinstance(event, ReplyText):
            turn.lines.append({"role": "assistant", "content": event.text})
        elif isinstance(event, ListingsShown):  # this turn's search has returned
            turn.listings = list(event.listings)
            assert event.count == len(event.listings) and event.args
            if turn.answer_from is None:
                turn.answer_from = len(turn.chunks)
        elif isinstance(event, SearchStarted):  # the search the listings will come from
            assert event.args
        elif isinstance(event, AudioOut):
            assert event.rate == OUTPUT_RATE and event.samples.ndim == 1
            assert not timed, "audio after the turn's end"
            turn.chunks.append(np.asarray(event.samples))
        else:
            timed.append(event)
    if timed:  # a turn (not the greeting) ends with its timings, once
        [last] = timed
        assert last.timings is session.last_turn
    return turn


async def searches(session: FastRTCAgent) -> list[SearchFilters]:
    """The filters of each search the agent ran in this conversation, as the search applied them
    (the tool call's query through the service's own parser)."""
    parser = session.conversation.runtime.search.parser
    entries = await session.conversation.transcript()
    calls = [entry for entry in entries if entry["role"] == "tool"]
    assert all(call["name"] == TOOL for call in calls), calls
    return [parser.parse(call["args"]["query"]).filters for call in calls]


def assert_spoken(turn: Turn) -> None:
    assert rms(turn.audio) > MIN_SPEECH_RMS, "the caller hears silence"


def number_said(pattern: str, text: str) -> int | None:
    """The number before `pattern` in a transcript ("2 bedrooms", "two bedrooms")."""
    found = re.search(rf"\b(\d+|{'|'.join(WORDS)})[ -]{pattern}", text, re.IGNORECASE)
    if not found:
        return None
    word = found.group(1).lower()
    return int(word) if word.isdigit() else WORDS[word]


def prices_said(text: str) -> list[int]:
    """Euro amounts in a transcript ("€495,000", "495,000 euros", "495 000")."""
    return [int(re.sub(r"\D", "", p)) for p in re.findall(r"\d{1,3}(?:[ ,.]\d{3})+", text)]


# -- one caller's call ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
async def retiro_call(stack: VoiceStack) -> tuple[FastRTCAgent, Turn]:
    """A caller asks for two bedrooms in Retiro under €700,000 (one turn, shared)."""
    session = stack.session("voice-retiro")
    return session, await collect(session, session.respond(caller_says(RETIRO)))


async def test_a_spoken_request_is_answered_with_a_listing_that_meets_it(
    stack: VoiceStack, retiro_call: tuple[FastRTCAgent, Turn]
) -> None:
    session, turn = retiro_call
    wanted = SearchFilters(location="Retiro", min_rooms=2, price_smaller_than=700_000)

    # What Whisper heard, and the search the agent ran from it.
    assert turn.lines[0]["role"] == "user"
    heard = session.conversation.runtime.search.parser.parse(turn.lines[0]["content"])
    assert heard.filters.constraints() == wanted.constraints(), turn.lines[0]
    assert session.last_turn.transcript == turn.lines[0]["content"]
    first_search = (await searches(session))[0]
    assert first_search.constraints() == wanted.constraints()

    # The listings on the page meet the request.
    assert turn.listings
    for listing in turn.listings:
        assert listing["location"] == "Retiro" and listing["rooms"] >= 2
        assert listing["price"] < 700_000

    # The caller hears speech, for as long as the lines take to say (plus the typing filler).
    assert_spoken(turn)
    words = len(turn.said().split())
    longest = words / 1.5 + stack.settings.filler.max_s
    assert words / 4 < turn.seconds < longest, (turn.seconds, words)

    # What the caller hears names a listing that meets the request.
    answer = await stack.stt.transcribe(turn.answer)
    assert "retiro" in answer.lower(), answer
    prices = prices_said(answer)
    named = [listing for listing in turn.listings if listing["price"] in prices]
    assert named, (answer, [listing["price"] for listing in turn.listings])
    assert named[0]["price"] < 700_000
    bedrooms = number_said("bedroom", answer)
    assert bedrooms is not None and bedrooms == named[0]["rooms"] >= 2, answer


async def test_a_follow_up_keeps_the_earlier_criteria(
    retiro_call: tuple[FastRTCAgent, Turn],
) -> None:
    session, _ = retiro_call
    turn = await collect(session, session.respond(caller_says("What about Chamberí instead")))

    first, second = (await searches(session))[:2]
    assert first.location == "Retiro"
    assert second.location == "Chamberí"
    assert (second.min_rooms, second.price_smaller_than) == (2, 700_000)
    assert turn.listings
    for listing in turn.listings:
        assert listing["location"] == "Chamberí" and listing["rooms"] >= 2
        assert listing["price"] < 700_000
    assert "Chamberí" in turn.said() and "Retiro" not in turn.said()
    assert_spoken(turn)


async def test_the_avatar_greets_first(stack: VoiceStack, runtime: AgentRuntime) -> None:
    session = stack.session("voice-greeting")
    turn = await collect(session, session.greet())
    assert turn.lines == [{"role": "assistant", "content": runtime.avatar.intro}]
    assert_spoken(turn)
    assert turn.seconds > 1.5
    again = await collect(session, session.greet())  # a reconnecting caller is not greeted twice
    assert again.lines == [] and again.chunks == []


class CountingConversation(Conversation):
    """The real conversation, counting the turns that reach the model."""

    def __init__(self, runtime: AgentRuntime, thread_id: str) -> None:
        super().__init__(runtime, thread_id)
        self.turns = 0

    async def respond(self, text: str, **kwargs: Any) -> AsyncIterator[Event]:
        self.turns += 1
        async for event in super().respond(text, **kwargs):
            yield event


async def test_silence_is_answered_without_the_model(
    stack: VoiceStack, runtime: AgentRuntime
) -> None:
    session = stack.session("voice-silence")
    conversation = CountingConversation(runtime, "voice-silence")
    session.conversation = conversation
    hiss = np.random.default_rng(3).normal(0, 0.005 * 32767, 2 * MIC_RATE).astype(np.int16)
    nothing = np.zeros((1, 0), dtype=np.int16)  # FastRTC's stream when no speech was kept

    turns = [
        await collect(session, session.respond((MIC_RATE, audio)))
        for audio in (nothing, hiss.reshape(1, -1))
    ]

    assert conversation.turns == 0
    assert await conversation.transcript() == []
    for turn in turns:
        assert turn.lines == [] and turn.listings == []
        assert_spoken(turn)
    heard = (await stack.stt.transcribe((OUTPUT_RATE, turns[0].audio))).lower()
    assert "catch" in heard and "again" in heard, (heard, DIDNT_CATCH)


class BrokenTTS(TTS):
    """A remote voice that is down: every request fails before any audio."""

    name = "broken"
    voice_keys: ClassVar[tuple[str, ...]] = ()

    def __init__(self) -> None:
        self.calls = 0

    @property
    def sample_rate(self) -> int:
        return 24_000

    async def _synthesize(self, text: str, voice: str | None) -> AsyncIterator[AudioChunk]:
        self.calls += 1
        raise TTSError("broken: connection refused")
        yield


async def test_piper_speaks_when_the_voice_engine_fails(
    stack: VoiceStack, runtime: AgentRuntime
) -> None:
    broken = BrokenTTS()
    # As the registry wraps every engine but Piper (`create_tts`), with the loaded Piper.
    voice = VoiceStack(make_settings(), runtime, stt=stack.stt, tts=FallbackTTS(broken, stack.tts))
    session = voice.session("voice-broken-tts")

    turn = await collect(session, session.respond(caller_says("Hello, my name is David")))

    assert broken.calls >= 1
    assert turn.lines[0]["role"] == "user" and "name" in turn.lines[0]["content"]
    assert turn.said(), "the agent said nothing"
    assert_spoken(turn)
    assert turn.seconds > len(turn.said().split()) / 4


async def test_two_callers_at_once_each_hear_about_their_own_search(stack: VoiceStack) -> None:
    retiro, chamberi = stack.session("voice-caller-a"), stack.session("voice-caller-b")

    a, b = await asyncio.gather(
        collect(retiro, retiro.respond(caller_says(RETIRO))),
        collect(chamberi, chamberi.respond(caller_says(CHAMBERI))),
    )

    assert retiro.session_id != chamberi.session_id
    for session, turn, place, other, rooms, budget in (
        (retiro, a, "Retiro", "Chamberí", 2, 700_000),
        (chamberi, b, "Chamberí", "Retiro", 3, 800_000),
    ):
        [search] = await searches(session)
        assert (search.location, search.min_rooms, search.price_smaller_than) == (
            place,
            rooms,
            budget,
        )
        assert turn.listings
        for listing in turn.listings:
            assert listing["location"] == place and listing["rooms"] >= rooms
            assert listing["price"] < budget
        assert place in turn.said() and other not in turn.said()
        assert_spoken(turn)
        users = [e["text"] for e in await session.conversation.transcript() if e["role"] == "user"]
        assert len(users) == 1 and place in users[0] and other not in users[0]
