"""The offline policy's words: its search queries re-read exactly as meant, sentences split where
speech can start, and listing descriptions never claim what the data does not say."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from property_agent.agent.offline.phrases import (
    compose_query,
    describe_listing,
    detail_answer,
    speak_criteria,
)
from property_agent.agent.sentences import SentenceSplitter
from property_agent.search.parser import LocalQueryParser
from tests.conftest import LOCATIONS

pytestmark = pytest.mark.unit
PARSER = LocalQueryParser(LOCATIONS)
DESCRIPTIONS = ["penthouse with a terrace", "quiet flat with a lift", "chalet with a garden", None]


@st.composite
def criteria(draw: st.DrawFn) -> dict[str, object]:
    c: dict[str, object] = {}
    if draw(st.booleans()):
        c["location"] = draw(st.sampled_from(LOCATIONS))
    if draw(st.booleans()):
        c["min_rooms"] = draw(st.integers(1, 6))
    if draw(st.booleans()):
        c["min_baths"] = draw(st.integers(1, 4))
    if draw(st.booleans()):
        c["sqft_bigger_than"] = draw(st.integers(20, 400))
    low = draw(st.none() | st.integers(50_000, 3_000_000))
    high = draw(st.none() | st.integers(60_000, 8_000_000))
    if low is not None and (high is None or low < high):
        c["price_bigger_than"] = low
    if high is not None:
        c["price_smaller_than"] = high
    description = draw(st.sampled_from(DESCRIPTIONS))
    if description:
        c["description_query"] = description
    return c


@settings(max_examples=300, deadline=None)
@given(wanted=criteria())
def test_the_policys_queries_parse_back_to_its_criteria(wanted: dict[str, object]) -> None:
    parsed = PARSER.parse(compose_query(wanted)).filters.model_dump(exclude_none=True)
    assert parsed == wanted


def test_criteria_are_spoken_naturally() -> None:
    said = speak_criteria(
        {"location": "Chamberí", "min_rooms": 3, "price_smaller_than": 1_389_999,
         "description_query": "penthouse with a terrace"}
    )  # fmt: skip
    assert said == "3-bedroom penthouses in Chamberí under €1,390,000, with a terrace"


@pytest.mark.parametrize(
    ("tokens", "sentences", "rest"),
    [
        ("Hello there. How can I help?", ["Hello there.", "How can I help?"], None),
        ("It costs €1.2 million. Nice!", ["It costs €1.2 million."], "Nice!"),
        ("Near St. Bernard street. Yes.", ["Near St. Bernard street."], "Yes."),
        ("Okay. Let me check that for you.", ["Okay. Let me check that for you."], None),
        ("One bedroom, 45 m² and a lift", [], "One bedroom, 45 m² and a lift"),
    ],
)
def test_sentences_are_cut_where_speech_can_start(
    tokens: str, sentences: list[str], rest: str | None
) -> None:
    splitter = SentenceSplitter()
    done: list[str] = []
    for word in tokens.split(" "):  # one word at a time, as a model streams
        done += splitter.feed(word + " ")
    assert done == sentences
    assert splitter.flush() == rest


LISTING = {
    "id": 1,
    "location": "Retiro",
    "rooms": 2,
    "baths": 1,
    "sqft": 70,
    "price": 450_000,
    "description": "Bright flat on the third floor with no lift. It has a small balcony.",
}


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("baths", "It has 1 bathroom."),
        ("rooms", "It has 2 bedrooms."),
        ("sqft", "It's 70 square metres."),
        ("price", "It's priced at €450,000."),
        ("feature:balcony", "Yes, it has a balcony."),
        ("feature:lift", "The listing doesn't mention a lift, so I wouldn't count on it."),
        ("feature:pool", "The listing doesn't mention a pool, so I wouldn't count on it."),
    ],
)
def test_details_come_from_the_listing_only(question: str, answer: str) -> None:
    assert detail_answer(LISTING, question) == answer


def test_a_listing_is_described_with_its_own_numbers() -> None:
    fields = describe_listing(LISTING, wanted="with a balcony", as_fields=True)
    assert fields["rooms_words"] == "2 bedrooms and 1 bathroom"
    assert fields["price"] == "€450,000" and fields["sqft"] == 70
    assert fields["feature"] == " It has the balcony you asked for."
