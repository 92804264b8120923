"""Search as a caller experiences it: the listings returned meet what was asked, empty results
say what to relax, places outside the data are flagged, and ingestion is idempotent."""

from __future__ import annotations

import pytest

from property_agent.domain import PlaceIssue, Property, SearchResult
from property_agent.search.service import IndexState, PropertySearchService
from tests.support.settings import make_settings

pytestmark = [pytest.mark.integration]


async def test_a_plain_english_request_returns_matching_listings(
    search_service: PropertySearchService,
) -> None:
    result = await search_service.search("a three bedroom flat in Chamberí under 1.5 million", 5)
    assert result.properties, result.hint
    for p in result.properties:
        assert p.location == "Chamberí"
        assert p.rooms >= 3
        assert p.price <= 1_500_000


async def test_the_description_drives_ranking(search_service: PropertySearchService) -> None:
    result = await search_service.search("a penthouse with a terrace", 3)
    assert result.properties
    assert all("penthouse" in p.description.lower() for p in result.properties)
    chalet = await search_service.search("a chalet with a private pool and a garden", 3)
    top = chalet.properties[0].description.lower()
    assert "pool" in top and "garden" in top


async def test_a_price_range_keeps_both_ends(search_service: PropertySearchService) -> None:
    result = await search_service.search("between 800k and 1.2 million in Salamanca", 10)
    assert result.filters.price_bigger_than == 800_000
    assert result.filters.price_smaller_than == 1_200_000
    assert result.properties
    assert all(800_000 <= p.price <= 1_200_000 for p in result.properties)
    assert all(p.location == "Barrio de Salamanca" for p in result.properties)


async def test_no_results_say_which_constraint_to_relax(
    search_service: PropertySearchService,
) -> None:
    result = await search_service.search("a five bedroom house in Sol under 200k", 3)
    assert result.properties == []
    assert result.relaxations, "an empty result must come with a way out"
    fields = [r.field for r in result.relaxations]
    assert "price_smaller_than" in fields
    assert result.hint is not None and result.hint.startswith("Nothing matches every constraint.")
    assert "€200,000" in _relaxation(result, "price_smaller_than")


async def test_the_cheapest_alternative_is_really_the_cheapest(
    search_service: PropertySearchService,
) -> None:
    result = await search_service.search("three bedrooms in Retiro under 100k", 3)
    everything = await search_service.search("three bedrooms in Retiro", 20)
    cheapest = min(p.price for p in everything.properties)
    assert f"€{cheapest:,}" in _relaxation(result, "price_smaller_than")


async def test_a_city_outside_madrid_is_flagged_and_never_filtered(
    search_service: PropertySearchService,
) -> None:
    result = await search_service.search("a two bedroom flat in Barcelona", 3)
    assert result.filters.location is None
    assert [(f.text, f.issue) for f in result.parsed.flagged_places] == [
        ("Barcelona", PlaceIssue.UNKNOWN)
    ]
    assert result.hint is not None and "Barcelona" in result.hint


async def test_an_excluded_neighbourhood_is_left_out(search_service: PropertySearchService) -> None:
    result = await search_service.search("a flat with a terrace anywhere but Centro", 20)
    assert result.properties
    assert all(p.location != "Centro" for p in result.properties)


async def test_limit_is_respected(search_service: PropertySearchService) -> None:
    for limit in (1, 7, 20):
        assert len((await search_service.search("a flat", limit)).properties) == limit


def _relaxation(result: SearchResult, field: str) -> str:
    """The sentence offered for dropping `field` (fails the test if none was offered)."""
    sentences = [r.sentence for r in result.relaxations if r.field == field]
    assert sentences, f"no relaxation offered for {field}: {result.relaxations}"
    return sentences[0]


def _listing(i: int, **changes: object) -> Property:
    base = dict(
        id=i,
        description=f"Bright flat number {i} with a balcony",
        baths=1,
        rooms=2,
        sqft=70,
        location="Retiro",
        price=300_000 + i,
    )
    return Property.model_validate(base | changes)


async def test_ingesting_twice_changes_nothing_and_updates_replace_by_id() -> None:
    service = PropertySearchService(make_settings())
    await service.start(load_data=False)
    assert service.status().state is IndexState.READY
    try:
        listings = [_listing(i) for i in range(1, 21)]
        assert await service.ingest(listings) == 20
        first = await service.search("flat in Retiro", 20)
        assert await service.ingest(listings) == 20
        again = await service.search("flat in Retiro", 20)
        assert [p.id for p in again.properties] == [p.id for p in first.properties]
        assert await service.ingest([_listing(5, price=99_000, location="Sol")]) == 20
        moved = await service.search("flat in Sol", 5)
        assert [(p.id, p.price) for p in moved.properties] == [(5, 99_000)]
    finally:
        await service.aclose()


async def test_the_bedroom_relaxation_names_what_really_exists(
    search_service: PropertySearchService,
) -> None:
    result = await search_service.search("a two bedroom flat in Sol under 200k", 3)
    without = await search_service.search("a flat in Sol under 200k", 20)
    most = max(p.rooms for p in without.properties)
    expected = "only studios" if most == 0 else f"up to {most} bedroom"
    assert expected in _relaxation(result, "min_rooms")
