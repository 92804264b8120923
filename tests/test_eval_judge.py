"""The evaluation's judge (scripts/_eval_judge.py) catches what a caller would complain about:
an invented price, a listing that breaks the request, a "cheaper" that is not, a detail answer
the listing does not support. If the judge let these through, `make eval` would mean nothing."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from _eval_judge import Call, Turn, judge

pytestmark = pytest.mark.unit

A = {
    "id": 1,
    "price": 400_000,
    "baths": 1,
    "rooms": 2,
    "sqft": 70,
    "location": "Retiro",
    "description": "Bright flat on the third floor of a building from 1969 with a lift.",
}
B = {
    "id": 2,
    "price": 350_000,
    "baths": 1,
    "rooms": 2,
    "sqft": 65,
    "location": "Retiro",
    "description": "Quiet flat facing south. It has a terrace.",
}
C = {"id": 3, "price": 300_000, "baths": 1, "rooms": 1, "sqft": 40, "location": "Sol",
     "description": "Studio-like flat."}  # fmt: skip
DATA = [A, B, C]
SEARCH = {"expect": "search", "criteria": {"location": "Retiro", "rooms_min": 2}}


def result(*listings: dict[str, Any]) -> dict[str, Any]:
    return {"properties": list(listings), "relaxations": []}


def said(text: str, *listings: dict[str, Any], searched: bool = True) -> Turn:
    return Turn(text, searched, [result(*listings)] if searched else [])


def test_a_matching_listing_named_is_right() -> None:
    call = Call(DATA)
    assert judge(SEARCH, said("There's a flat in Retiro at €400,000.", A), call) is None
    assert call.current == A


def test_a_listing_that_breaks_the_request_is_wrong() -> None:
    call = Call(DATA)
    problem = judge(SEARCH, said("There's a flat in Sol at €300,000.", C), call)
    assert problem is not None and "breaks" in problem


def test_an_invented_price_is_wrong() -> None:
    call = Call(DATA)
    problem = judge(SEARCH, said("There's a flat in Retiro at €999,000.", A), call)
    assert problem is not None


def test_cheaper_must_be_cheaper_when_the_data_has_one() -> None:
    call = Call(DATA)
    judge(SEARCH, said("There's a flat in Retiro at €400,000.", A), call)
    again = judge({"expect": "cheaper"}, said("I found one at €400,000.", A), call)
    assert again is not None
    call.last_reply = ""
    assert judge({"expect": "cheaper"}, said("Another at €350,000.", B), call) is None


def test_saying_none_is_cheaper_is_right_only_when_true() -> None:
    call = Call(DATA)
    judge(SEARCH, said("There's a flat in Retiro at €350,000.", B), call)
    honest = said("I couldn't find anything cheaper.", searched=False)
    assert judge({"expect": "cheaper"}, honest, call) is None
    call = Call(DATA)
    judge(SEARCH, said("There's a flat in Retiro at €400,000.", A), call)
    assert judge({"expect": "cheaper"}, honest, call) is not None  # B is cheaper


@pytest.mark.parametrize(
    ("field", "answer", "right"),
    [
        ("floor", "It's on the third floor.", True),
        ("floor", "It's on the fifth floor.", False),
        ("lift", "Yes, the building has a lift.", True),
        ("year", "The building dates from 1969.", True),
        ("orientation", "It faces south.", False),  # A's description does not say
        ("orientation", "The listing doesn't say which way it faces.", True),
        ("baths", "It has 1 bathroom.", True),
        ("baths", "It has 2 bathrooms.", False),
    ],
)
def test_detail_answers_must_match_the_listing(field: str, answer: str, right: bool) -> None:
    call = Call(DATA)
    judge(SEARCH, said("There's a flat in Retiro at €400,000.", A), call)
    problem = judge({"expect": "detail", "field": field}, said(answer, searched=False), call)
    assert (problem is None) is right, problem


def test_an_off_topic_turn_must_not_search_or_name_a_listing() -> None:
    call = Call(DATA)
    case = {"expect": "out_of_scope"}
    assert judge(case, said("There's a flat in Retiro at €400,000.", A), call) is not None
    polite = said("I can only help with finding a home in Madrid.", searched=False)
    assert judge(case, polite, Call(DATA)) is None
