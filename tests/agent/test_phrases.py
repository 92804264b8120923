"""The offline policy's words: its search queries re-read exactly as meant, sentences split where
speech can start, and listing descriptions never claim what the data does not say."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from property_agent.agent.offline import facts
from property_agent.agent.offline.phrases import (
    compose_query,
    describe_listing,
    speak_criteria,
)
from property_agent.agent.sentences import SentenceSplitter
from property_agent.search.parser import LocalQueryParser
from tests.support.settings import LOCATIONS

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
    ("field", "answer"),
    [
        ("baths", "It has 1 bathroom."),
        ("rooms", "It has 2 bedrooms."),
        ("size", "It's 70 square metres."),
        ("price", "It's priced at €450,000."),
        ("floor", "It's on the third floor."),
        ("lift", "No, the building has no lift."),
        ("balcony", "Yes. The listing says: It has a small balcony."),
        ("pool", "The listing doesn't mention a pool, so I wouldn't count on it."),
        ("orientation", "The listing calls it bright, but it doesn't say which way it faces."),
        ("year", "The listing doesn't say when the building was put up."),
        ("feature:kitchen", "The listing doesn't say anything about kitchen."),
    ],
)
def test_details_come_from_the_listing_only(field: str, answer: str) -> None:
    assert facts.answer(LISTING, field) == answer


@pytest.mark.parametrize(
    ("question", "field"),
    [
        ("how many bathrooms does it have?", "baths"),
        ("what floor is it on", "floor"),
        ("is there an elevator", "lift"),
        ("Is there a left?", "lift"),  # misheard over the phone
        ("where would I park the car?", "parking"),
        ("which way does it face", "orientation"),
        ("how old is the building", "year"),
        ("is the metro close", "metro"),
        ("how big is the terrace", "terrace"),
        ("does it need any work", "condition"),
        ("how much is it", "price"),
    ],
)
def test_a_question_about_the_listing_names_its_field(question: str, field: str) -> None:
    assert facts.detail_field(question) == field


def test_facts_the_description_states_are_read_from_it() -> None:
    listing = {**LISTING, "description": (
        "On the fifth floor of a building from 1969 with a lift. A 12 m² terrace. "
        "Very bright thanks to its south-east orientation. Metro: Quevedo (9 min walk)."
    )}  # fmt: skip
    assert facts.answer(listing, "floor") == "It's on the fifth floor."
    assert facts.answer(listing, "lift") == "Yes, the building has a lift."
    assert facts.answer(listing, "year") == "The building dates from 1969."
    assert facts.answer(listing, "terrace") == "Yes, it has a 12 square metre terrace."
    assert facts.answer(listing, "orientation") == "It faces south-east."
    assert facts.answer(listing, "metro") == "The nearest metro is Quevedo, a 9-minute walk."


def test_a_listing_is_described_with_its_own_numbers() -> None:
    fields = describe_listing(LISTING, wanted="with a balcony", as_fields=True)
    assert fields["rooms_words"] == "2 bedrooms and 1 bathroom"
    assert fields["price"] == "€450,000" and fields["sqft"] == 70
    assert fields["feature"] == " It has the balcony you asked for."
