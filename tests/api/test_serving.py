"""The one line `serve` logs when it is ready: where, which avatar, which engines, which agent,
a shared memory when there is one, and how many listings it can search (or why none)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from property_agent.agent.runtime import AgentRuntime
from property_agent.api.serving import ready_line
from property_agent.search.service import IndexState, IndexStatus, PropertySearchService
from property_agent.voice.stack import VoiceStack
from tests.support.settings import make_settings

pytestmark = [pytest.mark.integration]
URL = "http://127.0.0.1:8000"


def app_with(runtime: AgentRuntime, voice: VoiceStack | None, **settings: object) -> FastAPI:
    app = FastAPI()
    app.state.settings = make_settings(**settings)
    app.state.agent_runtime = runtime
    app.state.voice = voice
    return app


def test_the_ready_line_names_the_voice_engines_and_a_shared_memory(
    runtime: AgentRuntime, fake_voice: VoiceStack, search_service: PropertySearchService
) -> None:
    app = app_with(runtime, fake_voice, memory={"backend": "sqlite"})

    line = ready_line(URL, app, search_service.status())

    assert line == (
        "Ready at http://127.0.0.1:8000 — avatar Tara, speech fake-stt, voice fake-tts, "
        "agent offline policy, memory sqlite, 600 listings (in-memory)"
    )


def test_without_an_index_the_line_says_so(runtime: AgentRuntime) -> None:
    failed = IndexStatus(IndexState.FAILED, "qdrant", 0, "Index failed to load: refused")

    line = ready_line(URL, app_with(runtime, None), failed)

    assert line.endswith("no voice page, agent offline policy, no listings (qdrant index failed)")
