"""The listing cards: every fact a buyer compares, the data escaped, and the cards in the order the
avatar talks about them with the one it is on highlighted."""

from __future__ import annotations

import re

import pytest

from property_agent.voice.listing_cards import in_mention_order, listing_cards, mentioned

pytestmark = [pytest.mark.unit]

LISTING = {
    "id": 7,
    "price": 1_125_000,
    "rooms": 3,
    "baths": 2,
    "sqft": 104,
    "location": "Chamberí",
    "description": "Bright flat <script>alert(1)</script> near the metro. " + "Quiet. " * 60,
}
RETIRO = {**LISTING, "id": 9, "price": 498_000, "rooms": 0, "location": "Retiro"}
SALAMANCA = {**LISTING, "id": 12, "price": 760_000, "location": "Salamanca"}


def _ids(cards: str) -> list[str]:
    return re.findall(r"data-listing-id='(\d+)'", cards)


def test_a_card_shows_price_neighbourhood_rooms_baths_size_the_first_lines_and_its_id() -> None:
    cards = listing_cards([LISTING, RETIRO])
    assert "€1,125,000" in cards and "Chamberí" in cards and "#7" in cards
    assert "3 bed · 2 bath · 104 m²" in cards and "Studio · 2 bath" in cards
    assert "<script>" not in cards and "&lt;script&gt;" in cards
    assert "…" in cards  # long descriptions are cut at a word
    assert cards.count("<article class='listing-card") == 2 and "2 homes" in cards


def test_no_listings_yet_says_where_they_will_appear_and_an_empty_search_says_so() -> None:
    assert "will appear here" in listing_cards([])
    assert "Nothing matched" in listing_cards([], searched=True)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("I found a flat in Retiro, studio, 104 square metres, for €498,000.", 9),
        ("There's one in Salamanca at 760,000 euros.", 12),
        ("The Chamberí one is about 1.1 million euros.", 7),  # said round
        ("Listing 12 has a terrace.", 12),
        ("The one in Salamanca is bright.", 12),  # only one of them is there
    ],
)
def test_the_listing_a_sentence_is_about(sentence: str, expected: int) -> None:
    assert mentioned(sentence, [LISTING, RETIRO, SALAMANCA]) == expected


def test_a_price_said_to_the_euro_picks_that_listing_over_one_a_thousand_euros_dearer() -> None:
    # Two Retiro flats found together in the browser test: €495,000 and €496,000.
    cheaper = {**RETIRO, "id": 106094673, "price": 495_000, "rooms": 2, "sqft": 95}
    dearer = {**RETIRO, "id": 105983809, "price": 496_000, "rooms": 2, "sqft": 74}
    sentence = (
        "There's a flat in Retiro with 2 bedrooms and 1 bathroom, 95 square metres, at €495,000."
    )
    assert mentioned(sentence, [dearer, cheaper]) == 106094673
    assert mentioned(
        "Both are just under half a million, the cheaper at 495k.", [dearer, cheaper]
    ) == (106094673)


@pytest.mark.parametrize(
    "sentence",
    [
        "Okay, searching for homes under €500,000.",  # a budget is not a listing
        "Between €700,000 and €800,000 there is plenty of choice.",
        "Would you like to hear more?",
    ],
)
def test_a_sentence_about_no_listing_in_particular(sentence: str) -> None:
    assert mentioned(sentence, [LISTING, RETIRO, SALAMANCA]) is None


def test_cards_follow_the_order_of_mention_and_the_current_one_is_highlighted() -> None:
    found = [LISTING, RETIRO, SALAMANCA]
    assert [p["id"] for p in in_mention_order(found, [12, 7])] == [12, 7, 9]
    cards = listing_cards(found, order=[12, 7], current=7)
    assert _ids(cards) == ["12", "7", "9"]
    current = re.findall(r"<article class='listing-card current' aria-current='true' "
                         r"data-listing-id='(\d+)'", cards)  # fmt: skip
    assert current == ["7"]
