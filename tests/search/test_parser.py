"""The local parser on the labelled phrasings (tests/search/data/parser_cases.yaml) and on the
edge cases that decide whether a caller is understood."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from property_agent.domain import ParsedQuery, PlaceIssue, SearchFilters
from property_agent.search.parser import LocalQueryParser
from tests.support.settings import LOCATIONS

pytestmark = pytest.mark.unit

CASES = yaml.safe_load((Path(__file__).parent / "data" / "parser_cases.yaml").read_text("utf-8"))
FILTER_KEYS = tuple(k for k in SearchFilters.model_fields if k != "description_query")


@pytest.fixture(scope="module")
def parser() -> LocalQueryParser:
    return LocalQueryParser(LOCATIONS)


def check_case(parsed: ParsedQuery, case: dict[str, Any]) -> list[str]:
    """Every mismatch between a parse and its label, in words (empty when it is right)."""
    problems: list[str] = []
    expected = {k: case["filters"].get(k) for k in FILTER_KEYS}
    got = {k: getattr(parsed.filters, k) for k in FILTER_KEYS}
    for key in FILTER_KEYS:
        if expected[key] != got[key]:
            problems.append(f"{key}: expected {expected[key]!r}, got {got[key]!r}")
    description = (parsed.filters.description_query or "").lower()
    for word in case.get("description_contains") or []:
        if word.lower() not in description:
            problems.append(f"description {description!r} lacks {word!r}")
    if case.get("description_none") and parsed.filters.description_query is not None:
        problems.append(f"description should be empty, got {description!r}")
    want_flags = {(f["text"].lower(), f["issue"]) for f in case.get("flagged") or []}
    got_flags = {(f.text.lower(), f.issue.value) for f in parsed.flagged_places}
    for text, issue in want_flags:
        if not any(issue == gi and (text in gt or gt in text) for gt, gi in got_flags):
            problems.append(f"missing flag {issue} {text!r} (got {sorted(got_flags)})")
    for gt, gi in got_flags:
        if not any(gi == issue and (text in gt or gt in text) for text, issue in want_flags):
            problems.append(f"unexpected flag {gi} {gt!r}")
    for pref, value in (case.get("preferences") or {}).items():
        if getattr(parsed.preferences, pref) != value:
            problems.append(f"preference {pref} should be {value}")
    return problems


def test_the_labelled_set_is_large_enough() -> None:
    assert len(CASES) >= 80


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:60] for c in CASES])
def test_labelled_phrasing(parser: LocalQueryParser, case: dict[str, Any]) -> None:
    problems = check_case(parser.parse(case["text"]), case)
    assert not problems, "; ".join(problems)


@pytest.mark.parametrize(
    ("spoken", "canonical"),
    [
        ("Chambery", "Chamberí"),
        ("chamberi", "Chamberí"),
        ("Malasana", "Malasaña-Universidad"),
        ("Salamanca", "Barrio de Salamanca"),
        ("salamanka", "Barrio de Salamanca"),
        ("lava pies", "Lavapiés-Embajadores"),
        ("Arguelles", "Argüelles"),
        ("rios rosas", "Nuevos Ministerios-Ríos Rosas"),
        ("CHAMARTIN", "Chamartín"),
        ("the plantio", "El Plantío"),
    ],
)
def test_neighbourhoods_match_whatever_the_spelling(
    parser: LocalQueryParser, spoken: str, canonical: str
) -> None:
    assert parser.parse(f"a flat in {spoken}").filters.location == canonical


@pytest.mark.parametrize(
    "sentence",
    [
        "an imperial style building with high ceilings",
        "a quiet place for a retired couple",
        "I love latin music",
        "give me a list of flats",
        "central heating and air conditioning",
        "a sunny flat",
    ],
)
def test_english_words_never_become_places(parser: LocalQueryParser, sentence: str) -> None:
    parsed = parser.parse(sentence)
    assert parsed.filters.location is None
    assert not parsed.flagged_places


@pytest.mark.parametrize(
    ("sentence", "issue"),
    [
        ("a flat in Barcelona", PlaceIssue.UNKNOWN),
        ("something in Valdemoro", PlaceIssue.UNKNOWN),
        ("a house in Aravaca", PlaceIssue.UNKNOWN),
        ("something downtown", PlaceIssue.VAGUE),
        ("near the beach", PlaceIssue.VAGUE),
    ],
)
def test_places_outside_the_data_are_flagged_not_filtered(
    parser: LocalQueryParser, sentence: str, issue: PlaceIssue
) -> None:
    parsed = parser.parse(sentence)
    assert parsed.filters.location is None
    assert [f.issue for f in parsed.flagged_places] == [issue]


def test_a_neighbourhood_missing_from_the_data_is_unknown_not_invented() -> None:
    parser = LocalQueryParser(["Retiro", "Chamberí"])
    parsed = parser.parse("two bedrooms in Malasaña")
    assert parsed.filters.location is None
    assert parsed.flagged_places[0].issue is PlaceIssue.UNKNOWN
    assert parsed.filters.min_rooms == 2


def test_locations_come_from_the_data_including_new_ones() -> None:
    parser = LocalQueryParser(["Retiro", "Valdebebas-Norte"])
    assert parser.parse("a flat in valdebebas").filters.location == "Valdebebas-Norte"


def test_madrid_itself_is_neither_a_filter_nor_a_flag(parser: LocalQueryParser) -> None:
    parsed = parser.parse("a flat in Madrid with a terrace")
    assert parsed.filters.location is None
    assert parsed.flagged_places == ()
    assert parsed.filters.description_query is not None
    assert "terrace" in parsed.filters.description_query


def test_a_sentence_with_no_constraints_parses_to_nothing(parser: LocalQueryParser) -> None:
    parsed = parser.parse("hi, can you help me find a home?")
    assert parsed.filters.constraints() == {}
    assert parsed.filters.description_query is None


@pytest.mark.parametrize(
    "sentence",
    [
        "um, like, I guess, you know, a flat in Retiro with a terrace, good afternoon, I'm Ana",
        "Do you come anything in Moncloa with a lift, please, thank you so much",
        "hello, yeah, so basically my wife and I, we were wondering, a quiet penthouse",
    ],
)
def test_the_description_holds_only_words_about_the_home(
    parser: LocalQueryParser, sentence: str
) -> None:
    from property_agent.search.features import vocabulary

    vocab = vocabulary()
    description = parser.parse(sentence).filters.description_query or ""
    assert description, sentence
    for word in description.split():
        assert word in vocab.words or word in vocab.linking, (word, description)


def test_a_feature_taken_back_is_no_wish(parser: LocalQueryParser) -> None:
    parsed = parser.parse("forget the pool, four bedrooms with a garden")
    assert parsed.filters.description_query == "garden"
    assert parsed.filters.min_rooms == 4
