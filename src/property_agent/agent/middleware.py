"""Agent middleware: a search repeated with the same arguments inside one turn is not run again.

Models sometimes loop on a tool (seed war story 3). The repeat gets the earlier result back,
marked as a repeat, so the model moves on and the caller hears one filler, not several.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from langchain.agents.middleware import AgentMiddleware
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langgraph.prebuilt.tool_node import ToolCallRequest
from langgraph.types import Command

logger = logging.getLogger(__name__)
REPEAT_NOTE = "(Same search as before in this turn; answer from this result.)"


def call_key(name: str, args: dict[str, Any]) -> str:
    return name + json.dumps(args, sort_keys=True, default=str)


class DedupToolCalls(AgentMiddleware):
    async def awrap_tool_call(
        self,
        request: ToolCallRequest,
        handler: Callable[[ToolCallRequest], Awaitable[ToolMessage | Command[Any]]],
    ) -> ToolMessage | Command[Any]:
        call = request.tool_call
        earlier = _earlier_result(request.state.get("messages", []), call)
        if earlier is None:
            return await handler(request)
        logger.info("Suppressed a repeated %s call with the same arguments", call["name"])
        return ToolMessage(
            content=f"{earlier.content}\n{REPEAT_NOTE}",
            artifact=earlier.artifact,
            name=call["name"],
            tool_call_id=call["id"],
        )


def _earlier_result(messages: list[Any], call: Any) -> ToolMessage | None:
    """The result of an identical call made since the caller last spoke, if any."""
    key = call_key(call["name"], call["args"])
    turn_start = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=-1)
    ids = {
        c["id"]
        for m in messages[turn_start + 1 :]
        if isinstance(m, AIMessage)
        for c in m.tool_calls
        if c["id"] != call["id"] and call_key(c["name"], c["args"]) == key
    }
    for m in messages[turn_start + 1 :]:
        if isinstance(m, ToolMessage) and m.tool_call_id in ids:
            return m
    return None
