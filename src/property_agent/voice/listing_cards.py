"""The listing cards on the web page: which listing a sentence of the avatar's is about, and the
cards in the order the avatar mentions them, the one it is talking about highlighted.

A sentence names a listing by its id ("listing 1234"), its price as the avatar says it
("€1,125,000", "1.1 million euros") or, when only one of the results is there, its
neighbourhood. Every value shown is escaped: descriptions come from data files.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

Listing = dict[str, Any]

_NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(million|m\b|k\b|thousand)?", re.IGNORECASE)
_SCALE = {"million": 1_000_000, "m": 1_000_000, "k": 1_000, "thousand": 1_000}
_PRICE_TOLERANCE = 0.01  # "1.1 million" for €1,095,000
_AMOUNT = r"€?\s*\d[\d,.]*\s*(?:million|m\b|k\b|thousand)?(?:\s*euros?)?"
# Budgets are not listings: "under €500,000", "between €300,000 and €400,000".
_CRITERION = re.compile(
    rf"\b(?:under|below|over|than|up to|at most|at least|budget of|between|from)\s+{_AMOUNT}"
    rf"(?:\s*(?:and|to)\s+{_AMOUNT})?",
    re.IGNORECASE,
)
TEXT_CHARS = 200


def _amounts(sentence: str) -> list[tuple[float, float]]:
    """Every amount said, with how far off it may be: "1.1 million" is 1,050,000-1,150,000."""
    amounts = []
    for digits, scale in _NUMBER.findall(_CRITERION.sub(" ", sentence)):
        try:
            value = float(digits.replace(",", ""))
        except ValueError:
            continue
        unit = _SCALE.get(scale.lower(), 1) if scale else 1
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        amounts.append((value * unit, 0.5 * unit / 10**decimals))
    return amounts


def _price_score(price: float, amounts: Sequence[tuple[float, float]]) -> int:
    """3 when a price said is this one to its last digit said ("€495,000" is not €496,000), 2 when
    it is this one said round ("about 1.1 million"), else 0."""
    best = 0
    for amount, slack in amounts:
        if amount < 10_000:  # rooms, baths, square metres
            continue
        miss = abs(amount - price)
        if miss <= min(slack, price * 0.05):
            return 3
        if miss <= price * _PRICE_TOLERANCE:
            best = 2
    return best


def mentioned(sentence: str, listings: Sequence[Listing]) -> Any | None:
    """The id of the listing `sentence` talks about, or None (none of them, or no telling)."""
    if not listings:
        return None
    lowered = sentence.lower()
    amounts = _amounts(sentence)
    scores: dict[Any, int] = {}
    for listing in listings:
        score = 0
        if re.search(rf"\b(?:listing|id|number)\s*#?\s*{re.escape(str(listing['id']))}\b", lowered):
            score += 4
        score += _price_score(float(listing["price"]), amounts)
        if str(listing["location"]).lower() in lowered:
            score += 1
        if score:
            scores[listing["id"]] = score
    if not scores:
        return None
    best = max(scores.values())
    top = [key for key, score in scores.items() if score == best]
    return top[0] if len(top) == 1 else None


def in_mention_order(listings: Sequence[Listing], order: Sequence[Any]) -> list[Listing]:
    """The listings the avatar has mentioned, in the order it did, then the rest as found."""
    by_id = {listing["id"]: listing for listing in listings}
    first = [by_id[key] for key in order if key in by_id]
    mentioned_ids = set(order)
    return first + [listing for listing in listings if listing["id"] not in mentioned_ids]


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TEXT_CHARS else text[:TEXT_CHARS].rsplit(" ", 1)[0] + "…"


def _card(listing: Listing, current: bool) -> str:
    rooms = int(listing["rooms"])
    facts = [
        "Studio" if rooms == 0 else f"{rooms} bed",
        f"{int(listing['baths'])} bath",
        f"{int(listing['sqft'])} m²",
    ]
    key = html.escape(str(listing["id"]))
    marks = " current' aria-current='true" if current else ""
    return (
        f"<article class='listing-card{marks}' data-listing-id='{key}'>"
        f"<div class='card-top'><span class='price'>€{int(listing['price']):,}</span>"
        f"<span class='listing-id'>#{key}</span></div>"
        f"<div class='where'>{html.escape(str(listing['location']))}</div>"
        f"<div class='facts'>{' · '.join(facts)}</div>"
        f"<p class='text'>{html.escape(_excerpt(str(listing.get('description', ''))))}</p>"
        "</article>"
    )


def listing_cards(
    listings: Sequence[Listing],
    order: Sequence[Any] = (),
    current: Any | None = None,
    *,
    searched: bool = False,
) -> str:
    """The cards (mentioned first, in order; `current` highlighted), or where they will appear
    (`searched`: a search has returned nothing)."""
    if not listings:
        text = (
            "Nothing matched the last search exactly; the avatar will suggest what to change."
            if searched
            else "Homes the avatar finds will appear here, with their price, rooms and size."
        )
        return f"<div class='listing-empty'><h2>Listings</h2><p>{text}</p></div>"
    cards = "".join(
        _card(listing, listing["id"] == current) for listing in in_mention_order(listings, order)
    )
    count = len(listings)
    heading = (
        f"<h2>Listings <span class='count'>{count} {'home' if count == 1 else 'homes'}</span></h2>"
    )
    return f"{heading}<div class='listing-cards'>{cards}</div>"
