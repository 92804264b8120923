"""A caller who speaks in the first seconds after the server starts, while the listings are still
being indexed: the avatar never says a neighbourhood we cover is one we don't, and a search waits
for the index instead of failing."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from property_agent.agent.runtime import AgentRuntime
from property_agent.agent.tools import make_search_tool
from property_agent.search.service import IndexState, PropertySearchService
from tests.support.settings import make_settings, shipped_rows, write_listings

pytestmark = [pytest.mark.integration]


async def test_the_neighbourhoods_are_known_before_the_index_is_built_and_a_search_waits(
    tmp_path: Path,
) -> None:
    rows = [r for r in shipped_rows() if r["location"] in ("Chamberí", "Retiro", "Tetuán")]
    csv = write_listings(tmp_path / "listings.csv", rows)  # type: ignore[arg-type]
    service = PropertySearchService(make_settings())
    loading = asyncio.create_task(service.start(csv))
    try:
        async with asyncio.timeout(120):
            while not service.parser.locations:  # noqa: ASYNC110 - what a caller would see
                await asyncio.sleep(0.01)
        assert service.status().state is IndexState.LOADING  # the embeddings come later
        assert service.parser.locations == ["Chamberí", "Retiro", "Tetuán"]

        tool = make_search_tool(service, timeout_s=120)
        message = await tool.ainvoke(
            {
                "type": "tool_call",
                "id": "call_1",
                "name": tool.name,
                "args": {"query": "a flat in Chamberí", "limit": 2},
            }
        )
        assert service.status().state is IndexState.READY
        found = message.artifact["properties"]
        assert found and {p["location"] for p in found} == {"Chamberí"}
    finally:
        await loading
        await service.aclose()


async def test_before_the_catalogue_is_read_the_avatar_asks_for_a_moment() -> None:
    service = PropertySearchService(make_settings())  # not started: nothing is known yet
    runtime = AgentRuntime(make_settings(), service, checkpointer=InMemorySaver())
    await runtime.start()
    try:
        turn = await runtime.conversation("loading-1").reply(
            "I'm looking for a two bedroom flat in Chamberí"
        )
    finally:
        await runtime.aclose()
        await service.aclose()
    assert "still loading" in turn.text
    assert "don't have homes" not in turn.text
    assert not turn.tool_calls
