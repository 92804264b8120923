"""The page at `/`: what it is for, the avatars to choose from, the call, the transcript, the text
box and the listings, next to the API's own routes."""

from __future__ import annotations

import asyncio

import pytest
from fastapi.testclient import TestClient

from property_agent.agent.runtime import AgentRuntime
from property_agent.api.app import create_app
from property_agent.avatars import load_avatars
from property_agent.search.service import PropertySearchService
from property_agent.voice.stack import VoiceStack
from property_agent.voice.web import header
from tests.support.fakes import FakeSTT, FakeTTS
from tests.support.settings import make_settings


@pytest.mark.unit
def test_the_header_says_what_the_page_is_for_and_what_to_do() -> None:
    top = header(load_avatars()["tara"])
    assert "Find a home in Madrid — talk to Tara" in top
    assert "Press <b>Record</b>" in top and "Type below" in top


@pytest.mark.integration
def test_the_page_is_served_at_root_with_every_avatar_to_choose_from(
    search_service: PropertySearchService,
) -> None:
    settings = make_settings(avatar_name="leo")
    runtime = AgentRuntime(settings, search_service)
    loop = asyncio.new_event_loop()
    loop.run_until_complete(runtime.start())
    voice = VoiceStack(settings, runtime, stt=FakeSTT("hello"), tts=FakeTTS())
    app = create_app(settings, search_service=search_service, agent_runtime=runtime, voice=voice)
    try:
        with TestClient(app) as client:
            page = client.get("/")
            assert page.status_code == 200 and "<html" in page.text.lower()
            components = client.get("/config").json()["components"]
            by_id = {c.get("props", {}).get("elem_id"): c for c in components}
            assert "talk to Leo" in by_id["page-header"]["props"]["value"]
            picker = by_id["avatar-picker"]["props"]
            keys = [value for _, value in picker["choices"]]
            assert keys[0] == "leo" and picker["value"] == "leo"  # the configured one first
            assert sorted(keys) == sorted(load_avatars())  # all eight
            assert {"voice", "transcript", "typed", "listings", "call-state"} <= set(by_id)
            assert client.get("/health").status_code in (200, 503)  # the API keeps its routes
            assert client.get("/docs").status_code == 200
    finally:
        loop.run_until_complete(runtime.aclose())
        loop.close()
