"""Scoring a transcript against what the caller said: word error rate on normalised words, and
what the recogniser wrote where the caller said the place name."""

from __future__ import annotations

import re
import unicodedata

from num2words import num2words

_CONTRACTIONS = {
    "i'm": "i am", "i'd": "i would", "we'd": "we would", "we're": "we are", "that's": "that is",
    "it's": "it is", "i've": "i have", "you've": "you have", "don't": "do not", "what's": "what is",
}  # fmt: skip
_FILLERS = {"um", "uh", "er", "erm", "hmm"}


def normalise(text: str) -> list[str]:
    """Lower-case words without accents, punctuation, fillers or contractions; digits as words
    ("2" → "two", "300,000" → "three hundred thousand"), so "Chamberí, 2 beds" equals
    "chamberi two beds"."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("’", "'")
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    text = re.sub(r"\d+", lambda m: f" {num2words(int(m.group()))} ", text)
    text = re.sub(r"[^a-z' ]+", " ", text)
    words: list[str] = []
    for word in text.split():
        word = word.strip("'")
        words.extend(_CONTRACTIONS.get(word, word).split())
    return [w for w in words if w and w not in _FILLERS]


def _alignment(ref: list[str], hyp: list[str]) -> list[tuple[int | None, int | None]]:
    """A minimum-edit alignment: pairs of (ref index, hyp index), None for an insertion or
    deletion."""
    n, m = len(ref), len(hyp)
    cost = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        cost[i][0] = i
    for j in range(m + 1):
        cost[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost[i][j] = min(
                cost[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]),
                cost[i - 1][j] + 1,
                cost[i][j - 1] + 1,
            )
    pairs: list[tuple[int | None, int | None]] = []
    i, j = n, m
    while i or j:
        if i and j and cost[i][j] == cost[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]):
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif i and cost[i][j] == cost[i - 1][j] + 1:
            pairs.append((i - 1, None))
            i -= 1
        else:
            pairs.append((None, j - 1))
            j -= 1
    return pairs[::-1]


def word_errors(reference: str, transcript: str) -> tuple[int, int]:
    """(substitutions + deletions + insertions, reference words)."""
    ref, hyp = normalise(reference), normalise(transcript)
    pairs = _alignment(ref, hyp)
    errors = sum(1 for r, h in pairs if r is None or h is None or ref[r] != hyp[h])
    return errors, len(ref)


def place_words(reference: str, place: str) -> list[str]:
    """The words of `reference` that name `place`: the longest run of the place's own words
    ("Malasaña-Universidad" is said "Malasana", "Barrio de Salamanca" "Salamanca")."""
    ref, name = normalise(reference), normalise(place.replace("-", " "))
    for size in range(len(name), 0, -1):
        for start in range(len(name) - size + 1):
            run = name[start : start + size]
            if any(ref[i : i + size] == run for i in range(len(ref))):
                return run
    return []


def heard_as(reference: str, transcript: str, place: str) -> str:
    """What the transcript holds where the caller named `place` in `reference`: the aligned
    transcript words, with any insertions among them."""
    ref, hyp = normalise(reference), normalise(transcript)
    target = place_words(reference, place)
    starts = [i for i in range(len(ref)) if ref[i : i + len(target)] == target]
    if not starts or not target:
        return "?"
    first, last = starts[0], starts[0] + len(target) - 1
    pairs = _alignment(ref, hyp)
    hits = [
        h
        for k, (r, h) in enumerate(pairs)
        if h is not None
        and (
            (r is not None and first <= r <= last)
            or (r is None and _between(pairs, k, first, last))
        )
    ]
    return " ".join(hyp[h] for h in hits) if hits else "(nothing)"


def _between(pairs: list[tuple[int | None, int | None]], k: int, first: int, last: int) -> bool:
    """The inserted word at `k` lies next to or inside the place span."""
    before = next((r for r, _ in reversed(pairs[:k]) if r is not None), -1)
    return first - 1 <= before <= last
