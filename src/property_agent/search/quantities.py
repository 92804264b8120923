"""What the numbers callers say measure and how they bound the search: "three bedrooms",
"80 m²", "under 400k", "between 800k and 1.2M".

`numbers` reads each number; this module decides what it measures (bedrooms, bathrooms, area,
money) and how it bounds the search (at least, at most, around, between).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from property_agent.search.numbers import Quantity, Unit, read_numbers
from property_agent.search.text import Token
from property_agent.search.vocabulary import (
    ADJECTIVES,
    AREA_FT2_ONE,
    AREA_FT2_TWO,
    AREA_M2_ONE,
    AREA_M2_TWO,
    BATH_WORDS,
    CUES_AFTER,
    CUES_BEFORE,
    CURRENCY,
    NOT_COUNTS,
    NUMBER_WORDS,
    RANGE_JOINERS,
    ROOM_WORDS,
    SKIP_BEFORE,
)

__all__ = ["SQFT_TO_M2", "Quantity", "QuantityExtractor", "Unit"]

SQFT_TO_M2 = 0.092903
MONEY_WITHOUT_UNIT_FROM = 10_000


class QuantityExtractor:
    """Finds every quantity in a token list, with its unit and bound."""

    def extract(self, tokens: Sequence[Token]) -> list[Quantity]:
        words = [t.norm for t in tokens]
        found = read_numbers(tokens, words)
        for q in found:
            self._unit(q, words)
        self._ranges(found, words)
        for q in found:
            if q.bound is None:
                self._cue(q, words)
        return [q for q in found if not q.ordinal]

    # -- units ---------------------------------------------------------------------------------
    def _unit(self, q: Quantity, words: list[str]) -> None:
        if q.ordinal:
            return
        j = q.end
        after = words[j + 1] if j + 1 < len(words) else ""
        if j < len(words) and (words[j] == "+" or (words[j] in {"-", "–"} and after.isalpha())):
            j += 1  # "3+ bedrooms", "three-bedroom"; not "3-4" or "€400k – €550k" (ranges)
        if words[j : j + 2] in (["or", "more"], ["or", "so"]):
            j += 2
        k = j
        while k < len(words) and k - j < 2 and words[k] in ADJECTIVES:
            k += 1
        nxt = words[k] if k < len(words) else ""
        if nxt in NOT_COUNTS:
            q.ordinal = True  # floors, years, minutes: not a search constraint
        elif nxt in ROOM_WORDS:
            q.unit, q.end = "rooms", k + 1
        elif nxt in BATH_WORDS:
            q.unit, q.end = "baths", k + 1
        elif area := _area_unit(words, j):
            q.unit, q.end = area
        elif j < len(words) and words[j] in CURRENCY and not _starts_next_amount(words, j):
            q.unit, q.currency, q.end = "money", True, j + 1
        elif q.currency or q.scaled or q.value >= MONEY_WITHOUT_UNIT_FROM:
            q.unit = "money"

    # -- bounds --------------------------------------------------------------------------------
    @staticmethod
    def _ranges(qs: list[Quantity], words: list[str]) -> None:
        for a, b in itertools.pairwise(qs):
            gap = words[a.end : b.start]
            before = words[a.start - 1] if a.start > 0 else ""
            if len(gap) != 1 or gap[0] not in RANGE_JOINERS or a.bound or b.bound:
                continue
            if gap[0] == "and" and before != "between":
                continue
            if a.unit and b.unit and a.unit != b.unit:
                continue
            unit = a.unit or b.unit
            if unit is None:
                continue
            if unit == "money" and a.scaled != b.scaled:
                _share_scale(a, b)
            a.unit = b.unit = unit
            if a.value > b.value:
                a.value, b.value = b.value, a.value
            a.bound, b.bound = "min", "max"
            a.cue = b.cue = "range"
            if before in {"between", "from"}:
                a.start -= 1
            a.consumed.update(range(a.end, b.start))

    @staticmethod
    def _cue(q: Quantity, words: list[str]) -> None:
        j = q.end
        for phrase, bound in CUES_AFTER:
            parts = phrase.split()
            if words[j : j + len(parts)] == parts and not _number_follows(words, j + len(parts)):
                q.bound, q.cue = bound, phrase
                q.consumed.update(range(j, j + len(parts)))
                return
        i = q.start
        skipped: list[int] = []
        while i > 0 and q.start - i < 6:
            for phrase, bound in CUES_BEFORE:
                parts = phrase.split()
                n = len(parts)
                if i - n >= 0 and words[i - n : i] == parts:
                    q.bound, q.cue = bound, phrase
                    q.consumed.update([*range(i - n, i), *skipped])
                    return
            if words[i - 1] not in SKIP_BEFORE:
                return
            skipped.append(i - 1)
            i -= 1


def _number_follows(words: list[str], j: int) -> bool:
    """ "two rooms, maximum seven hundred thousand": the cue belongs to the next number."""
    return j < len(words) and (words[j][:1].isdigit() or words[j] in NUMBER_WORDS)


def _starts_next_amount(words: list[str], j: int) -> bool:
    """True when the currency sign at j starts the next amount ("€400k – €550k")."""
    return j + 1 < len(words) and words[j + 1][:1].isdigit()


def _area_unit(words: list[str], j: int) -> tuple[Unit, int] | None:
    one = words[j] if j < len(words) else ""
    two = " ".join(words[j : j + 2])
    if two in AREA_M2_TWO:
        return "area", j + 2
    if two in AREA_FT2_TWO:
        return "area_ft2", j + 2
    if one in AREA_M2_ONE:
        return "area", j + 1
    if one in AREA_FT2_ONE:
        return "area_ft2", j + 1
    return None


def _share_scale(a: Quantity, b: Quantity) -> None:
    """ "between 2 and 3 million", "300 to 400k": a scale said once applies to both ends.

    The bare end takes whichever scale puts it closest to the other end: "from 900k to 1.1"
    is 1.1 million, "300 to 400k" is 300 thousand.
    """
    bare, said = (a, b) if b.scaled else (b, a)
    if bare.value >= 1_000:
        return
    # "from three to four hundred and fifty thousand": the bare end shares "hundred thousand".
    scales = (1_000, 100_000, 1_000_000) if bare.value < 10 else (1_000, 1_000_000)
    scale = min(scales, key=lambda s: abs(math.log(bare.value * s / said.value)))
    bare.value *= scale
    bare.scaled = True
