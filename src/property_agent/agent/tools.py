"""`search_property_tool`: the agent's only source of property facts.

It returns compact text for the model (a few lines, not pages of JSON) and, as the message
artifact, the structured result (listings, filters, hints) for the offline policy, the transcript
and the web page's listing cards. Failures come back as text the agent can say, never as silence.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from langchain_core.tools import BaseTool, StructuredTool

from property_agent.agent.offline.phrases import speak_criteria
from property_agent.domain import SearchResponse, SearchResult
from property_agent.search.service import PropertySearchService, SearchUnavailable

logger = logging.getLogger(__name__)

TOOL_NAME = "search_property_tool"
MAX_TOOL_LIMIT = 10
_DESCRIPTION_CHARS = 160

TOOL_DESCRIPTION = """Search Madrid property listings. Use it for EVERY fact about homes: never
invent listings, prices, sizes or neighbourhoods.

Call it when the caller describes a home or changes their criteria. Pass `query` as one plain
English sentence holding ALL current criteria, including ones from earlier in the call
(neighbourhood, bedrooms, bathrooms, price limits in euros, size in square metres, features).
Example: "3 bedrooms in Chamberí under 500000 euros with a terrace". For "something cheaper",
repeat the earlier criteria with a lower price limit. `limit` is how many listings to get back
(1-10; use 1 to describe the best match, 3-5 to compare or offer alternatives).

The result lists each listing as neighbourhood, bedrooms, bathrooms, size, price and the start of
its description. When nothing matches it says which constraint to relax; when a place is not in
our data it says so: tell the caller, do not guess."""


def _line(i: int, p: dict[str, Any]) -> str:
    text = p["description"]
    if len(text) > _DESCRIPTION_CHARS:
        text = text[:_DESCRIPTION_CHARS].rsplit(" ", 1)[0] + "…"
    return (
        f"{i}. {p['location']}, {p['rooms']} bedrooms, {p['baths']} bathrooms, {p['sqft']} m², "
        f"€{p['price']:,}. {text} [id {p['id']}]"
    )


def render(result: dict[str, Any]) -> str:
    """Compact text for the model from a search artifact."""
    head = f"Searched for {speak_criteria(result['filters'])}."
    if result["properties"]:
        lines = [_line(i, p) for i, p in enumerate(result["properties"], 1)]
        body = f"{head} {len(lines)} listing(s):\n" + "\n".join(lines)
    else:
        body = f"{head} No listing matches."
    if result.get("hint"):  # place flags, and the first way to relax an empty search
        body += f"\nNote: {result['hint']}"
    if not result["properties"]:
        for relaxation in result["relaxations"][1:3]:
            body += f"\nAlso: {relaxation['sentence']}"
    return body


def artifact(result: SearchResult, limit: int) -> dict[str, Any]:
    return {**SearchResponse.from_result(result).model_dump(mode="json"), "limit": limit}


def make_search_tool(service: PropertySearchService, timeout_s: float) -> BaseTool:
    """The tool bound to one search service, with a per-call timeout."""

    async def search_property_tool(query: str, limit: int = 1) -> tuple[str, dict[str, Any]]:
        limit = max(1, min(MAX_TOOL_LIMIT, int(limit)))
        await service.wait_until_loaded(timeout_s)  # asked in the first seconds after start
        try:
            result = await asyncio.wait_for(service.search(query, limit), timeout_s)
        except TimeoutError:
            logger.warning("search_property_tool timed out after %.1fs: %r", timeout_s, query)
            return (
                "The listings search took too long. Apologise and ask the caller to try again.",
                {"error": "timeout", "query": query, "properties": []},
            )
        except SearchUnavailable as exc:
            return (
                "The listings are still loading. Ask the caller for a moment and try again.",
                {"error": str(exc), "query": query, "properties": []},
            )
        data = artifact(result, limit)
        return render(data), data

    return StructuredTool.from_function(
        coroutine=search_property_tool,
        name=TOOL_NAME,
        description=TOOL_DESCRIPTION,
        response_format="content_and_artifact",
    )
