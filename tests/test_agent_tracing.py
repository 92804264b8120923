from __future__ import annotations

import socket
import sys

import opik
import pytest
from langgraph.checkpoint.memory import InMemorySaver

from property_agent.agent.runtime import AgentRuntime
from property_agent.observability.opik import Tracing
from tests.conftest import make_settings

pytestmark = [pytest.mark.integration]
CONNECTS = []


def _hook(event, args):
    if event in ("socket.connect", "socket.getaddrinfo"):
        CONNECTS.append((event, repr(args)[:120]))


sys.addaudithook(_hook)


async def test_probe(search_service) -> None:
    settings = make_settings()
    runtime = AgentRuntime(
        settings, search_service, checkpointer=InMemorySaver(),
        tracing=Tracing(settings.opik, enabled=True),
    )
    await runtime.start()
    try:
        with opik.record_traces_locally() as recording:
            reply, calls = await runtime.conversation("trace-1").reply(
                "a three bedroom flat in Chamberí under 1.5 million"
            )
            import time
            t = time.time()
            traces = recording.trace_trees
            print("flush took", time.time() - t)
    finally:
        await runtime.aclose()
    print(reply, calls)
    for t in traces:
        print(t)
    print("CONNECTS", CONNECTS)
