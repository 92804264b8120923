"""Turning criteria and listings into words: the query the policy sends to the search tool, the
summary it says before searching, and how it describes a listing.

`compose_query` must round-trip through the local parser (a test checks it): the tool re-reads
the policy's query exactly as it reads a caller.
"""

from __future__ import annotations

import re
from typing import Any

from property_agent.search.relax import euros

FEATURES = (
    ("terrace", ("terrace", "terraces")),
    ("pool", ("pool", "swimming pool")),
    ("garden", ("garden",)),
    ("lift", ("lift", "elevator")),
    ("parking", ("parking", "garage")),
    ("balcony", ("balcony", "balconies")),
    ("air conditioning", ("air conditioning", "air-conditioning", "a/c")),
    ("storage room", ("storage room", "storeroom")),
    ("concierge", ("concierge", "porter")),
    ("views", ("views",)),
)
_NOUNS = {
    "flat": "flats", "flats": "flats", "apartment": "apartments", "apartments": "apartments",
    "house": "houses", "houses": "houses", "penthouse": "penthouses", "studio": "studios",
    "chalet": "chalets", "duplex": "duplexes", "loft": "lofts", "home": "homes",
}  # fmt: skip
_HOME_TYPES = ("penthouse", "studio", "duplex", "loft", "chalet", "townhouse", "detached house")
_NO_LIFT = re.compile(r"\b(no lift|without (a )?lift|walk-up)\b", re.IGNORECASE)


# How each criterion reads in the search sentence, in the order the sentence says them.
_QUERY_PARTS = (
    ("description_query", "{}"),
    ("min_rooms", "{} bedrooms"),
    ("min_baths", "{} bathrooms"),
    ("location", "in {}"),
    ("sqft_bigger_than", "at least {} square metres"),
    ("price_bigger_than", "from {} euros"),
    ("price_smaller_than", "under {} euros"),
)


def compose_query(criteria: dict[str, Any]) -> str:
    """Criteria → the sentence passed to the search tool ("3 bedrooms in Chamberí under …")."""
    parts = [template.format(criteria[key]) for key, template in _QUERY_PARTS if criteria.get(key)]
    return ", ".join(parts) or "homes in Madrid"


def speak_criteria(criteria: dict[str, Any]) -> str:
    """Criteria as a caller would say them: "3-bedroom homes in Chamberí under €500,000"."""
    rooms = criteria.get("min_rooms")
    description = str(criteria.get("description_query") or "")
    first, _, rest = description.partition(" ")
    noun = "homes"
    if first.lower() in _NOUNS:  # "house with a garden" → "houses …, with a garden"
        noun, description = _NOUNS[first.lower()], rest
    text = f"{rooms}-bedroom {noun}" if rooms else noun
    if criteria.get("location"):
        text += f" in {criteria['location']}"
    if criteria.get("min_baths"):
        text += f" with at least {_count(int(criteria['min_baths']), 'bathroom')}"
    if criteria.get("sqft_bigger_than"):
        text += f" of at least {criteria['sqft_bigger_than']} square metres"
    low, high = criteria.get("price_bigger_than"), criteria.get("price_smaller_than")
    if high and high % 1000 == 999:  # "cheaper than €1,390,000" is stored as a cap of 1,389,999
        high += 1
    if low and high:
        text += f" between {euros(low)} and {euros(high)}"
    elif high:
        text += f" under {euros(high)}"
    elif low:
        text += f" from {euros(low)}"
    if description:
        feature = description.lower() in {name for name, _ in FEATURES}
        text += f", with {article(description)}" if feature else f", {description}"
    return text


def home_type(listing: dict[str, Any]) -> str:
    """ "a penthouse", "a studio", "a flat": what the listing calls itself."""
    description = listing["description"].lower()
    if int(listing["rooms"]) == 0:
        return "a studio"
    for kind in _HOME_TYPES:
        if kind in description:
            return f"a {kind}"
    return "a flat"


def wanted_terms(description_query: str) -> list[str]:
    """Home types and features a caller named ("penthouse with a terrace" → both words)."""
    text = description_query.lower()
    terms = [kind for kind in _HOME_TYPES if kind in text]
    terms += [name for name, words in FEATURES if any(w in text for w in words)]
    return terms


def features_of(listing: dict[str, Any]) -> list[str]:
    description = listing["description"].lower()
    found = []
    for name, words in FEATURES:
        if name == "lift" and _NO_LIFT.search(description):
            continue
        if any(re.search(rf"\b{re.escape(w)}\b", description) for w in words):
            found.append(name)
    return found


def describe_listing(
    listing: dict[str, Any], wanted: str = "", *, short: bool = False, as_fields: bool = False
) -> Any:
    """Short: the fields a reply template needs; long: the ad's first sentences."""
    if as_fields:
        have = features_of(listing)
        asked = [f for f in have if f in wanted.lower()]
        if asked:
            feature = f" It has the {asked[0]} you asked for."
        elif have:
            feature = f" It has {article(have[0])}."
        else:
            feature = ""
        rooms = int(listing["rooms"])
        baths = int(listing["baths"])
        rooms_words = (
            f"one open-plan room and {_count(baths, 'bathroom')}"
            if rooms == 0
            else f"{_count(rooms, 'bedroom')} and {_count(baths, 'bathroom')}"
        )
        return {
            "home": home_type(listing),
            "location": listing["location"],
            "rooms_words": rooms_words,
            "sqft": listing["sqft"],
            "price": euros(listing["price"]),
            "feature": feature,
        }
    sentences = re.split(r"(?<=[.!?])\s+", listing["description"].strip())
    text = ""
    for sentence in sentences:
        if len(text) + len(sentence) > (160 if short else 280) and text:
            break
        text = f"{text} {sentence}".strip()
    return text


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def article(noun: str) -> str:
    if noun in ("air conditioning", "parking", "views") or noun.split(" ")[0] in ("a", "an", "the"):
        return noun
    return ("an " if noun[0] in "aeiou" else "a ") + noun
