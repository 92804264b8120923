"""When nothing matches: find which single constraint to relax, and say what is there instead.

Each stated constraint is dropped in turn; the query is re-run with weights that put the nearest
alternative first (cheapest when the price cap goes, biggest when the size floor goes), so the
agent can say "without the €300,000 limit the cheapest is €420,000".
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence

from property_agent.domain import ParsedQuery, PlaceIssue, Property, Relaxation, SearchFilters
from property_agent.search.weights import Weights

Query = Callable[[SearchFilters, Weights, int], Awaitable[list[Property]]]

# The order the agent should offer them in: the softest constraints first.
RELAXABLE = (
    "price_smaller_than",
    "location",
    "min_rooms",
    "sqft_bigger_than",
    "min_baths",
    "price_bigger_than",
)
_PROBE = 20


def euros(value: int) -> str:
    """ "€300,000"; a cap stored as 297,999 ("cheaper than 298,000") is said as €298,000."""
    return f"€{value + 1 if value % 1000 == 999 else value:,}"


def _sentence(field: str, filters: SearchFilters, found: Sequence[Property]) -> str:
    best = found[0]
    if field == "price_smaller_than":
        return (
            f"Above the {euros(filters.price_smaller_than or 0)} limit, the cheapest match is "
            f"{euros(best.price)} ({best.rooms} bedrooms, {best.sqft} m² in {best.location})."
        )
    if field == "price_bigger_than":
        return (
            f"Below {euros(filters.price_bigger_than or 0)}, the most expensive match is "
            f"{euros(best.price)} in {best.location}."
        )
    if field == "location":
        top = [loc for loc, _ in Counter(p.location for p in found).most_common(3)]
        return f"Outside {filters.location}, there are matches in {_join(top)}."
    if field == "min_rooms":
        most = max(p.rooms for p in found)
        offer = "only studios" if most == 0 else f"up to {_count(most, 'bedroom')}"
        return f"With fewer bedrooms there are matches: {offer}."
    if field == "min_baths":
        most = max(p.baths for p in found)
        return f"With fewer bathrooms there are matches: up to {_count(most, 'bathroom')}."
    return (
        f"Smaller than {filters.sqft_bigger_than} m² there are matches; the largest is "
        f"{best.sqft} m² in {best.location}."
    )


def _probe_weights(field: str, base: Weights) -> Weights:
    """Rank the nearest alternative first for the constraint being dropped."""
    w = Weights(base)
    if field == "price_smaller_than":
        w.update(description_weight=0.0, price_weight=1.0, size_weight=0.0)
    elif field == "price_bigger_than":
        w.update(description_weight=0.0, price_weight=-1.0, size_weight=0.0)
    elif field == "sqft_bigger_than":
        w.update(description_weight=0.0, price_weight=0.0, size_weight=1.0)
    return w


async def find_relaxations(parsed: ParsedQuery, weights: Weights, query: Query) -> list[Relaxation]:
    filters = parsed.filters
    stated = [f for f in RELAXABLE if getattr(filters, f) is not None]
    probes = [
        query(filters.model_copy(update={f: None}), _probe_weights(f, weights), _PROBE)
        for f in stated
    ]
    return [
        Relaxation(field=field, sentence=_sentence(field, filters, results))
        for field, results in zip(stated, await asyncio.gather(*probes), strict=True)
        if results
    ]


def build_hint(
    parsed: ParsedQuery, listings: Sequence[Property], relaxations: Sequence[Relaxation]
) -> str | None:
    """One or two sentences the agent can say about what happened to the request."""
    parts: list[str] = []
    for flag in parsed.flagged_places:
        if flag.issue is PlaceIssue.UNKNOWN:
            parts.append(f"We have no listings in {flag.text}; we cover Madrid neighbourhoods.")
        elif flag.issue is PlaceIssue.UNSURE:
            parts.append(f"'{flag.text}' may be {flag.suggestion}; ask which they meant.")
        elif flag.issue is PlaceIssue.VAGUE:
            parts.append(f"'{flag.text}' is not a neighbourhood; ask which area of Madrid.")
        elif flag.issue is PlaceIssue.EXCLUDED:
            parts.append(f"Listings in {flag.text} were left out.")
        elif flag.issue is PlaceIssue.EXTRA:
            parts.append(
                f"Searched {parsed.filters.location} only; {flag.text} can be searched next."
            )
    if not listings:
        if relaxations:
            parts.append("Nothing matches every constraint. " + relaxations[0].sentence)
        elif parsed.filters.constraints():
            parts.append("Nothing matches even with one constraint dropped; start more broadly.")
        else:
            parts.append("No listings are loaded.")
    return " ".join(parts) or None


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
