"""The agent with a remote chat model, as a caller experiences it: searches are announced and
answered, a failing or slow model ends in the avatar's fallback line and never breaks the next
turn, and a model that keeps failing hands the call to the offline policy.

The remote model is `ScriptedChatModel`; the search is the real index over the shipped listings.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langgraph.checkpoint.memory import InMemorySaver

from property_agent.agent.conversation import CANCELLED, Conversation
from property_agent.agent.events import (
    Event,
    SentenceReady,
    ToolFinished,
    ToolStarted,
    TurnFinished,
)
from property_agent.agent.middleware import REPEAT_NOTE
from property_agent.agent.runtime import AgentRuntime
from property_agent.search.service import PropertySearchService
from tests.support.fakes import ScriptedChatModel, Step
from tests.support.settings import make_settings

pytestmark = [pytest.mark.integration]

E = TypeVar("E")
RETIRO: dict[str, Any] = {"query": "2 bedrooms in Retiro", "limit": 1}


@asynccontextmanager
async def running(
    search: PropertySearchService, script: list[Step], **settings: Any
) -> AsyncIterator[tuple[AgentRuntime, ScriptedChatModel]]:
    model = ScriptedChatModel(script=script)
    runtime = AgentRuntime(
        make_settings(**settings), search, model=model, checkpointer=InMemorySaver()
    )
    await runtime.start()
    try:
        yield runtime, model
    finally:
        await runtime.aclose()


async def turn(conversation: Conversation, text: str) -> list[Event]:
    return [event async for event in conversation.respond(text)]


def finished(events: list[Event]) -> TurnFinished:
    last = events[-1]
    assert isinstance(last, TurnFinished), events
    return last


def outcome(events: list[Event]) -> tuple[str, bool]:
    """What the caller heard this turn, and whether it was the fallback line."""
    end = finished(events)
    return end.text, end.fallback


def of_type(events: list[Event], kind: type[E]) -> list[E]:
    return [e for e in events if isinstance(e, kind)]


async def thread(runtime: AgentRuntime, thread_id: str) -> list[BaseMessage]:
    agent, _ = runtime.agent_for_turn()
    state = await agent.aget_state({"configurable": {"thread_id": thread_id}})
    return list(state.values["messages"])


def dangling(messages: list[BaseMessage]) -> list[str]:
    """Tool calls the model made that never got a result: the next model call would reject them."""
    answered = {m.tool_call_id for m in messages if isinstance(m, ToolMessage)}
    return [
        str(call["id"])
        for m in messages
        if isinstance(m, AIMessage)
        for call in m.tool_calls
        if call["id"] not in answered
    ]


async def test_a_remote_turn_announces_the_search_then_answers(
    search_service: PropertySearchService,
) -> None:
    async with running(search_service, [RETIRO, "I found one in Retiro."]) as (runtime, model):
        events = await turn(runtime.conversation("remote-ok"), "Two bedrooms in Retiro, please")

    assert [type(e) for e in events] == [ToolStarted, ToolFinished, SentenceReady, TurnFinished]
    started, found, sentence, _ = events
    assert isinstance(started, ToolStarted) and started.args == RETIRO
    assert isinstance(found, ToolFinished) and found.count >= 1
    assert all(p["location"] == "Retiro" for p in found.result["properties"])
    assert sentence == SentenceReady("I found one in Retiro.")
    assert outcome(events) == ("I found one in Retiro.", False)
    results = [m for m in model.calls[1] if isinstance(m, ToolMessage)]
    assert len(results) == 1 and "Retiro" in str(results[0].content)


async def test_a_repeated_search_in_one_turn_runs_once_and_is_announced_once(
    search_service: PropertySearchService, monkeypatch: pytest.MonkeyPatch
) -> None:
    searches: list[str] = []
    search = search_service.search

    async def counted(query: str, limit: int | None = None) -> Any:
        searches.append(query)
        return await search(query, limit)

    monkeypatch.setattr(search_service, "search", counted)
    script: list[Step] = [RETIRO, RETIRO, "The flat in Retiro is the one for you."]
    async with running(search_service, script) as (runtime, _):
        events = await turn(runtime.conversation("remote-dedup"), "Two bedrooms in Retiro")
        messages = await thread(runtime, "remote-dedup")

    assert len(of_type(events, ToolStarted)) == 1
    assert len(of_type(events, ToolFinished)) == 1  # the caller hears one search, not two
    assert searches == [RETIRO["query"]]
    first, repeat = [m for m in messages if isinstance(m, ToolMessage)]
    assert REPEAT_NOTE not in str(first.content)
    assert str(repeat.content) == f"{first.content}\n{REPEAT_NOTE}"
    assert finished(events).text == "The flat in Retiro is the one for you."


async def test_a_model_failing_twice_gets_the_fallback_line_and_the_next_turn_works(
    search_service: PropertySearchService,
) -> None:
    script: list[Step] = [RuntimeError("503"), RuntimeError("503"), "Hello again"]
    async with running(search_service, script, llm={"retries": 1}) as (runtime, model):
        conversation = runtime.conversation("remote-retry")
        failed = await turn(conversation, "Hello?")
        assert len(model.calls) == 2  # the first try and one retry
        again = await turn(conversation, "Are you there?")
        messages = await thread(runtime, "remote-retry")

    fallback = runtime.avatar.fallback_line
    assert of_type(failed, SentenceReady) == [SentenceReady(fallback)]
    assert outcome(failed) == (fallback, True)
    assert outcome(again) == ("Hello again", False)
    assert dangling(messages) == []
    assert [m.content for m in messages if isinstance(m, AIMessage)] == [fallback, "Hello again"]


async def test_a_failure_after_a_search_keeps_its_result_and_ends_with_the_fallback(
    search_service: PropertySearchService,
) -> None:
    script: list[Step] = [RETIRO, RuntimeError("503"), RuntimeError("503")]
    async with running(search_service, [*script, "Still here."]) as (runtime, _):
        conversation = runtime.conversation("remote-after-tool")
        failed = await turn(conversation, "Two bedrooms in Retiro")
        after_failure = await thread(runtime, "remote-after-tool")
        again = await turn(conversation, "Hello?")

    fallback = runtime.avatar.fallback_line
    assert of_type(failed, ToolFinished)[0].count >= 1
    assert outcome(failed) == (fallback, True)
    results = [m for m in after_failure if isinstance(m, ToolMessage)]
    assert len(results) == 1 and "Retiro" in str(results[0].content)
    assert isinstance(after_failure[-1], AIMessage) and after_failure[-1].content == fallback
    assert dangling(after_failure) == []
    assert outcome(again) == ("Still here.", False)


async def test_tool_arguments_the_schema_rejects_come_back_to_the_model_as_an_error(
    search_service: PropertySearchService,
) -> None:
    # LangChain does not raise here: the tool node answers the call with an error result, and the
    # model gets to recover within the same turn.
    script: list[Step] = [{"limit": "many"}, "Which neighbourhood would you like?", "Hi!"]
    async with running(search_service, script) as (runtime, model):
        conversation = runtime.conversation("remote-bad-args")
        events = await turn(conversation, "Show me many flats")
        again = await turn(conversation, "Hello")
        messages = await thread(runtime, "remote-bad-args")

    (result,) = of_type(events, ToolFinished)
    assert result.count == 0
    error = next(m for m in model.calls[1] if isinstance(m, ToolMessage))
    assert error.status == "error" and "query" in str(error.content)
    assert outcome(events) == ("Which neighbourhood would you like?", False)
    assert outcome(again) == ("Hi!", False)
    assert dangling(messages) == []


async def test_a_search_that_raises_is_closed_as_cancelled_and_the_next_turn_works(
    search_service: PropertySearchService, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(query: str, limit: int | None = None) -> Any:
        raise RuntimeError("index corrupted")

    monkeypatch.setattr(search_service, "search", broken)
    script: list[Step] = [RETIRO, "Hello again"]
    async with running(search_service, script) as (runtime, model):
        conversation = runtime.conversation("remote-tool-raises")
        failed = await turn(conversation, "Two bedrooms in Retiro")
        assert len(model.calls) == 1  # a failed search ends the turn: no retry, no second call
        after_failure = await thread(runtime, "remote-tool-raises")
        again = await turn(conversation, "Hello?")

    fallback = runtime.avatar.fallback_line
    assert len(of_type(failed, ToolStarted)) == 1
    assert outcome(failed) == (fallback, True)
    (closed,) = [m for m in after_failure if isinstance(m, ToolMessage)]
    assert closed.content == CANCELLED
    assert isinstance(after_failure[-1], AIMessage) and after_failure[-1].content == fallback
    assert dangling(after_failure) == []
    assert outcome(again) == ("Hello again", False)


async def test_a_model_slower_than_the_turn_timeout_gets_the_fallback_line(
    search_service: PropertySearchService,
) -> None:
    # The slow call consumed the 5 s pause but never got to say "too late": that step is what the
    # model says on its next call.
    script: list[Step] = [5.0, "too late"]
    async with running(search_service, script, agent={"turn_timeout_s": 0.5}) as (runtime, model):
        conversation = runtime.conversation("remote-slow")
        failed = await turn(conversation, "Hello?")
        again = await turn(conversation, "Hello again?")
        messages = await thread(runtime, "remote-slow")

    fallback = runtime.avatar.fallback_line
    assert outcome(failed) == (fallback, True)
    assert outcome(again) == ("too late", False)
    assert len(model.calls) == 2
    heard = [m.content for m in messages if isinstance(m, HumanMessage)]
    assert heard == ["Hello?", "Hello again?"]
    assert [m.content for m in messages if isinstance(m, AIMessage)] == [fallback, "too late"]


async def test_a_search_slower_than_the_tool_timeout_tells_the_model_it_took_too_long(
    search_service: PropertySearchService, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The real search answers a warm query in under a millisecond now and then, so no timeout is
    # reliably shorter than it: this search never answers.
    async def stuck(query: str, limit: int | None = None) -> Any:
        await asyncio.Event().wait()

    monkeypatch.setattr(search_service, "search", stuck)
    script: list[Step] = [RETIRO, "Sorry, the search is slow today."]
    async with running(search_service, script, agent={"tool_timeout_s": 0.05}) as (runtime, model):
        events = await turn(runtime.conversation("remote-tool-slow"), "Two bedrooms in Retiro")

    (result,) = of_type(events, ToolFinished)
    assert result.count == 0 and result.result["error"] == "timeout"
    told = next(m for m in model.calls[1] if isinstance(m, ToolMessage))
    assert "took too long" in str(told.content)
    assert outcome(events) == ("Sorry, the search is slow today.", False)


async def test_a_model_failing_two_turns_running_hands_the_call_to_the_offline_policy(
    search_service: PropertySearchService,
) -> None:
    script: list[Step] = [RuntimeError("503")] * 4 + ["never said"]
    async with running(search_service, script, llm={"retries": 1}) as (runtime, model):
        conversation = runtime.conversation("remote-degraded")
        first = await turn(conversation, "Hello?")
        assert not runtime.health.degraded
        second = await turn(conversation, "Hello, can you hear me?")
        assert runtime.health.degraded
        offline = await turn(conversation, "A flat in Retiro under 500k")

    assert finished(first).fallback and finished(second).fallback
    assert len(model.calls) == 4  # two tries per failed turn, none once degraded
    (search,) = of_type(offline, ToolStarted)
    assert "Retiro" in search.args["query"]
    end = finished(offline)
    assert not end.fallback
    assert "Retiro" in end.text and end.text != runtime.avatar.fallback_line


async def test_a_model_that_keeps_searching_is_stopped_by_the_call_limit(
    search_service: PropertySearchService,
) -> None:
    searches: list[Step] = [{"query": f"{n} bedrooms in Retiro", "limit": 1} for n in range(1, 11)]
    settings = {"agent": {"max_model_calls": 3}}
    async with running(search_service, [*searches, "Hello again"], **settings) as (runtime, model):
        conversation = runtime.conversation("remote-limit")
        looping = await turn(conversation, "Anything in Retiro?")
        assert len(model.calls) == 3
        model.position = len(searches)  # the model stops looping: its next call answers
        again = await turn(conversation, "Hello?")
        messages = await thread(runtime, "remote-limit")

    fallback = runtime.avatar.fallback_line
    assert len(of_type(looping, ToolStarted)) == 3
    assert outcome(looping) == (fallback, True)
    assert outcome(again) == ("Hello again", False)
    assert dangling(messages) == []


async def test_a_failing_search_does_not_count_against_the_model(
    search_service: PropertySearchService, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(query: str, limit: int | None = None) -> Any:
        raise RuntimeError("index corrupted")

    monkeypatch.setattr(search_service, "search", broken)
    script: list[Step] = [RETIRO, RETIRO]
    async with running(search_service, script) as (runtime, _):
        for n in range(2):
            events = await turn(runtime.conversation(f"remote-broken-{n}"), "Retiro please")
            assert finished(events).fallback
        assert not runtime.health.degraded, "the model answered; only the search failed"
