"""`POST /agent/chat` and the transcript, end to end: the offline policy over the real index."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from property_agent.agent.runtime import AgentRuntime
from property_agent.api.app import create_app
from property_agent.avatars import get_avatar
from property_agent.search.service import PropertySearchService
from tests.support.settings import make_settings

pytestmark = [pytest.mark.integration]

TOOL = "search_property_tool"
# The price of the listing described; "under €900,000" repeats the caller's own budget.
LISTING_PRICE = re.compile(r"(?<!under )€([\d,]+)")
BEDROOMS = re.compile(r"(\d+) bedrooms?")


@pytest.fixture(scope="module")
def client(search_service: PropertySearchService) -> Iterator[TestClient]:
    """One runtime (offline model, in-memory checkpointer) started on its own loop, as the
    session's search service is; the app uses it as given and leaves closing it to us."""
    runtime = AgentRuntime(make_settings(), search_service)
    loop = asyncio.new_event_loop()
    loop.run_until_complete(runtime.start())
    app = create_app(
        make_settings(), search_service=search_service, agent_runtime=runtime, with_voice=False
    )
    with TestClient(app) as c:
        yield c
    loop.run_until_complete(runtime.aclose())
    loop.close()


def say(client: TestClient, thread_id: str, message: str) -> dict[str, Any]:
    response = client.post("/agent/chat", json={"thread_id": thread_id, "message": message})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["thread_id"] == thread_id
    assert body["fallback"] is False, body["reply"]
    return body


def listing_price(reply: str) -> int:
    prices = LISTING_PRICE.findall(reply)
    assert prices, f"no listing price in {reply!r}"
    return int(prices[-1].replace(",", ""))


def test_a_request_is_answered_with_a_listing_that_meets_it(client: TestClient) -> None:
    body = say(client, "api-request", "two bedrooms in Retiro under 900k")

    reply = body["reply"]
    assert "Retiro" in reply
    assert listing_price(reply) <= 900_000
    assert int(BEDROOMS.findall(reply)[-1]) >= 2
    assert body["tool_calls"][0]["name"] == TOOL
    assert "Retiro" in body["tool_calls"][0]["args"]["query"]


def test_the_same_thread_carries_the_criteria_into_a_follow_up(client: TestClient) -> None:
    # Ranked by the description ("renovated"), the first home offered is not the cheapest one.
    first = say(client, "api-follow-up", "a renovated three bedroom flat in Chamberí")
    first_price = listing_price(first["reply"])

    cheaper = say(client, "api-follow-up", "something cheaper")

    reply = cheaper["reply"]
    assert "Chamberí" in reply
    assert listing_price(reply) < first_price
    assert int(BEDROOMS.findall(reply)[-1]) >= 3
    query = cheaper["tool_calls"][0]["args"]["query"]
    assert "Chamberí" in query and "3 bedrooms" in query


def test_threads_are_isolated(client: TestClient) -> None:
    say(client, "api-thread-a", "two bedrooms in Retiro under 900k")

    other = say(client, "api-thread-b", "something cheaper")

    assert other["tool_calls"] == []
    assert "Retiro" not in other["reply"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"thread_id": "t-1", "message": ""}, "message"),
        ({"thread_id": "t-1", "message": "   "}, "message"),
        ({"thread_id": "t-1", "message": "x" * 2001}, "message"),
        ({"thread_id": "t-1", "message": 123}, "message"),
        ({"thread_id": "t-1"}, "message"),
        ({"message": "a flat in Retiro"}, "thread_id"),
        ({"thread_id": "caller 1", "message": "a flat in Retiro"}, "thread_id"),
        ({"thread_id": "t" * 201, "message": "a flat in Retiro"}, "thread_id"),
        ({"thread_id": "", "message": "a flat in Retiro"}, "thread_id"),
        ({"thread_id": 7, "message": "a flat in Retiro"}, "thread_id"),
        ({"thread_id": "t-1", "message": "a flat", "avatar": "bob"}, "avatar"),
        ({"thread_id": "t-1", "message": "a flat", "voice": "leo"}, "voice"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    client: TestClient, body: dict[str, object], field: str
) -> None:
    response = client.post("/agent/chat", json=body)
    assert response.status_code == 422
    payload = response.json()
    assert payload["message"].startswith(field)
    assert any(field in error["loc"] for error in payload["detail"])


def test_a_message_of_exactly_2000_characters_is_accepted(client: TestClient) -> None:
    message = ("a flat in Retiro with a terrace " * 70)[:2000]
    assert len(message) == 2000
    body = say(client, "api-long-message", message)
    assert body["reply"]


def test_the_transcript_lists_what_was_said_and_searched_in_order(client: TestClient) -> None:
    first = say(client, "api-transcript", "two bedrooms in Retiro under 900k")
    second = say(client, "api-transcript", "hello")

    response = client.get("/agent/chat/api-transcript")

    assert response.status_code == 200
    body = response.json()
    assert body["thread_id"] == "api-transcript"
    turns = body["turns"]
    roles = [t["role"] for t in turns]
    collapsed = [r for i, r in enumerate(roles) if i == 0 or roles[i - 1] != r]
    # The summary ("Let me look for …") is said before the search runs, the answer after it.
    assert collapsed == ["user", "agent", "tool", "agent", "user", "agent"]
    users = [t for t in turns if t["role"] == "user"]
    assert [u["text"] for u in users] == ["two bedrooms in Retiro under 900k", "hello"]
    assert all(u["latency_ms"]["total_ms"] > 0 for u in users)
    (tool,) = (t for t in turns if t["role"] == "tool")
    assert tool["name"] == TOOL
    assert tool["args"] == first["tool_calls"][0]["args"]
    assert tool["count"] >= 1
    first_turn = roles.index("user", 1)
    said = " ".join(t["text"] for t in turns[:first_turn] if t["role"] == "agent")
    assert said == first["reply"]
    assert turns[-1]["text"] == second["reply"]
    for turn in turns:
        datetime.fromisoformat(turn["at"])


def test_an_unknown_thread_has_an_empty_transcript(client: TestClient) -> None:
    response = client.get("/agent/chat/nobody-called")
    assert response.status_code == 200
    assert response.json() == {"thread_id": "nobody-called", "turns": []}


def test_a_bad_thread_id_in_the_transcript_path_is_a_422(client: TestClient) -> None:
    response = client.get("/agent/chat/" + "t" * 201)
    assert response.status_code == 422
    assert "thread_id" in response.json()["message"]


def test_a_client_can_list_the_avatars_and_talk_to_any_of_them(client: TestClient) -> None:
    listed = client.get("/avatars").json()
    keys = [a["key"] for a in listed["avatars"]]
    assert listed["default"] == keys[0] == "tara" and len(keys) == 8 and "leo" in keys
    leo = client.post(
        "/agent/chat", json={"thread_id": "avatar-leo-1", "message": "bye", "avatar": "Leo"}
    ).json()
    tara = client.post("/agent/chat", json={"thread_id": "avatar-tara-1", "message": "bye"}).json()
    assert leo["reply"] == get_avatar("leo").goodbye_line
    assert tara["reply"] == get_avatar("tara").goodbye_line


def test_an_unknown_avatar_is_refused_naming_the_valid_ones(client: TestClient) -> None:
    response = client.post(
        "/agent/chat", json={"thread_id": "avatar-x", "message": "hi", "avatar": "Bob"}
    )
    assert response.status_code == 422
    assert "unknown avatar 'Bob'" in response.text and "leo" in response.text
