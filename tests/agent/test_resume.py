"""Conversations resume at the agent level: a caller's criteria survive a restart (sqlite), carry
across API instances (postgres), and are forgotten once the TTL prunes the thread."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from property_agent.agent.events import ToolStarted
from property_agent.agent.memory import prune_expired
from property_agent.agent.runtime import AgentRuntime
from property_agent.search.service import PropertySearchService
from tests.support.settings import make_settings

pytestmark = [pytest.mark.integration]

REQUEST = "a two bedroom flat in Retiro under 900k"
LISTING_PRICE = re.compile(r"(?<!under )€([\d,]+)")  # "under €900,000" is the caller's budget
QUERY_CAP = re.compile(r"under (\d+) euros")


async def turn(runtime: AgentRuntime, thread_id: str, text: str) -> tuple[str, list[ToolStarted]]:
    turn = await runtime.conversation(thread_id).reply(text)
    assert turn.text, "the agent said nothing"
    return turn.text, turn.tool_calls


def listing_price(reply: str) -> int:
    prices = LISTING_PRICE.findall(reply)
    assert prices, f"no listing price in {reply!r}"
    return int(prices[-1].replace(",", ""))


async def ask_for_retiro(runtime: AgentRuntime, thread_id: str) -> int:
    """The first turn: a Retiro listing within budget; returns its price."""
    reply, calls = await turn(runtime, thread_id, REQUEST)
    assert [c.name for c in calls] == ["search_property_tool"]
    assert "Retiro" in reply
    price = listing_price(reply)
    assert price <= 900_000
    return price


async def assert_cheaper_follows_retiro(runtime: AgentRuntime, thread_id: str, price: int) -> None:
    """ "Something cheaper" searches the same criteria with a cap below the listing described."""
    reply, calls = await turn(runtime, thread_id, "something cheaper")
    assert len(calls) == 1, reply
    query = calls[0].args["query"]
    assert "in Retiro" in query and "2 bedrooms" in query
    cap = QUERY_CAP.search(query)
    assert cap is not None, query
    assert int(cap.group(1)) < price
    assert "Retiro" in reply
    assert f"€{price:,}" in reply  # "… under €495,000": the caller hears the new budget


async def test_sqlite_conversation_resumes_after_a_restart(
    tmp_path: Path, search_service: PropertySearchService
) -> None:
    settings = make_settings(memory={"backend": "sqlite", "url": str(tmp_path / "mem.sqlite")})
    first = AgentRuntime(settings, search_service)
    await first.start()
    try:
        price = await ask_for_retiro(first, "caller-1")
    finally:
        await first.aclose()

    restarted = AgentRuntime(settings, search_service)
    await restarted.start()
    try:
        await assert_cheaper_follows_retiro(restarted, "caller-1", price)
        _, calls = await turn(restarted, "caller-2", "something cheaper")
        assert calls == []  # another caller on the same file starts with nothing
    finally:
        await restarted.aclose()


async def test_postgres_conversation_moves_between_api_instances(
    pg_url: str, search_service: PropertySearchService
) -> None:
    settings = make_settings(memory={"backend": "postgres", "url": pg_url})
    api_a = AgentRuntime(settings, search_service)
    api_b = AgentRuntime(settings, search_service)
    await api_a.start()
    try:
        await api_b.start()
        try:
            price = await ask_for_retiro(api_a, "caller-1")
            # The caller's next turn lands on the other instance, which knows the conversation.
            await assert_cheaper_follows_retiro(api_b, "caller-1", price)
            transcript = await api_a.conversation("caller-1").transcript()
            assert [t["text"] for t in transcript if t["role"] == "user"] == [
                REQUEST,
                "something cheaper",
            ]
        finally:
            await api_b.aclose()
    finally:
        await api_a.aclose()


async def test_a_pruned_thread_starts_fresh(
    tmp_path: Path, search_service: PropertySearchService
) -> None:
    settings = make_settings(
        memory={"backend": "sqlite", "url": str(tmp_path / "mem.sqlite"), "ttl_hours": 1}
    )
    runtime = AgentRuntime(settings, search_service)
    await runtime.start()
    try:
        await ask_for_retiro(runtime, "caller-1")
        assert runtime.checkpointer is not None
        later = datetime.now(UTC) + timedelta(hours=2)
        assert await prune_expired(runtime.checkpointer, settings.memory.ttl_hours, now=later) == 1

        assert await runtime.conversation("caller-1").transcript() == []
        reply, calls = await turn(runtime, "caller-1", "something cheaper")
        assert calls == []  # no earlier criteria to make cheaper
        assert "Retiro" not in reply
    finally:
        await runtime.aclose()
