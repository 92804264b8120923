"""What the server's log says about each voice turn: one INFO line with the session, how long the
caller spoke, where the time went and whether a search ran, never what was said; a turn that
fails leaves one traceback, and the caller still hears the avatar's fallback line.

The agent is the real offline one over the shipped listings; speech is faked (tests/support/fakes).
"""

from __future__ import annotations

import logging

import numpy as np
import pytest

from property_agent.agent.runtime import AgentRuntime
from property_agent.config import FillerSettings
from property_agent.voice.events import AudioOut, ReplyText, VoiceEvent
from property_agent.voice.fastrtc_agent import FastRTCAgent
from property_agent.voice.stt.base import STT, STTError
from tests.support.fakes import FakeSTT, FakeTTS

pytestmark = [pytest.mark.integration]

REQUEST = "a two bedroom flat in Retiro under 600000 euros"
TWO_SECONDS = (16_000, np.zeros(32_000, dtype=np.int16))
TURNS = "property_agent.voice.turns"


class DeafSTT(STT):
    """A speech service that is down: every transcription fails."""

    name = "deaf"

    def _too_quiet(self, samples: object) -> bool:
        return False

    async def _transcribe(self, samples: object) -> str:
        raise STTError("deaf: connection refused")


def session(runtime: AgentRuntime, thread: str, stt: STT) -> FastRTCAgent:
    return FastRTCAgent(
        conversation=runtime.conversation(thread),
        stt=stt,
        tts=FakeTTS(),
        avatar=runtime.avatar,
        filler=FillerSettings(enabled=False),
    )


async def turn(agent: FastRTCAgent) -> list[VoiceEvent]:
    return [event async for event in agent.respond(TWO_SECONDS)]


def turn_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == TURNS]


async def test_each_turn_logs_one_line_with_its_timings_and_no_words(
    runtime: AgentRuntime, caplog: pytest.LogCaptureFixture
) -> None:
    agent = session(runtime, "voice-log-1", FakeSTT(REQUEST))
    caplog.set_level(logging.INFO)

    await turn(agent)
    first = turn_lines(caplog)
    await turn(agent)  # the same request again: a second turn, a second line

    lines = turn_lines(caplog)
    assert len(first) == 1 and len(lines) == 2, lines
    line = first[0]
    assert line.startswith("Turn on voice-log-1: answered, heard 2.0 s, stt ")
    assert "agent " in line and "tts " in line and "total " in line
    assert "1 search" in line, line
    said = {w.lower() for w in REQUEST.split()} | {"retiro", "bedroom", "600000", "600,000"}
    words = {w.strip(",.:").lower() for w in " ".join(lines).split()}
    assert not (said - {"a", "in"}) & words, "the turn line repeats what the caller said"


async def test_a_turn_nothing_was_heard_in_says_so_without_a_search(
    runtime: AgentRuntime, caplog: pytest.LogCaptureFixture
) -> None:
    agent = session(runtime, "voice-log-2", FakeSTT(""))
    caplog.set_level(logging.INFO)

    await turn(agent)

    (line,) = turn_lines(caplog)
    assert "voice-log-2: didn't catch" in line and "0 searches" in line


async def test_a_failed_turn_logs_one_traceback_and_the_caller_hears_the_fallback(
    runtime: AgentRuntime, caplog: pytest.LogCaptureFixture
) -> None:
    agent = session(runtime, "voice-log-3", DeafSTT())
    caplog.set_level(logging.INFO)

    events = await turn(agent)

    assert ReplyText(runtime.avatar.fallback_line) in events
    assert any(isinstance(e, AudioOut) for e in events), "the caller heard nothing"
    tracebacks = [r for r in caplog.records if r.exc_info]
    assert len(tracebacks) == 1, [r.getMessage() for r in tracebacks]
    assert "deaf: connection refused" in caplog.text
    (line,) = turn_lines(caplog)
    assert "voice-log-3: fallback" in line


async def test_a_turn_the_caller_speaks_over_is_logged_once_as_cut_off(
    runtime: AgentRuntime, caplog: pytest.LogCaptureFixture
) -> None:
    agent = session(runtime, "voice-log-4", FakeSTT(REQUEST))
    caplog.set_level(logging.INFO)

    answer = agent.respond(TWO_SECONDS)
    while not isinstance(await anext(answer), AudioOut):
        pass
    await answer.aclose()  # a barge-in: the page or the call closes the answer

    (line,) = turn_lines(caplog)
    assert "voice-log-4: cut off" in line
