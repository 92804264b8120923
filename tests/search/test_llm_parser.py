"""Optional LLM query understanding (Superlinked natural-query mode) against a local
OpenAI-compatible server: used when it answers, the local parser when it fails or is slow."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from property_agent.domain import PlaceIssue
from property_agent.search.llm_parser import normalise
from property_agent.search.parser import LocalQueryParser
from property_agent.search.service import PropertySearchService
from tests.support.fakes import FakeOpenAIServer
from tests.support.settings import LOCATIONS, make_settings, shipped_rows, write_listings

pytestmark = [pytest.mark.integration]


def scripted(**values: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Answer every field of the requested tool schema like a model would: the scripted values,
    weight 1 for every space (the schema allows -1, 0 or 1), null for unstated filters."""

    def answer(request: dict[str, Any]) -> dict[str, Any]:
        fields = request["tools"][0]["function"]["parameters"]["properties"]
        return {name: values.get(name, 1 if "weight" in name else None) for name in fields}

    return answer


@asynccontextmanager
async def service_with(
    fake: FakeOpenAIServer, csv: Path, timeout_s: float = 6.0
) -> AsyncIterator[PropertySearchService]:
    settings = make_settings(
        openai={"base_url": fake.base_url, "api_key": "sk-test", "timeout_s": timeout_s}
    )
    service = PropertySearchService(settings)
    await service.start(csv)
    try:
        yield service
    finally:
        await service.aclose()


@pytest.fixture(scope="module")
def csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_listings(tmp_path_factory.mktemp("llm") / "listings.csv", shipped_rows(200))  # type: ignore[arg-type]


async def test_the_llm_understands_what_the_local_parser_cannot(csv: Path) -> None:
    target = shipped_rows(200)[7]  # a listing the scripted answer is sure to match
    where, rooms = target["location"], int(target["rooms"])
    answer = scripted(location=where, min_rooms=rooms, description_query="bright")
    with FakeOpenAIServer(answer) as fake:
        async with service_with(fake, csv) as service:
            result = await service.search("you know, the place my sister liked, same size")
    assert fake.requests, "the LLM endpoint was never called"
    assert result.parsed.parser == "llm"
    assert result.filters.location == where
    assert result.filters.min_rooms == rooms
    assert result.properties
    assert all(p.location == where and p.rooms >= rooms for p in result.properties)


async def test_an_llm_error_falls_back_to_the_local_parser(csv: Path) -> None:
    with FakeOpenAIServer(scripted(), mode="error") as fake:
        async with service_with(fake, csv) as service:
            result = await service.search("two bedrooms in Chamberí under 2 million")
    assert fake.requests
    assert result.parsed.parser == "local"
    assert result.filters.location == "Chamberí"
    assert result.filters.min_rooms == 2
    assert all(p.location == "Chamberí" for p in result.properties)


async def test_a_slow_llm_times_out_into_the_local_parser(csv: Path) -> None:
    with FakeOpenAIServer(scripted(location="Sol"), mode="slow", delay_s=8) as fake:
        async with service_with(fake, csv, timeout_s=1) as service:
            result = await service.search("a flat in Retiro")
    assert result.parsed.parser == "local"
    assert result.filters.location == "Retiro"


@pytest.mark.unit
def test_llm_values_are_normalised_like_caller_input() -> None:
    parser = LocalQueryParser(LOCATIONS)
    local = parser.parse("three bedrooms somewhere")
    parsed = normalise(
        {"location": "chamberi", "min_rooms": 3.0, "min_baths": -1, "price_smaller_than": "5e5"},
        local,
        parser,
    )
    assert parsed.filters.location == "Chamberí"
    assert parsed.filters.min_rooms == 3
    assert parsed.filters.min_baths is None
    assert parsed.filters.price_smaller_than == 500_000
    assert parsed.parser == "llm"


@pytest.mark.unit
def test_an_llm_location_outside_the_data_is_flagged_not_filtered() -> None:
    parser = LocalQueryParser(LOCATIONS)
    parsed = normalise({"location": "Barcelona"}, parser.parse("a flat"), parser)
    assert parsed.filters.location is None
    assert [(f.text, f.issue) for f in parsed.flagged_places] == [("Barcelona", PlaceIssue.UNKNOWN)]
