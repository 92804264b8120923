"""The web page's parts: listing cards, one voice session per connection, the page at `/`."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import numpy as np
import pytest
from fastapi.testclient import TestClient
from fastrtc import AdditionalOutputs

from property_agent.agent.runtime import AgentRuntime
from property_agent.api.app import create_app
from property_agent.avatars import get_avatar
from property_agent.search.service import PropertySearchService
from property_agent.voice import events as ev
from property_agent.voice.fastrtc_agent import FastRTCAgent
from property_agent.voice.sessions import VoiceSessions
from property_agent.voice.stack import VoiceStack
from property_agent.voice.web import PageView, listing_cards
from tests.support.fakes import FakeSTT, FakeTTS
from tests.support.settings import make_settings

LISTING = {
    "id": 7,
    "price": 1_125_000,
    "rooms": 3,
    "baths": 2,
    "sqft": 104,
    "location": "Chamberí",
    "description": "Bright flat <script>alert(1)</script> near the metro. " + "Quiet. " * 60,
}


@pytest.mark.unit
def test_listing_cards_show_the_facts_and_escape_the_data() -> None:
    html = listing_cards([LISTING, {**LISTING, "id": 8, "rooms": 0}])
    assert "€1,125,000" in html and "Chamberí" in html
    assert "3 bed · 2 bath · 104 m²" in html and "Studio · 2 bath" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "…" in html  # long descriptions are cut at a word
    assert html.count("class='listing-card'") == 2


@pytest.mark.unit
def test_no_listings_yet_says_where_they_will_appear() -> None:
    assert "will appear here" in listing_cards([])


@pytest.mark.unit
async def test_the_page_shows_a_sessions_events_as_fastrtc_outputs() -> None:
    view = PageView()
    chunk = np.zeros(240, dtype=np.int16)
    search = ev.ListingsShown("search_property_tool", {"query": "Chamberí"}, 1, [LISTING])

    async def turn(*events: ev.VoiceEvent) -> AsyncIterator[ev.VoiceEvent]:
        for event in events:
            yield event

    greeting = [
        item async for item in view.outputs(turn(ev.ReplyText("Hello"), ev.AudioOut(24_000, chunk)))
    ]
    first = [
        item
        async for item in view.outputs(
            turn(
                ev.TranscriptHeard("Chamberí"),
                search,
                ev.ReplyText("One flat"),
                ev.TurnTimed(ev.TurnTimings()),
            )
        )
    ]

    assert isinstance(greeting[0], AdditionalOutputs) and greeting[1][0] == 24_000
    assert greeting[1][1] is chunk  # type: ignore[index]
    assert greeting[0].args == ([{"role": "assistant", "content": "Hello"}], [])
    assert len(first) == 3 and all(isinstance(item, AdditionalOutputs) for item in first)
    lines, listings = first[-1].args  # type: ignore[union-attr]
    assert [line["content"] for line in lines] == ["Hello", "Chamberí", "One flat"]
    assert [line["role"] for line in lines] == ["assistant", "user", "assistant"]
    assert listings == [LISTING] and first[0].args[1] == []  # type: ignore[union-attr]


@pytest.mark.unit
async def test_closing_the_page_stream_closes_the_sessions_turn() -> None:
    closed: list[bool] = []

    async def turn() -> AsyncIterator[ev.VoiceEvent]:
        try:
            while True:
                yield ev.AudioOut(24_000, np.zeros(240, dtype=np.int16))
        finally:
            closed.append(True)

    outputs = PageView().outputs(turn())
    await anext(outputs)
    await outputs.aclose()  # a barge-in
    assert closed == [True]


class _Sessions(VoiceSessions):
    def __init__(self, **kwargs: float) -> None:
        self.made: list[str] = []
        super().__init__(self._make, **kwargs)  # type: ignore[arg-type]

    def _make(self, session_id: str) -> FastRTCAgent:
        self.made.append(session_id)
        return object()  # type: ignore[return-value]  # only identity matters here


@pytest.mark.unit
def test_each_connection_gets_its_own_session_once() -> None:
    sessions = _Sessions()
    first, again, other = sessions.get("web-a"), sessions.get("web-a"), sessions.get("web-b")
    assert first is again and first is not other
    assert sessions.made == ["web-a", "web-b"] and len(sessions) == 2


@pytest.mark.unit
def test_idle_sessions_are_dropped_and_the_oldest_goes_first_when_full(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    sessions = _Sessions(idle_s=60, max_sessions=2)
    sessions.get("web-a")
    now[0] += 30
    sessions.get("web-b")
    sessions.get("web-c")  # full: web-a, the least recently used, goes
    assert len(sessions) == 2
    sessions.get("web-a")
    assert sessions.made == ["web-a", "web-b", "web-c", "web-a"]
    now[0] += 61  # everyone idle: swept on the next connection
    sessions.get("web-d")
    assert len(sessions) == 1


@pytest.mark.integration
def test_the_page_is_served_at_root_with_the_avatar(
    search_service: PropertySearchService,
) -> None:
    settings = make_settings()
    runtime = AgentRuntime(settings, search_service)
    loop = asyncio.new_event_loop()
    loop.run_until_complete(runtime.start())
    voice = VoiceStack(settings, runtime, stt=FakeSTT("hello"), tts=FakeTTS())
    app = create_app(settings, search_service=search_service, agent_runtime=runtime, voice=voice)
    try:
        with TestClient(app) as client:
            page = client.get("/")
            assert page.status_code == 200 and "<html" in page.text.lower()
            config = client.get("/config").json()
            texts = [str(c.get("props", {}).get("value", "")) for c in config["components"]]
            assert any(get_avatar("tara").name in text for text in texts)
            assert {"webrtc", "chatbot", "html"} <= {c["type"] for c in config["components"]}
            assert client.get("/health").status_code in (200, 503)  # the API keeps its routes
            assert client.get("/docs").status_code == 200
    finally:
        loop.run_until_complete(runtime.aclose())
        loop.close()
