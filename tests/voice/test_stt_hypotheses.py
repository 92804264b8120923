"""Of Whisper's readings of a turn, the caller gets the one that names the place they said: a
reading nearly as likely as the best is taken only for a listed neighbourhood that sounds like
the words the best reading has there."""

from __future__ import annotations

import pytest

from property_agent.voice.stt.hypotheses import MARGIN, PlaceChoice, sounds_alike
from property_agent.voice.stt.whisper_nbest import Reading
from tests.support.settings import LOCATIONS


@pytest.fixture(scope="module")
def choice() -> PlaceChoice:
    return PlaceChoice(LOCATIONS)


def readings(*pairs: tuple[str, float]) -> list[Reading]:
    return [Reading(text, logprob) for text, logprob in pairs]


@pytest.mark.unit
def test_the_best_reading_is_kept_when_it_names_a_neighbourhood(choice: PlaceChoice) -> None:
    heard = readings(
        ("I'm looking for two bedrooms in Chamberí.", -0.14),
        ("I'm looking for two bedrooms in Chamartín.", -0.15),
    )
    assert choice.choose(heard) == "I'm looking for two bedrooms in Chamberí."


@pytest.mark.unit
@pytest.mark.parametrize(
    ("best", "other"),
    [
        ("a flat with two bedrooms in material.", "a flat with two bedrooms in Retiro."),
        ("a flat in goyle with three bedrooms.", "a flat in Goya with three bedrooms."),
        ("something in tattoo and with one bedroom.", "something in Tetuán with one bedroom."),
        ("Hello, a one bedroom flat in Seoul?", "Hello, a one bedroom flat in Sol?"),
    ],
)
def test_a_nearly_as_likely_reading_that_names_the_place_the_caller_said_wins(
    choice: PlaceChoice, best: str, other: str
) -> None:
    assert choice.choose(readings((best, -0.20), (other, -0.20 - MARGIN / 2))) == other


@pytest.mark.unit
def test_a_place_that_does_not_sound_like_what_was_heard_is_not_taken(
    choice: PlaceChoice,
) -> None:
    """ "Seoul" is not "Salamanca", however close the two readings' scores."""
    heard = readings(
        ("Do you have a studio in Seoul?", -0.17),
        ("Do you have a studio in Salamanca?", -0.18),
    )
    assert choice.choose(heard) == "Do you have a studio in Seoul?"


@pytest.mark.unit
def test_a_much_less_likely_reading_is_not_taken(choice: PlaceChoice) -> None:
    heard = readings(
        ("a flat with two bedrooms in material.", -0.15),
        ("a flat with two bedrooms in Retiro.", -0.15 - MARGIN * 1.5),
    )
    assert choice.choose(heard) == "a flat with two bedrooms in material."


@pytest.mark.unit
def test_no_reading_or_one_reading(choice: PlaceChoice) -> None:
    assert choice.choose([]) == ""
    assert choice.choose(readings(("What's the weather like?", -0.3))) == (
        "What's the weather like?"
    )


@pytest.mark.unit
def test_a_turn_about_something_else_keeps_its_best_reading(choice: PlaceChoice) -> None:
    """No place in the best reading and none sounding like it in the others: nothing changes."""
    heard = readings(
        ("Can I go and see it on Saturday?", -0.2),
        ("Can I go and see it in Sol on Saturday?", -0.25),
    )
    assert choice.choose(heard) == "Can I go and see it on Saturday?"


@pytest.mark.unit
@pytest.mark.parametrize(
    ("heard", "place", "alike"),
    [
        ("material", "Retiro", True),
        ("tattoo and", "Tetuán", True),
        ("Seoul", "Sol", True),
        ("Seoul", "Salamanca", False),
        ("an interior", "Imperial", False),
    ],
)
def test_what_sounds_like_a_place(heard: str, place: str, alike: bool) -> None:
    from property_agent.search.text import normalize

    assert sounds_alike(normalize(heard).split(), normalize(place).split()) is alike
