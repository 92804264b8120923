"""Numbers in callers' words: "three bedrooms", "half a million", "between 800k and 1.2M", "80 m²".

Spelled-out numbers are converted with text2num (well kept, handles "nine hundred and fifty
thousand"); this module decides what each number measures (bedrooms, bathrooms, area, money) and
how it bounds the search (at least, at most, around, between).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from text_to_num import text2num

from property_agent.search.text import Token
from property_agent.search.vocabulary import (
    ADJECTIVES,
    AREA_FT2_ONE,
    AREA_FT2_TWO,
    AREA_M2_ONE,
    AREA_M2_TWO,
    BATH_WORDS,
    COUNT_NOUNS,
    CUES_AFTER,
    CUES_BEFORE,
    CURRENCY,
    MISHEARD_COUNTS,
    NOT_COUNTS,
    NUMBER_WORDS,
    ORDINAL_SUFFIX,
    RANGE_JOINERS,
    ROOM_WORDS,
    SCALE_AFTER_A,
    SCALES,
    SKIP_BEFORE,
    SMALL_WORDS,
    SPECIAL_PHRASES,
    Bound,
)

Unit = Literal["rooms", "baths", "area", "area_ft2", "money"]
SQFT_TO_M2 = 0.092903
MONEY_WITHOUT_UNIT_FROM = 10_000


@dataclass
class Quantity:
    """A number the caller said, what it measures and which way it bounds the search."""

    value: float
    start: int  # token index range covered (number, scale, unit and cue words)
    end: int
    unit: Unit | None = None
    bound: Bound | None = None
    scaled: bool = False  # said with k / thousand / million: money unless a unit follows
    currency: bool = False
    range_partner: int | None = None  # index into the quantity list
    ordinal: bool = False
    cue: str | None = None  # the phrase that set the bound: "under", "at least", "range", …
    consumed: set[int] = field(default_factory=set)  # token indices to drop from description


def _parse_digits(text: str) -> float | None:
    """ "1,200,000" / "1.200.000" / "1.2" / "1,5" → a number (dots and commas as people type)."""
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", text):
        return float(re.sub(r"[.,]", "", text))
    if re.fullmatch(r"\d+[.,]\d+", text):
        return float(text.replace(",", "."))
    if text.isdigit():
        return float(text)
    return None


def _words_value(words: list[str]) -> float | None:
    """text2num with "point" decimals: "one point five" → 1.5."""
    if "point" in words:
        k = words.index("point")
        whole = _words_value(words[:k]) if k else 0.0
        digits = [text2num(w, "en") for w in words[k + 1 :]] if words[k + 1 :] else []
        if whole is None or not digits or any(d > 9 for d in digits):
            return None
        return whole + float("0." + "".join(str(d) for d in digits))
    try:
        return float(text2num(" ".join(words), "en"))
    except ValueError:
        return None


class QuantityExtractor:
    """Finds every quantity in a token list, with its unit and bound."""

    def extract(self, tokens: Sequence[Token]) -> list[Quantity]:
        words = [t.norm for t in tokens]
        found = self._numbers(tokens, words)
        for q in found:
            self._unit(q, words)
        self._ranges(found, words)
        for q in found:
            if q.bound is None:
                self._cue(q, words)
        return [q for q in found if not q.ordinal]

    # -- numbers -------------------------------------------------------------------------------
    def _numbers(self, tokens: Sequence[Token], words: list[str]) -> list[Quantity]:
        out: list[Quantity] = []
        i = 0
        while i < len(tokens):
            q = self._number_at(tokens, words, i)
            if q is None:
                i += 1
                continue
            q = self._scale(q, words)
            prev = out[-1] if out else None
            joined = prev is not None and (
                prev.end == q.start
                or (
                    words[prev.end] == "and"
                    and prev.end + 1 == q.start
                    and not _after_between(words, prev)
                )
            )
            if (  # "1 million 200 thousand", "one million and fifty thousand": one amount
                prev is not None
                and joined
                and prev.scaled
                and prev.value >= 1_000_000
                and q.scaled
                and q.value < 1_000_000
            ):
                prev.value += q.value
                prev.end = q.end
            else:
                out.append(q)
            i = max(q.end, i + 1)
        return out

    def _number_at(self, tokens: Sequence[Token], words: list[str], i: int) -> Quantity | None:
        special = self._special(words, i)
        if special is not None:
            value, n = special
            return Quantity(value, i, i + n, scaled=value >= 1000)
        if tokens[i].is_num:
            if self._is_unit_suffix(tokens, words, i):
                return None
            return self._digits(tokens, words, i)
        if words[i] in NUMBER_WORDS or (
            words[i] in {"a", "an"} and i + 1 < len(words) and words[i + 1] in SCALE_AFTER_A
        ):
            return self._spelled(words, i)
        return None

    @staticmethod
    def _is_unit_suffix(tokens: Sequence[Token], words: list[str], i: int) -> bool:
        """The "2" of "m2" / "ft2" is part of a unit, not a number."""
        return (
            tokens[i].text == "2"
            and i > 0
            and words[i - 1] in {"m", "ft", "metres", "meters", "mt", "mts"}
            and tokens[i].start == tokens[i - 1].end
        )

    @staticmethod
    def _special(words: list[str], i: int) -> tuple[float, int] | None:
        for phrase, value in SPECIAL_PHRASES:
            n = len(phrase)
            if tuple(words[i : i + n]) == phrase:
                return value, n
        # "one and a half million", "2 and a half million"; "between one and a half and two
        # million" (the scale said once, at the other end of the range)
        if words[i + 1 : i + 4] == ["and", "a", "half"]:
            base = float(words[i]) if words[i].isdigit() else _words_value([words[i]])
            scale = SCALES.get(words[i + 4]) if i + 4 < len(words) else None
            if base is not None and scale and scale >= 1_000:
                return (base + 0.5) * scale, 5
            if base is not None and base < 10:
                return base + 0.5, 4
        if words[i] in MISHEARD_COUNTS and _before_count_noun(words, i + 1):
            return MISHEARD_COUNTS[words[i]], 1
        return None

    @staticmethod
    def _digits(tokens: Sequence[Token], words: list[str], i: int) -> Quantity | None:
        text = tokens[i].text
        end = i + 1
        while (  # "500 000 €": a space used as the thousands separator
            end < len(tokens)
            and tokens[end].is_num
            and re.fullmatch(r"\d{3}", tokens[end].text)
            and tokens[end].start == tokens[end - 1].end + 1
            and re.fullmatch(r"\d{1,3}", tokens[i].text)
        ):
            text += tokens[end].text
            end += 1
        value = _parse_digits(text)
        if value is None:
            return None
        q = Quantity(value, i, end)
        if (
            end < len(words)
            and words[end] in ORDINAL_SUFFIX
            and tokens[end].start == tokens[end - 1].end
        ):
            q.ordinal = True
            q.end = end + 1
        if i > 0 and words[i - 1] in CURRENCY | {"$", "£"}:
            q.currency = True
            q.start = i - 1
        return q

    @staticmethod
    def _spelled(words: list[str], i: int) -> Quantity | None:
        run: list[str] = []
        lead_a = words[i] in {"a", "an"}
        if lead_a:  # "a million", "a hundred thousand"
            run.append("one")
        j = i + 1 if lead_a else i
        while j < len(words):
            w = words[j]
            nxt = words[j + 1] if j + 1 < len(words) else ""
            if w in NUMBER_WORDS:
                run.append(w)
            elif w == "point" and run and nxt in SMALL_WORDS:
                run.append(w)
            elif w in {"-", "–"} and run and run[-1] in SMALL_WORDS and nxt in SMALL_WORDS:
                pass  # "twenty-five"
            elif (
                w == "and"
                and run
                and run[-1] in {"hundred", "thousand", "million"}
                and (nxt in SMALL_WORDS)
            ):
                # British "two hundred and fifty (thousand)"; but in "eight hundred thousand and
                # one point two million" the "and" joins a range: it continues a number only when
                # the whole phrase is still one valid number.
                rest = _run_words(words, j + 1)
                if (
                    "point" in rest
                    or (run[-1] == "hundred" and "hundred" in rest)
                    or (run[-1] != "hundred" and {"hundred", "thousand", "million"} & set(rest))
                    or _words_value([*run, "and", *rest]) is None
                ):
                    break  # "four hundred and five hundred thousand" is a range
                run.append(w)
            else:
                break
            j += 1
        # Keep the longest prefix text2num accepts ("three four" is two numbers, not one).
        while len(run) > (1 if lead_a else 0):
            value = _words_value(run)
            if value is not None:
                return Quantity(value, i, j, scaled=value >= 1_000)
            run.pop()
            j -= 1
            while j > i and words[j - 1] in {"-", "–", "and", "point"}:
                j -= 1
                if run and run[-1] in {"and", "point"}:
                    run.pop()
        return None

    @staticmethod
    def _scale(q: Quantity, words: list[str]) -> Quantity:
        j = q.end
        if q.ordinal or j >= len(words) or words[j] not in SCALES:
            return q
        following = words[j + 1] if j + 1 < len(words) else ""
        if words[j] == "m" and (q.value >= 20 or following in {"2", "²", "squared", "sq"}):
            return q  # "80m" / "80 m2" is metres, not 80 million
        return replace(q, value=q.value * SCALES[words[j]], end=j + 1, scaled=True)

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


def _before_count_noun(words: list[str], j: int) -> bool:
    """ "for bedrooms" (four), "to bathrooms" (two): a count word the recogniser misheard, right
    before the noun it counts."""
    while j < len(words) and words[j] in ADJECTIVES:
        j += 1
    return j < len(words) and words[j] in COUNT_NOUNS


def _after_between(words: list[str], q: Quantity) -> bool:
    return q.start > 0 and words[q.start - 1] == "between"


def _starts_next_amount(words: list[str], j: int) -> bool:
    """True when the currency sign at j starts the next amount ("€400k – €550k")."""
    return j + 1 < len(words) and words[j + 1][:1].isdigit()


def _run_words(words: list[str], j: int) -> list[str]:
    rest: list[str] = []
    while j < len(words) and (words[j] in NUMBER_WORDS or words[j] == "point"):
        rest.append(words[j])
        j += 1
    return rest


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
