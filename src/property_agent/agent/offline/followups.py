"""How a turn's criteria follow from the call so far: which earlier criteria a new request keeps,
how "cheaper", "bigger" and "more bedrooms" move them, and which listing to offer next."""

from __future__ import annotations

import re
from typing import Any

from property_agent.agent.offline.phrases import wanted_terms
from property_agent.search.features import taken_back

ADJUSTED_FIELD = {
    "cheaper": "price_smaller_than",
    "bigger": "sqft_bigger_than",
    "more_rooms": "min_rooms",
}
_HARD = ("min_rooms", "min_baths", "price_smaller_than", "price_bigger_than", "sqft_bigger_than")
# Words that make a request a change to the last one ("what about Retiro instead?").
CHANGE = re.compile(
    r"\b(instead|what about|how about|and in|also|as well|too|same but|rather|actually|but"
    r"|then|only|change|make it|let's try|try|same|similar|that range|keep)\b",
    re.IGNORECASE,
)
_PRICE = ("price_smaller_than", "price_bigger_than")


def carried(text: str, stated: dict[str, Any], earlier: dict[str, Any]) -> dict[str, Any]:
    """The criteria a request searches with. A new full request (a new neighbourhood with more
    criteria, "a 3 bedroom flat in Salamanca", and no "instead") starts from its own words; a
    change ("what about Retiro?", "four bedrooms, up to 800k") keeps the rest of the earlier
    request, less any feature taken back ("forget the pool")."""
    new_place = stated.get("location") not in (None, earlier.get("location"))
    others = [k for k in _HARD if k in stated and k != "location"]
    if earlier.get("location") and new_place and others and not CHANGE.search(text):
        return dict(stated)
    merged = {**earlier, **stated}
    dropped = taken_back(text)
    if dropped and "description_query" not in stated:
        kept = [w for w in str(merged.get("description_query") or "").split() if w not in dropped]
        merged["description_query"] = " ".join(kept)
        if not wanted_terms(merged["description_query"]):
            merged.pop("description_query")
    if any(k in stated for k in _PRICE):  # a new budget replaces the old one entirely
        for key in _PRICE:
            if key not in stated:
                merged.pop(key, None)
    return merged


def adjust(
    intent: str, criteria: dict[str, Any], reference: dict[str, Any] | None
) -> dict[str, Any]:
    """Criteria moved one step past `reference`, the listing just described."""
    updated = dict(criteria)
    if intent == "cheaper":
        cap = reference["price"] if reference else criteria.get("price_smaller_than")
        if cap:
            updated["price_smaller_than"] = int(cap) - 1
            if (updated.get("price_bigger_than") or 0) >= updated["price_smaller_than"]:
                updated.pop("price_bigger_than", None)
    elif intent == "bigger" and reference:
        updated["sqft_bigger_than"] = int(reference["sqft"]) + 1
    elif intent == "more_rooms":
        base = int(reference["rooms"]) if reference else int(criteria.get("min_rooms") or 0)
        updated["min_rooms"] = base + 1
    return updated


def closest_first(
    listings: list[dict[str, Any]], filters: dict[str, Any], described: set[int]
) -> list[dict[str, Any]]:
    """Listings not yet described: those with every feature asked for ("with a terrace") first,
    then nearest to the bedrooms asked for ("three bedrooms" means three, not six), otherwise in
    search order (the search ranks by similarity; it does not filter on features)."""
    fresh = [p for p in listings if int(p["id"]) not in described]
    terms = wanted_terms(str(filters.get("description_query") or ""))
    rooms = int(filters.get("min_rooms") or 0)

    def fit(p: dict[str, Any]) -> tuple[int, int]:
        missing = sum(term not in p["description"].lower() for term in terms)
        return missing, int(p["rooms"]) - rooms if rooms else 0

    return sorted(fresh, key=fit)
