"""Response bodies of the public API. `SearchResponse` is also what `property-agent search --json`
prints, so the CLI and the endpoint can never drift apart."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from property_agent.domain import (
    Backend,
    FlaggedPlace,
    Property,
    Relaxation,
    SearchFilters,
    SearchResult,
)


class SearchResponse(BaseModel):
    status: Literal["success"] = "success"
    query: str
    count: int
    filters: SearchFilters
    properties: list[Property]
    parser: str
    flagged_places: list[FlaggedPlace]
    relaxations: list[Relaxation]
    hint: str | None

    @classmethod
    def from_result(cls, result: SearchResult) -> SearchResponse:
        return cls(
            query=result.query,
            count=len(result.properties),
            filters=result.filters,
            properties=result.properties,
            parser=result.parsed.parser,
            flagged_places=list(result.parsed.flagged_places),
            relaxations=result.relaxations,
            hint=result.hint,
        )


HealthStatus = Literal["healthy", "loading", "unhealthy"]


class IndexInfo(BaseModel):
    backend: Backend
    properties: int


class HealthResponse(BaseModel):
    status: HealthStatus
    message: str
    index: IndexInfo
