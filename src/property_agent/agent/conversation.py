"""`Conversation(thread_id)`: one caller's conversation, one turn at a time.

`respond(text)` streams events as they happen (tool started, tool finished, each sentence as soon
as the model has produced it, then the turn's end). Any failure (model error after the retry,
tool timeout, whole-turn timeout) ends in the avatar's fallback sentence, and the thread is
repaired so the next turn works: no tool call is left without its result.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    ToolMessage,
)

from property_agent.agent.events import (
    Event,
    ToolStarted,
    TurnFinished,
)
from property_agent.agent.offline.state import NOTE_KEY
from property_agent.agent.turn_events import TurnEvents, elapsed_ms, message_text

if TYPE_CHECKING:
    from opik.types import DistributedTraceHeadersDict

    from property_agent.agent.health import ModelHealth
    from property_agent.avatars import Avatar
    from property_agent.config import Settings
    from property_agent.observability.opik import Tracing

logger = logging.getLogger(__name__)
CANCELLED = "Cancelled: the turn failed before this search finished."
_RECURSION_LIMIT = 40


class ConversationRuntime(Protocol):
    """What a conversation uses of the process's `AgentRuntime`, by shape: the runtime makes
    conversations, so it imports this module and never the other way round."""

    settings: Settings
    avatar: Avatar
    tracing: Tracing
    health: ModelHealth
    latencies: dict[str, list[dict[str, float]]]  # thread → per-turn stage timings

    def agent_for_turn(self) -> tuple[Any, bool]:
        """The agent to run this turn, and whether it is the degraded (offline) one."""
        ...


class Conversation:
    def __init__(self, runtime: ConversationRuntime, thread_id: str) -> None:
        if not thread_id or len(thread_id) > 200:
            raise ValueError("thread_id must be 1-200 characters")
        self.runtime = runtime
        self.thread_id = thread_id

    def _config(
        self, offline: bool, trace_parent: DistributedTraceHeadersDict | None = None
    ) -> dict[str, Any]:
        return {
            "configurable": {"thread_id": self.thread_id},
            "recursion_limit": _RECURSION_LIMIT,
            "callbacks": self.runtime.tracing.callbacks(
                self.thread_id, self.runtime.avatar.name, parent=trace_parent, offline=offline
            ),
            "metadata": {"avatar": self.runtime.avatar.name, "thread_id": self.thread_id},
        }

    async def greet(self) -> str | None:
        """The avatar's opening line for a new conversation, recorded in the thread so the
        agent knows it has introduced itself; None when the thread already has history."""
        agent, _ = self.runtime.agent_for_turn()
        config = {"configurable": {"thread_id": self.thread_id}}
        state = await agent.aget_state(config)
        if state.values.get("messages"):
            return None
        intro = self.runtime.avatar.intro
        opening = AIMessage(content=intro, additional_kwargs={NOTE_KEY: {"asked": "name"}})
        await agent.aupdate_state(config, {"messages": [opening]}, as_node="model")
        return intro

    # -- a turn --------------------------------------------------------------------------------
    async def respond(
        self, text: str, *, trace_parent: DistributedTraceHeadersDict | None = None
    ) -> AsyncIterator[Event]:
        """`trace_parent`: the span of an outer trace (the voice turn's) this run is traced in."""
        agent, offline = self.runtime.agent_for_turn()
        config = self._config(offline, trace_parent)
        message = HumanMessage(content=text.strip(), additional_kwargs={"at": _now()})
        turn = TurnEvents()
        try:
            async with asyncio.timeout(self.runtime.settings.agent.turn_timeout_s):
                stream = agent.astream(
                    {"messages": [message]}, config, stream_mode=["messages", "updates"]
                )
                async for mode, data in stream:
                    for event in (
                        turn.on_tokens(data) if mode == "messages" else turn.on_update(data)
                    ):
                        yield event
            for event in turn.flush():
                yield event
            if not turn.said:
                raise RuntimeError("the model returned no text")
        except asyncio.CancelledError:  # barge-in: the caller spoke over the answer
            await asyncio.shield(self._repair(agent, config, None))
            raise
        except Exception as exc:
            kind = "timed out" if isinstance(exc, TimeoutError) else f"failed: {exc!r}"
            logger.warning("Turn on thread %s %s", self.thread_id, kind)
            if not offline and not turn.announced:  # a failing search is not the model's fault
                self.runtime.health.failure()
            fallback = self.runtime.avatar.fallback_line
            await self._repair(agent, config, fallback)
            yield turn.sentence(fallback)
            yield self._finish(turn, fallback=True)
            return
        if not offline:
            self.runtime.health.success()
        yield self._finish(turn)

    def _finish(self, turn: TurnEvents, *, fallback: bool = False) -> TurnFinished:
        turn.timings["total_ms"] = elapsed_ms(turn.began)
        recorded = self.runtime.latencies.setdefault(self.thread_id, [])
        recorded.append(turn.timings)
        del recorded[:-200]
        return TurnFinished(" ".join(turn.said), fallback=fallback, latency_ms=turn.timings)

    async def reply(self, text: str) -> TurnReply:
        """The whole turn at once, for text surfaces (the REST API): what was said, the searches
        made, and whether it was the fallback line."""
        calls: list[ToolStarted] = []
        finished = TurnFinished("")
        async for event in self.respond(text):
            if isinstance(event, ToolStarted):
                calls.append(event)
            elif isinstance(event, TurnFinished):
                finished = event
        return TurnReply(finished.text, calls, finished.fallback)

    async def _repair(self, agent: Any, config: dict[str, Any], fallback: str | None) -> None:
        """Close what the failed or interrupted turn left open; record the fallback (if one was
        said) as the agent's reply."""
        try:
            state = await agent.aget_state(config)
            messages: list[BaseMessage] = list(state.values.get("messages", []))
            answered = {m.tool_call_id for m in messages if isinstance(m, ToolMessage)}
            last_ai = next((m for m in reversed(messages) if isinstance(m, AIMessage)), None)
            missing = [
                c for c in (last_ai.tool_calls if last_ai else []) if c["id"] not in answered
            ]
            if missing:
                closes = [
                    ToolMessage(content=CANCELLED, tool_call_id=c["id"], name=c["name"])
                    for c in missing
                ]
                await agent.aupdate_state(config, {"messages": closes}, as_node="tools")
            if fallback is not None:
                await agent.aupdate_state(
                    config, {"messages": [AIMessage(content=fallback)]}, as_node="model"
                )
        except Exception:
            logger.exception("Could not repair thread %s after a failed turn", self.thread_id)

    # -- what was said -------------------------------------------------------------------------
    async def transcript(self) -> list[dict[str, Any]]:
        """The turns so far: user and agent lines, searches with their arguments and result
        counts, when each was said, and (for turns served by this process) stage latencies."""
        agent, _ = self.runtime.agent_for_turn()
        config = {"configurable": {"thread_id": self.thread_id}}
        history = [s async for s in agent.aget_state_history(config)]
        if not history:
            return []
        first_seen: dict[str, str] = {}
        for snapshot in reversed(history):  # oldest first
            for m in snapshot.values.get("messages", []):
                if m.id:
                    first_seen.setdefault(m.id, snapshot.created_at or "")
        entries: list[dict[str, Any]] = []
        results = {
            m.tool_call_id: m
            for m in history[0].values.get("messages", [])
            if isinstance(m, ToolMessage)
        }
        for m in history[0].values.get("messages", []):
            at = m.additional_kwargs.get("at") or first_seen.get(str(m.id), "")
            if isinstance(m, HumanMessage):
                entries.append({"role": "user", "text": message_text(m), "at": at})
            elif isinstance(m, AIMessage):
                if message_text(m).strip():  # said before its searches run ("Let me look for …")
                    entries.append({"role": "agent", "text": message_text(m), "at": at})
                for call in m.tool_calls:
                    result = results.get(str(call["id"]))
                    data = result.artifact if result and isinstance(result.artifact, dict) else {}
                    entries.append(
                        {
                            "role": "tool",
                            "text": json.dumps(call["args"], ensure_ascii=False),
                            "name": call["name"],
                            "args": call["args"],
                            "count": len(data.get("properties") or []),
                            "at": at,
                        }
                    )
        # Stage timings are kept in this process for its most recent turns: match them to the
        # latest user turns.
        recorded = self.runtime.latencies.get(self.thread_id, [])
        user_turns = (
            [e for e in entries if e["role"] == "user"][-len(recorded) :] if recorded else []
        )
        for entry, latency in zip(user_turns, recorded[-len(user_turns) :], strict=False):
            entry["latency_ms"] = latency
        return entries


class TurnReply(NamedTuple):
    text: str
    tool_calls: list[ToolStarted]
    fallback: bool


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
