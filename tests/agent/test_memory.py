"""Conversation memory: threads stay apart, survive restarts, are shared by API instances, expire.

Real checkpoints come from a one-node echo graph, so no model is needed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver, CheckpointTuple
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.graph.state import CompiledStateGraph

from property_agent.agent.memory import (
    MemoryJanitor,
    MemoryUnavailable,
    open_checkpointer,
    prune_expired,
)
from property_agent.config import MemorySettings


def echo_graph(saver: BaseCheckpointSaver[Any]) -> CompiledStateGraph[Any, Any, Any, Any]:
    def reply(state: MessagesState) -> dict[str, list[AIMessage]]:
        return {"messages": [AIMessage(content=f"echo: {state['messages'][-1].content}")]}

    builder = StateGraph(MessagesState)
    builder.add_node("reply", reply)
    builder.add_edge(START, "reply")
    return builder.compile(checkpointer=saver)


def thread(thread_id: str) -> RunnableConfig:
    return {"configurable": {"thread_id": thread_id}}


async def say(saver: BaseCheckpointSaver[Any], thread_id: str, text: str) -> list[str]:
    result = await echo_graph(saver).ainvoke(
        {"messages": [HumanMessage(content=text)]}, config=thread(thread_id)
    )
    return [str(m.content) for m in result["messages"]]


async def history(saver: BaseCheckpointSaver[Any], thread_id: str) -> list[str]:
    state = await echo_graph(saver).aget_state(thread(thread_id))
    return [str(m.content) for m in state.values.get("messages", [])]


@pytest.fixture(
    params=["memory", pytest.param("sqlite", marks=pytest.mark.integration)],
)
async def saver(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Any]:
    url = str(tmp_path / "memory.sqlite") if request.param == "sqlite" else None
    async with open_checkpointer(MemorySettings(backend=request.param, url=url)) as opened:
        yield opened


@pytest.mark.unit
async def test_memory_backend_keeps_callers_apart() -> None:
    async with open_checkpointer(MemorySettings()) as memory:
        await say(memory, "call-ana", "A flat in Chamberí under 400k")
        await say(memory, "call-ben", "Something near Retiro")
        ana = await say(memory, "call-ana", "With two bedrooms")

        assert ana == [
            "A flat in Chamberí under 400k",
            "echo: A flat in Chamberí under 400k",
            "With two bedrooms",
            "echo: With two bedrooms",
        ]
        assert await history(memory, "call-ben") == [
            "Something near Retiro",
            "echo: Something near Retiro",
        ]


@pytest.mark.integration
async def test_sqlite_conversation_survives_restart(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "memory.sqlite"
    async with open_checkpointer(MemorySettings(backend="sqlite", url=str(path))) as first:
        await say(first, "call-1", "Hello, I need a flat in Lavapiés")

    # Restarted process, same file given as a `sqlite:///` URL (four slashes: absolute path).
    async with open_checkpointer(
        MemorySettings(backend="sqlite", url=f"sqlite:///{path}")
    ) as again:
        assert await history(again, "call-1") == [
            "Hello, I need a flat in Lavapiés",
            "echo: Hello, I need a flat in Lavapiés",
        ]
        assert len(await say(again, "call-1", "Two bathrooms")) == 4


@pytest.mark.integration
async def test_sqlite_defaults_to_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    async with open_checkpointer(MemorySettings(backend="sqlite")) as saver:
        await say(saver, "call-1", "hi")
    assert (tmp_path / ".cache" / "memory.sqlite").is_file()


@pytest.mark.unit
async def test_sqlite_bad_path_names_the_setting(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings = MemorySettings(backend="sqlite", url=str(blocker / "memory.sqlite"))
    with pytest.raises(MemoryUnavailable, match="MEMORY__URL"):
        async with open_checkpointer(settings):
            pass


@pytest.mark.integration
async def test_postgres_shared_by_instances_and_survives_restart(pg_url: str) -> None:
    settings = MemorySettings(backend="postgres", url=pg_url)
    async with open_checkpointer(settings) as api_a, open_checkpointer(settings) as api_b:
        await say(api_a, "call-pg", "A penthouse in Salamanca")
        # The caller's next turn lands on the other instance, which knows the conversation.
        assert await say(api_b, "call-pg", "With a terrace") == [
            "A penthouse in Salamanca",
            "echo: A penthouse in Salamanca",
            "With a terrace",
            "echo: With a terrace",
        ]
        assert await history(api_b, "someone-else") == []

    async with open_checkpointer(settings) as restarted:
        assert len(await history(restarted, "call-pg")) == 4
        assert await prune_expired(restarted, ttl_hours=1, now=datetime.now(UTC)) == 0
        later = datetime.now(UTC) + timedelta(hours=2)
        assert await prune_expired(restarted, ttl_hours=1, now=later) == 1
        assert await history(restarted, "call-pg") == []


@pytest.mark.unit
async def test_postgres_unreachable_names_setting_without_password() -> None:
    url = "postgresql://agent:s3cret-pw@127.0.0.1:1/agent"
    with pytest.raises(MemoryUnavailable) as caught:
        async with open_checkpointer(MemorySettings(backend="postgres", url=url)):
            pass
    message = str(caught.value)
    assert "MEMORY__URL" in message
    assert "postgres" in message
    assert "agent:***@127.0.0.1:1" in message
    assert "s3cret-pw" not in message


async def test_prune_expired_deletes_only_stale_threads(saver: BaseCheckpointSaver[Any]) -> None:
    await say(saver, "call-1", "first caller")
    await say(saver, "call-2", "second caller")

    assert await prune_expired(saver, ttl_hours=1, now=datetime.now(UTC)) == 0
    assert len(await history(saver, "call-1")) == 2

    later = datetime.now(UTC) + timedelta(hours=2)
    assert await prune_expired(saver, ttl_hours=1, now=later) == 2
    assert await history(saver, "call-1") == []
    assert await history(saver, "call-2") == []
    assert await prune_expired(saver, ttl_hours=1, now=later) == 0


async def test_prune_expired_keeps_a_fresh_thread(saver: BaseCheckpointSaver[Any]) -> None:
    await say(saver, "old-call", "last week")
    await asyncio.sleep(0.01)
    between = datetime.now(UTC)
    await asyncio.sleep(0.01)
    await say(saver, "new-call", "just now")

    # The cutoff falls between the two conversations.
    assert await prune_expired(saver, ttl_hours=1, now=between + timedelta(hours=1)) == 1
    assert await history(saver, "old-call") == []
    assert len(await history(saver, "new-call")) == 2


class FlakySaver(InMemorySaver):
    """Fails its first listing, as a database blip would."""

    def __init__(self) -> None:
        super().__init__()
        self.failures_left = 1

    async def alist(
        self, config: RunnableConfig | None, **kwargs: Any
    ) -> AsyncIterator[CheckpointTuple]:
        if self.failures_left:
            self.failures_left -= 1
            raise ConnectionError("database went away")
        async for item in super().alist(config, **kwargs):
            yield item


async def wait_until_forgotten(saver: BaseCheckpointSaver[Any], thread_id: str) -> None:
    for _ in range(200):
        if not await history(saver, thread_id):
            return
        await asyncio.sleep(0.01)
    pytest.fail(f"janitor never pruned {thread_id}")


@pytest.mark.unit
async def test_janitor_prunes_in_background_and_stops() -> None:
    saver = InMemorySaver()
    await say(saver, "call-1", "hello")
    await asyncio.sleep(0.01)
    janitor = MemoryJanitor(saver, ttl_hours=1e-6, interval_s=0.02)  # TTL: 3.6 ms

    janitor.start()
    await wait_until_forgotten(saver, "call-1")
    await janitor.stop()
    await janitor.stop()  # idempotent

    await say(saver, "call-2", "after stop")
    await asyncio.sleep(0.05)
    assert len(await history(saver, "call-2")) == 2


@pytest.mark.unit
async def test_janitor_survives_an_error(caplog: pytest.LogCaptureFixture) -> None:
    saver = FlakySaver()
    await say(saver, "call-1", "hello")
    await asyncio.sleep(0.01)
    janitor = MemoryJanitor(saver, ttl_hours=1e-6, interval_s=0.02)

    with caplog.at_level(logging.INFO, logger="property_agent.agent.memory"):
        janitor.start()
        await wait_until_forgotten(saver, "call-1")
        await janitor.stop()

    assert "Memory janitor failed" in caplog.text
    assert "pruned 1 expired" in caplog.text
