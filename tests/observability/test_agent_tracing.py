"""Opik tracing of agent turns: one trace per turn, tagged so a call can be found by its thread,
avatar and surface, with the model and the search as spans. Off by default, with no callbacks.

No network Opik server is contacted. `opik.record_traces_locally()` only switches on an in-memory
copy of what the SDK logs: the SDK still uploads every trace to its configured server, and with no
configuration that is www.comet.com (the SDK resolves it on the first upload). So the client these
tests trace with points at `FakeOpikServer` (tests/support/fakes.py), a local server that accepts
every upload.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import opik
import pytest
from langgraph.checkpoint.memory import InMemorySaver
from opik.message_processing.emulation.models import SpanModel

from property_agent.agent.runtime import AgentRuntime
from property_agent.agent.tools import TOOL_NAME
from property_agent.observability.opik import TAGS, Tracing
from property_agent.search.service import PropertySearchService
from tests.support.fakes import FakeOpikServer
from tests.support.settings import make_settings

pytestmark = [pytest.mark.integration]


@pytest.fixture(autouse=True)
def _no_opik_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's Opik settings (`OPIK__*` ours, `OPIK_*` the SDK's) must not switch tracing
    on or send it elsewhere; tests/conftest.py does not clear them."""
    for name in list(os.environ):
        if name.upper().startswith("OPIK"):
            monkeypatch.delenv(name)


def walk(spans: list[SpanModel]) -> Iterator[SpanModel]:
    for span in spans:
        yield span
        yield from walk(span.spans)


async def test_an_offline_turn_is_one_trace_with_the_model_and_the_search(
    search_service: PropertySearchService, opik_server: FakeOpikServer
) -> None:
    settings = make_settings()
    runtime = AgentRuntime(
        settings,
        search_service,
        checkpointer=InMemorySaver(),
        tracing=Tracing(settings.opik, enabled=True),
    )
    await runtime.start()
    try:
        with opik.record_traces_locally() as recording:
            reply, calls, _ = await runtime.conversation("traced-call").reply(
                "a three bedroom flat in Chamberí under 1.5 million"
            )
            traces = recording.trace_trees
    finally:
        await runtime.aclose()

    assert runtime.offline and len(calls) == 1 and "Chamberí" in reply
    (trace,) = traces
    assert trace.thread_id == "traced-call"
    assert {*TAGS, runtime.avatar.name} <= set(trace.tags or [])
    assert (trace.metadata or {}).get("avatar") == runtime.avatar.name
    spans = list(walk(trace.spans))
    # The policy is called twice: it searches, then describes what the search found.
    assert [s.name for s in spans if s.type == "llm"] == ["OfflinePolicyModel"] * 2
    (search,) = [s for s in spans if s.name == TOOL_NAME]
    assert search.type == "tool"
    assert "Chamberí" in json.dumps(search.output, ensure_ascii=False)
    assert any("batch" in path for path in opik_server.paths), "uploads went to the local server"


async def test_tracing_is_off_by_default(
    search_service: PropertySearchService, opik_server: FakeOpikServer
) -> None:
    settings = make_settings()
    assert Tracing(settings.opik).callbacks("t", "Tara") == []
    runtime = AgentRuntime(settings, search_service, checkpointer=InMemorySaver())
    assert runtime.tracing.callbacks("untraced-call", runtime.avatar.name) == []
    await runtime.start()
    try:
        with opik.record_traces_locally() as recording:
            reply, *_ = await runtime.conversation("untraced-call").reply("Hello, I'm Ana")
            traces = recording.trace_trees
    finally:
        await runtime.aclose()

    assert reply
    assert traces == []  # the recording sees everything the SDK logs
