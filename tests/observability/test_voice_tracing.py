"""Opik tracing of voice turns: one `generate-avatar-response` trace per turn, in the session's
thread, with what was heard, the agent's own spans, each spoken sentence and the filler. Without
Opik a voice turn records nothing and does not need opik at all.

The agent is the real offline one over the shipped listings; speech is faked (tests/fakes.py) and
Opik is a local server, as in tests/test_agent_tracing.py.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncGenerator, AsyncIterator, Iterator

import numpy as np
import opik
import pytest
from langgraph.checkpoint.memory import InMemorySaver
from opik.message_processing.emulation.models import SpanModel

from property_agent.agent.runtime import AgentRuntime
from property_agent.agent.tools import TOOL_NAME
from property_agent.config import FillerSettings
from property_agent.observability.opik import TAGS, Tracing
from property_agent.observability.voice_tracing import TRACE_NAME, VoiceTracing, voice_tracing
from property_agent.search.service import PropertySearchService
from property_agent.voice.events import AudioOut, ListingsShown, ReplyText
from property_agent.voice.fastrtc_agent import FastRTCAgent
from tests.support.fakes import FakeOpikServer, FakeSTT, FakeTTS
from tests.support.settings import make_settings

pytestmark = [pytest.mark.integration]

REQUEST = "a two bedroom flat in Retiro under 600000 euros"
ONE_SECOND = (16_000, np.zeros(16_000, dtype=np.int16))


@pytest.fixture
async def runtimes(
    search_service: PropertySearchService,
) -> AsyncIterator[list[AgentRuntime]]:
    started: list[AgentRuntime] = []
    yield started
    for runtime in started:
        await runtime.aclose()


async def voice_session(
    search_service: PropertySearchService, started: list[AgentRuntime], *, traced: bool
) -> tuple[FastRTCAgent, FakeTTS]:
    settings = make_settings()
    tracing = Tracing(settings.opik, enabled=True) if traced else Tracing(settings.opik)
    runtime = AgentRuntime(settings, search_service, checkpointer=InMemorySaver(), tracing=tracing)
    await runtime.start()
    started.append(runtime)
    tts = FakeTTS()
    agent = FastRTCAgent(
        conversation=runtime.conversation("voice-call-1"),
        stt=FakeSTT(REQUEST),
        tts=tts,
        avatar=runtime.avatar,
        filler=FillerSettings(max_s=1.0),
        tracing=voice_tracing(runtime.tracing),
    )
    return agent, tts


def walk(spans: list[SpanModel]) -> Iterator[SpanModel]:
    for span in spans:
        yield span
        yield from walk(span.spans)


async def test_a_voice_turn_is_one_trace_in_the_sessions_thread(
    search_service: PropertySearchService,
    runtimes: list[AgentRuntime],
    opik_server: FakeOpikServer,
) -> None:
    agent, tts = await voice_session(search_service, runtimes, traced=True)
    with opik.record_traces_locally() as recording:
        emitted = [item async for item in agent.respond(ONE_SECOND)]
        traces = recording.trace_trees

    heard = [item for item in emitted if isinstance(item, AudioOut)]
    assert heard, "the caller hears the answer"
    (trace,) = traces  # the agent's run is inside the voice turn, not a trace of its own
    assert trace.name == TRACE_NAME
    assert trace.thread_id == agent.session_id == "voice-call-1"
    assert {*TAGS, agent.avatar.name} <= set(trace.tags or [])
    assert trace.input == {"transcript": REQUEST}
    reply = (trace.output or {}).get("text", "")
    assert "Retiro" in reply
    metadata = trace.metadata or {}
    assert metadata["stt_model"] == "fake-stt" and metadata["tts_model"] == "fake-tts"
    assert metadata["session_id"] == "voice-call-1" and metadata["avatar"] == agent.avatar.name
    assert metadata["timings_ms"]["total_ms"] == agent.last_turn.total_ms > 0

    names = [s.name for s in trace.spans]
    assert names[0] == "stt-transcription"
    assert {"agent", "filler", "tts-generation"} <= set(names)
    (stt,) = [s for s in trace.spans if s.name == "stt-transcription"]
    assert stt.input == {"audio_s": 1.0, "sample_rate": 16_000}
    assert stt.output == {"transcript": REQUEST}
    assert (stt.metadata or {})["model"] == "fake-stt"

    # The agent's LangChain spans (the policy model twice, the search once) sit under `agent`.
    (agent_span,) = [s for s in trace.spans if s.name == "agent"]
    assert agent_span.output == {"text": reply}
    inner = list(walk(agent_span.spans))
    assert [s.name for s in inner if s.type == "llm"] == ["OfflinePolicyModel"] * 2
    (search,) = [s for s in inner if s.name == TOOL_NAME]
    assert search.type == "tool"
    assert not [s for s in trace.spans if s.name in {TOOL_NAME, "OfflinePolicyModel"}]

    spoken = [s for s in trace.spans if s.name == "tts-generation"]
    assert len(spoken) == len(tts.said)  # the span shows the display text, before to_speech()
    assert any("Retiro" in (s.input or {}).get("text", "") for s in spoken)
    for span in spoken:
        assert span.output == {"audio_chunks": 2, "audio_s": 0.1}
        assert (span.metadata or {})["model"] == "fake-tts"
    (filler,) = [s for s in trace.spans if s.name == "filler"]
    tool_line = [s for s in spoken if (s.metadata or {})["kind"] == "tool-line"]
    assert filler.input == {"tool_line": bool(tool_line)}
    assert 0 <= (filler.output or {}).get("typing_s", -1) <= 1.5
    assert any("batch" in path for path in opik_server.paths), "uploads went to the local server"


async def test_a_barged_in_turn_is_still_traced(
    search_service: PropertySearchService,
    runtimes: list[AgentRuntime],
    opik_server: FakeOpikServer,
) -> None:
    agent, _ = await voice_session(search_service, runtimes, traced=True)
    with opik.record_traces_locally() as recording:
        turn = agent.respond(ONE_SECOND)
        assert isinstance(turn, AsyncGenerator)
        async for item in turn:
            if isinstance(item, AudioOut):  # the first audio: the caller speaks over it
                break
        await turn.aclose()
        traces = recording.trace_trees

    (trace,) = traces
    (agent_span,) = [s for s in trace.spans if s.name == "agent"]
    assert (agent_span.metadata or {})["interrupted"] is True


async def test_without_opik_a_voice_turn_traces_nothing_and_needs_no_opik(
    search_service: PropertySearchService,
    runtimes: list[AgentRuntime],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "opik", None)  # any `import opik` now fails
    agent, _ = await voice_session(search_service, runtimes, traced=False)
    assert type(agent.tracing) is VoiceTracing and not agent.tracing.enabled

    emitted = [item async for item in agent.respond(ONE_SECOND)]

    assert [item for item in emitted if isinstance(item, AudioOut)], "the caller hears the answer"
    answer = " ".join(item.text for item in emitted if isinstance(item, ReplyText))
    assert "Retiro" in answer and [
        e for e in emitted if isinstance(e, ListingsShown) and e.listings
    ]
