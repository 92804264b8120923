"""Reading the numbers callers say: digits as people type them ("1.200.000", "500 000"),
spelled-out numbers ("nine hundred and fifty thousand"), "one and a half million", and counts the
recogniser misheard ("for bedrooms" is four).

Spelled-out numbers are converted with text2num (well kept); `quantities` then decides what each
number measures and how it bounds the search.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from text_to_num import text2num

from property_agent.search.text import Token
from property_agent.search.vocabulary import (
    ADJECTIVES,
    COUNT_NOUNS,
    CURRENCY,
    MISHEARD_COUNTS,
    NUMBER_WORDS,
    ORDINAL_SUFFIX,
    SCALE_AFTER_A,
    SCALES,
    SMALL_WORDS,
    SPECIAL_PHRASES,
    Bound,
)

Unit = Literal["rooms", "baths", "area", "area_ft2", "money"]


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


def read_numbers(tokens: Sequence[Token], words: list[str]) -> list[Quantity]:
    """Every number in `words` (the norms of `tokens`), with the token range it covers."""
    out: list[Quantity] = []
    i = 0
    while i < len(tokens):
        q = _number_at(tokens, words, i)
        if q is None:
            i += 1
            continue
        q = _scale(q, words)
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


def _number_at(tokens: Sequence[Token], words: list[str], i: int) -> Quantity | None:
    special = _special(words, i)
    if special is not None:
        value, n = special
        return Quantity(value, i, i + n, scaled=value >= 1000)
    if tokens[i].is_num:
        if _is_unit_suffix(tokens, words, i):
            return None
        return _digits(tokens, words, i)
    if words[i] in NUMBER_WORDS or (
        words[i] in {"a", "an"} and i + 1 < len(words) and words[i + 1] in SCALE_AFTER_A
    ):
        return _spelled(words, i)
    return None


def _is_unit_suffix(tokens: Sequence[Token], words: list[str], i: int) -> bool:
    """The "2" of "m2" / "ft2" is part of a unit, not a number."""
    return (
        tokens[i].text == "2"
        and i > 0
        and words[i - 1] in {"m", "ft", "metres", "meters", "mt", "mts"}
        and tokens[i].start == tokens[i - 1].end
    )


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


def _scale(q: Quantity, words: list[str]) -> Quantity:
    j = q.end
    if q.ordinal or j >= len(words) or words[j] not in SCALES:
        return q
    following = words[j + 1] if j + 1 < len(words) else ""
    if words[j] == "m" and (q.value >= 20 or following in {"2", "²", "squared", "sq"}):
        return q  # "80m" / "80 m2" is metres, not 80 million
    return replace(q, value=q.value * SCALES[words[j]], end=j + 1, scaled=True)


def _before_count_noun(words: list[str], j: int) -> bool:
    """ "for bedrooms" (four), "to bathrooms" (two): a count word the recogniser misheard, right
    before the noun it counts."""
    while j < len(words) and words[j] in ADJECTIVES:
        j += 1
    return j < len(words) and words[j] in COUNT_NOUNS


def _after_between(words: list[str], q: Quantity) -> bool:
    return q.start > 0 and words[q.start - 1] == "between"


def _run_words(words: list[str], j: int) -> list[str]:
    rest: list[str] = []
    while j < len(words) and (words[j] in NUMBER_WORDS or words[j] == "point"):
        rest.append(words[j])
        j += 1
    return rest
