"""The words the product speaks in: listings, search requests, parsed queries and results, and
the phone numbers callers give.

Plain pydantic models with no framework imports, so every layer (search, agent, voice, API) can
share them.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    StringConstraints,
)

Backend = Literal["in-memory", "qdrant"]
MAX_QUERY_CHARS = 500
MAX_LIMIT = 20


class Property(BaseModel):
    """One listing. `sqft` keeps the seed's column name but holds floor area in square metres."""

    model_config = ConfigDict(frozen=True)

    id: int
    description: str
    baths: int = Field(ge=0)
    rooms: int = Field(ge=0)
    sqft: int = Field(gt=0)
    location: str
    price: int = Field(gt=0)


class SearchFilters(BaseModel):
    """Hard filters plus the free text for semantic similarity; None means "not stated"."""

    model_config = ConfigDict(frozen=True)

    location: str | None = None
    min_rooms: int | None = None
    min_baths: int | None = None
    price_smaller_than: int | None = None
    price_bigger_than: int | None = None
    sqft_bigger_than: int | None = None
    description_query: str | None = None

    def constraints(self) -> dict[str, int | str]:
        """The stated hard constraints (everything but the free text)."""
        data = self.model_dump(exclude={"description_query"}, exclude_none=True)
        return data


class PlaceIssue(StrEnum):
    UNKNOWN = "unknown"  # a place we have no listings for ("Barcelona", "Aravaca")
    VAGUE = "vague"  # not a neighbourhood ("downtown", "the beach", "somewhere central")
    EXCLUDED = "excluded"  # the caller ruled it out ("anywhere but Centro"): no filter is set
    EXTRA = "extra"  # a second neighbourhood: one location filter is applied, the rest noted
    UNSURE = "unsure"  # a near-miss of a neighbourhood ("Monlo"): `suggestion` says which


class FlaggedPlace(BaseModel):
    """A place the caller mentioned that did not become a location filter, and why."""

    model_config = ConfigDict(frozen=True)

    text: str
    issue: PlaceIssue
    suggestion: str | None = None


class RankingPreferences(BaseModel):
    """Soft preferences that change weights, not filters ("cheap", "spacious", "under 60 m²")."""

    model_config = ConfigDict(frozen=True)

    cheaper: bool = False
    bigger: bool = False
    smaller: bool = False


class ParsedQuery(BaseModel):
    """What query understanding extracted from a sentence, and by which parser."""

    model_config = ConfigDict(frozen=True)

    text: str
    filters: SearchFilters
    flagged_places: tuple[FlaggedPlace, ...] = ()
    preferences: RankingPreferences = RankingPreferences()
    parser: str = "local"


class Relaxation(BaseModel):
    """One way to get results when nothing matched: which constraint to drop and what then."""

    model_config = ConfigDict(frozen=True)

    field: str
    sentence: str


class SearchResult(BaseModel):
    query: str
    parsed: ParsedQuery
    properties: list[Property]
    relaxations: list[Relaxation] = []
    hint: str | None = None

    @property
    def filters(self) -> SearchFilters:
        return self.parsed.filters


class SearchResponse(BaseModel):
    """A search as the caller's side sees it: the endpoint's body, `property-agent search
    --json` and the agent tool's artifact, so the three can never drift apart."""

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


QueryText = Annotated[
    StrictStr, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_QUERY_CHARS)
]


class SearchRequest(BaseModel):
    """The body of `POST /superlinked/search`; strict so a wrong type is a 422, not a guess."""

    model_config = ConfigDict(extra="forbid")

    query: QueryText
    limit: StrictInt = Field(default=3, ge=1, le=MAX_LIMIT)


_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def is_e164(number: str) -> bool:
    """`+34600111222`: a plus, a country code and at most 15 digits, no spaces."""
    return bool(_E164.match(number))


def _e164(number: str) -> str:
    if not is_e164(number):
        raise ValueError("must be an E.164 phone number such as +34600111222 (no spaces)")
    return number


PhoneNumber = Annotated[
    StrictStr, StringConstraints(strip_whitespace=True, max_length=20), AfterValidator(_e164)
]
