"""Optional LLM query understanding through Superlinked's natural-query mode.

Used when `OPENAI__API_KEY` or `OPENAI__BASE_URL` is set (OpenAI, Ollama, vLLM, llama.cpp…).
What the LLM extracts is normalised like caller input: the location must be one the data has
(fuzzy-matched, else dropped and flagged), numbers must be integers. The caller of `parse`
falls back to the local parser on any error or timeout.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from property_agent.config import OpenAISettings
from property_agent.domain import FlaggedPlace, ParsedQuery, PlaceIssue, SearchFilters
from property_agent.search.engine import SearchEngine
from property_agent.search.parser import LocalQueryParser
from property_agent.search.text import normalize, tokenize
from property_agent.search.weights import Weights

logger = logging.getLogger(__name__)

Runner = Callable[..., Awaitable[Any]]
_INT_FIELDS = (
    "min_rooms",
    "min_baths",
    "price_smaller_than",
    "price_bigger_than",
    "sqft_bigger_than",
)


class NaturalQueryParser:
    def __init__(self, engine: SearchEngine, settings: OpenAISettings) -> None:
        self._engine = engine
        self._settings = settings

    @property
    def model(self) -> str:
        return self._settings.model

    async def parse(
        self, text: str, local: ParsedQuery, parser: LocalQueryParser, run: Runner
    ) -> ParsedQuery:
        api_key = self._settings.api_key.get_secret_value() if self._settings.api_key else "none"
        descriptor = self._engine.index.natural_query(
            api_key, self._settings.model, self._settings.base_url, tuple(parser.locations)
        )
        neutral = Weights(description_weight=1.0, price_weight=0.0, size_weight=0.0)
        params = await run(self._engine.natural_query, descriptor, text, neutral)
        return normalise(params, local, parser)


def normalise(params: dict[str, Any], local: ParsedQuery, parser: LocalQueryParser) -> ParsedQuery:
    """Turn the LLM's parameters into filters we trust; keep the local parser's place flags."""
    values: dict[str, Any] = {}
    for name in _INT_FIELDS:
        raw = params.get(name)
        try:
            value = round(float(raw)) if raw is not None else None
        except (TypeError, ValueError):
            value = None
        values[name] = value if value is not None and value >= 0 else None
    description = params.get("description_query")
    values["description_query"] = (
        description.strip() or None if isinstance(description, str) else None
    )

    flags = list(local.flagged_places)
    location = params.get("location")
    values["location"] = None
    if isinstance(location, str) and location.strip():
        exact = {normalize(loc): loc for loc in parser.locations}.get(normalize(location))
        # The value is a bare name: say it as a place so ambiguous ones ("Sol") still match.
        found = parser.places.find(tokenize(f"in {location}"))
        mentions = [m.canonical for m in found if m.kind == "location"]
        if exact or mentions:
            values["location"] = exact or mentions[0]
        elif not any(f.text.lower() == location.lower() for f in flags):
            flags.append(FlaggedPlace(text=location.strip(), issue=PlaceIssue.UNKNOWN))
    if values["location"] is None and local.filters.location is not None:
        values["location"] = local.filters.location  # the LLM missed a name we are sure of
    return ParsedQuery(
        text=local.text,
        filters=SearchFilters(**values),
        flagged_places=tuple(flags),
        preferences=local.preferences,
        parser="llm",
    )
