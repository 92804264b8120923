"""Property-based: for random requests built from constraints and said in varied ways, every
listing returned satisfies every stated constraint, and the parser recovers each constraint."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from num2words import num2words

from property_agent.search.service import PropertySearchService
from tests.support.settings import LOCATIONS

pytestmark = [pytest.mark.integration]

SPOKEN_LOCATION = {"Barrio de Salamanca": "Salamanca", "Lavapiés-Embajadores": "Lavapies"}


def _money(draw: st.DrawFn, euros: int) -> str:
    style = draw(st.sampled_from(["k", "euro", "comma", "words", "million"]))
    if style == "k" and euros % 1000 == 0:
        return f"{euros // 1000}k"
    if style == "million" and euros % 100_000 == 0 and euros >= 1_000_000:
        return f"{euros / 1_000_000:g} million"
    if style == "words":
        return num2words(euros) + " euros"
    if style == "comma":
        return f"€{euros:,}"
    return f"{euros} euros"


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, dict[str, object]]:
    stated: dict[str, object] = {}
    parts: list[str] = [draw(st.sampled_from(["a flat", "an apartment", "a home", "something"]))]
    if draw(st.booleans()):
        rooms = draw(st.integers(1, 5))
        stated["min_rooms"] = rooms
        said = num2words(rooms) if draw(st.booleans()) else str(rooms)
        parts.append(draw(st.sampled_from([f"with {said} bedrooms", f"with at least {said} beds"])))
    if draw(st.booleans()):
        baths = draw(st.integers(1, 3))
        stated["min_baths"] = baths
        parts.append(f"and {num2words(baths)} bathrooms")
    if draw(st.booleans()):
        area = draw(st.integers(30, 250))
        stated["sqft_bigger_than"] = area
        parts.append(draw(st.sampled_from([f"over {area} m2", f"at least {area} square metres"])))
    if draw(st.booleans()):
        location = draw(st.sampled_from(LOCATIONS))
        stated["location"] = location
        parts.append(f"in {SPOKEN_LOCATION.get(location, location)}")
    low = draw(st.none() | st.integers(10, 150).map(lambda k: k * 10_000))
    high = draw(st.none() | st.integers(15, 400).map(lambda k: k * 10_000))
    if low is not None and high is not None and low < high:
        stated |= {"price_bigger_than": low, "price_smaller_than": high}
        parts.append(f"between {_money(draw, low)} and {_money(draw, high)}")
    elif high is not None:
        stated["price_smaller_than"] = high
        cue = draw(st.sampled_from(["under", "below", "for at most", "no more than"]))
        parts.append(f"{cue} {_money(draw, high)}")
    elif low is not None:
        stated["price_bigger_than"] = low
        parts.append(f"from {_money(draw, low)} upwards")
    return " ".join(parts), stated


def _meets(listing: object, stated: dict[str, object]) -> list[str]:
    checks = {
        "location": lambda p, v: p.location == v,
        "min_rooms": lambda p, v: p.rooms >= v,
        "min_baths": lambda p, v: p.baths >= v,
        "sqft_bigger_than": lambda p, v: p.sqft >= v,
        "price_smaller_than": lambda p, v: p.price <= v,
        "price_bigger_than": lambda p, v: p.price >= v,
    }
    return [k for k, v in stated.items() if not checks[k](listing, v)]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(request=requests())
def test_every_listing_returned_meets_every_stated_constraint(
    search_service: PropertySearchService, request: tuple[str, dict[str, object]]
) -> None:
    sentence, stated = request
    result = asyncio.run(search_service.search(sentence, 5))
    understood = result.filters.constraints()
    assert understood == stated, f"{sentence!r} was understood as {understood}"
    for listing in result.properties:
        assert not _meets(listing, stated), f"{listing} breaks {_meets(listing, stated)}"
    if not result.properties:
        assert result.hint
