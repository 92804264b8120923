"""The local, deterministic query parser: a caller's sentence → search filters, with no network.

It is the default query understanding and the fallback when an LLM parser fails, so it must be
right on the phrasings people use on the phone ("a three bed in Chambery, nothing over four
hundred grand").
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from property_agent.domain import (
    FlaggedPlace,
    ParsedQuery,
    PlaceIssue,
    RankingPreferences,
    SearchFilters,
)
from property_agent.search.contact import blank_contact_details
from property_agent.search.features import describe
from property_agent.search.places import PlaceMatcher, PlaceMention
from property_agent.search.quantities import SQFT_TO_M2, Quantity, QuantityExtractor
from property_agent.search.text import Token, tokenize
from property_agent.search.vocabulary import MONEY_ONLY_CUES, NUMBER_WORDS

_STRICT_CUES = {"more than", "over", "greater than", "in excess of", "exceeding", "above"}
_MAX_COUNT = {"rooms": 20, "baths": 15}
_MAX_AREA_M2 = 20_000
_APPROX = 0.10

_CHEAPER = {"cheap", "cheaper", "cheapest", "affordable", "inexpensive", "bargain", "economical",
            "budget-friendly", "low-cost", "lowcost"}  # fmt: skip
_CHEAPER_PHRASES = {("budget", "friendly"), ("low", "price"), ("low", "cost"), ("good", "price")}
_BIGGER = {"big", "bigger", "biggest", "spacious", "large", "larger", "huge", "roomy", "massive"}
_SMALLER = {"small", "smaller", "compact", "tiny"}
_FEATURE_NOUNS = set(
    """terrace terraces garden gardens kitchen living lounge balcony balconies pool garage patio
    bedroom bedrooms room rooms bathroom bathrooms window windows wardrobe wardrobes storage
    dining hall windows closet closets parking yard""".split()
)

_PLACE_LEADS = {"in", "near", "around", "at", "by", "close", "to", "next", "the", "of", "nearby"}
_PLACE_TAILS = {"area", "neighbourhood", "neighborhood", "district", "barrio", "zone", "quarter"}


class LocalQueryParser:
    """Parses English property requests against the locations present in the indexed data."""

    def __init__(self, locations: Iterable[str], fuzzy_threshold: float = 84.0) -> None:
        self.places = PlaceMatcher(locations, fuzzy_threshold)
        self._quantities = QuantityExtractor()

    @property
    def locations(self) -> list[str]:
        return self.places.locations

    def parse(self, text: str) -> ParsedQuery:
        tokens = tokenize(blank_contact_details(text))
        used: set[int] = set()
        mentions = self.places.find(tokens)
        location, flags = self._places(mentions, tokens, used)
        values, smaller = self._filters(self._quantities.extract(tokens), used)
        words = [t.norm for t in tokens]
        filters = SearchFilters(
            location=location,
            description_query=describe(tokens, used),
            **values,
        )
        preferences = RankingPreferences(
            cheaper=_has_any(words, _CHEAPER, _CHEAPER_PHRASES),
            bigger=_describes_home(words, _BIGGER),
            smaller=smaller or _describes_home(words, _SMALLER),
        )
        return ParsedQuery(
            text=text,
            filters=filters,
            flagged_places=tuple(flags),
            preferences=preferences,
            parser="local",
        )

    # -- places --------------------------------------------------------------------------------
    @staticmethod
    def _places(
        mentions: list[PlaceMention], tokens: list[Token], used: set[int]
    ) -> tuple[str | None, list[FlaggedPlace]]:
        location: str | None = None
        flags: list[FlaggedPlace] = []
        for m in mentions:
            _consume_place(m, tokens, used)
            if m.kind == "covered":
                continue
            if m.kind == "unsure":
                flags.append(
                    FlaggedPlace(text=m.text, issue=PlaceIssue.UNSURE, suggestion=m.canonical)
                )
            elif m.kind == "vague":
                flags.append(FlaggedPlace(text=m.text.lower(), issue=PlaceIssue.VAGUE))
            elif m.kind == "unknown":
                flags.append(FlaggedPlace(text=m.canonical, issue=PlaceIssue.UNKNOWN))
            elif m.negated:
                flags.append(FlaggedPlace(text=m.canonical, issue=PlaceIssue.EXCLUDED))
            elif location is None:
                location = m.canonical
            elif m.canonical != location:
                flags.append(FlaggedPlace(text=m.canonical, issue=PlaceIssue.EXTRA))
        return location, _dedupe(flags)

    # -- numbers -------------------------------------------------------------------------------
    @staticmethod
    def _filters(quantities: list[Quantity], used: set[int]) -> tuple[dict[str, int], bool]:
        values: dict[str, int] = {}
        smaller = False
        for q in quantities:
            if q.unit is None:
                continue
            used.update(range(q.start, q.end))
            used.update(q.consumed)
            cue = q.cue or ""
            if q.unit in ("rooms", "baths"):
                if q.value > _MAX_COUNT[q.unit] or q.value != int(q.value):
                    continue
                if q.bound == "max" and cue not in MONEY_ONLY_CUES:
                    continue  # "at most two bedrooms" cannot be a minimum
                count = int(q.value) + (1 if cue in _STRICT_CUES else 0)
                values["min_rooms" if q.unit == "rooms" else "min_baths"] = count
            elif q.unit in ("area", "area_ft2"):
                m2 = q.value * SQFT_TO_M2 if q.unit == "area_ft2" else q.value
                if m2 > _MAX_AREA_M2 or cue in MONEY_ONLY_CUES - {"for"}:
                    continue
                if q.bound == "max":
                    smaller = True
                else:
                    factor = 1 - _APPROX if q.bound == "approx" else 1.0
                    values["sqft_bigger_than"] = round(m2 * factor)
            elif q.bound == "min":
                values["price_bigger_than"] = round(q.value)
            elif q.bound == "approx":
                values["price_bigger_than"] = round(q.value * (1 - _APPROX))
                values["price_smaller_than"] = round(q.value * (1 + _APPROX))
            else:
                values["price_smaller_than"] = round(q.value)
        return values, smaller


def _consume_place(m: PlaceMention, tokens: list[Token], used: set[int]) -> None:
    """Drop the place and its framing words ("in the", "anywhere but", "area") from the text."""
    used.update(range(m.start, m.end))
    i = m.start - 1
    framing = _PLACE_LEADS | ({"not", "but", "except", "avoid", "anywhere", "outside", "or"})
    while i >= 0 and tokens[i].norm in framing and m.start - i <= 3:
        used.add(i)
        i -= 1
    if m.end < len(tokens) and tokens[m.end].norm in _PLACE_TAILS:
        used.add(m.end)


def _has_any(
    words: list[str], singles: set[str], pairs: set[tuple[str, str]] | None = None
) -> bool:
    words = [w for w in words if w[:1].isalnum()]  # "budget-friendly" is two words
    if any(w in singles for w in words):
        return True
    return bool(pairs) and any((a, b) in (pairs or set()) for a, b in itertools.pairwise(words))


def _describes_home(words: list[str], adjectives: set[str]) -> bool:
    """ "a big flat" is about size; "a big terrace" is about the terrace (left to the text)."""
    words = [w for w in words if w[:1].isalnum()]
    for i, w in enumerate(words):
        if w not in adjectives:
            continue
        nxt = words[i + 1 : i + 3]
        # "a big terrace", "a big sunny terrace" — but "a spacious three bedroom" is the home.
        if nxt and nxt[0] in _FEATURE_NOUNS:
            continue
        if len(nxt) == 2 and nxt[1] in _FEATURE_NOUNS and not _is_number(nxt[0]):
            continue
        return True
    return False


def _is_number(word: str) -> bool:
    return word[:1].isdigit() or word in NUMBER_WORDS


def _dedupe(flags: list[FlaggedPlace]) -> list[FlaggedPlace]:
    seen: set[tuple[str, str]] = set()
    out: list[FlaggedPlace] = []
    for f in flags:
        key = (f.text.lower(), f.issue.value)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
