"""The description text of a search: only the words that describe a home (features.yaml).

What a caller says beyond the hard criteria goes to the semantic space and is read back in the
avatar's summary, so it must hold "bright penthouse with a terrace", never "um", "good
afternoon", a name, or a word the speech recogniser got wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from property_agent.search.text import Token, normalize, strip_accents

_HOME_NOUNS = frozenset("flat flats apartment apartments home homes property place".split())


@dataclass(frozen=True)
class FeatureVocabulary:
    words: frozenset[str]
    phrases: tuple[tuple[str, ...], ...]  # longest first
    linking: frozenset[str]


@cache
def vocabulary() -> FeatureVocabulary:
    raw = yaml.safe_load(resources.files(__package__).joinpath("features.yaml").read_text("utf-8"))
    phrases = {tuple(normalize(p).replace("-", " ").split()) for p in raw["phrases"]}
    return FeatureVocabulary(
        words=frozenset(strip_accents(w).lower() for w in str(raw["words"]).split()),
        phrases=tuple(sorted(phrases, key=len, reverse=True)),
        linking=frozenset(str(raw["linking"]).split()) | _HOME_NOUNS,
    )


@dataclass(frozen=True)
class _Word:
    text: str
    norm: str


def _words(tokens: Sequence[Token], used: set[int]) -> list[_Word]:
    """Unused word tokens, with hyphenated compounds ("south-facing", "en-suite") joined."""
    out: list[_Word] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if i in used or t.kind != "word":
            i += 1
            continue
        text, norm, j = t.text, t.norm, i + 1
        while (
            j + 1 < len(tokens)
            and tokens[j].text == "-"
            and tokens[j + 1].kind == "word"
            and tokens[j].start == tokens[j - 1].end
            and tokens[j + 1].start == tokens[j].end
            and j + 1 not in used
        ):
            text, norm = f"{text}-{tokens[j + 1].text}", f"{norm}-{tokens[j + 1].norm}"
            j += 2
        out.append(_Word(text, norm))
        i = j
    return out


def describe(tokens: Sequence[Token], used: set[int]) -> str | None:
    """The home-describing words among the tokens not used by a filter, in the caller's order;
    None when there are none."""
    vocab = vocabulary()
    words = _words(tokens, used)
    keep = [False] * len(words)
    feature = [False] * len(words)
    norms = [w.norm for w in words]
    for i in range(len(words)):
        span = _phrase_at(norms, i, vocab.phrases)
        for k in range(i, i + span):
            keep[k] = feature[k] = True
        if norms[i] in vocab.words:
            keep[i] = feature[i] = True
        elif norms[i] in vocab.linking:
            keep[i] = True
    for i in _unwanted(norms, vocab):
        keep[i] = feature[i] = False
    kept = [i for i in range(len(words)) if keep[i]]
    # "is there, um, a terrace? like, a, a terrace": each feature once, no stutters.
    seen: set[str] = set()
    deduped: list[int] = []
    for i in kept:
        if (feature[i] and norms[i] in seen) or (deduped and norms[deduped[-1]] == norms[i]):
            continue
        if feature[i]:
            seen.add(norms[i])
        deduped.append(i)
    kept = deduped
    while kept and not feature[kept[0]]:
        kept.pop(0)
    while kept and not feature[kept[-1]]:
        kept.pop()
    return " ".join(words[i].text.lower() for i in kept) or None


_DROP_CUES = ("forget", "skip", "drop", "scrap", "mind")  # "forget the pool", "never mind the lift"


def _unwanted(norms: list[str], vocab: FeatureVocabulary) -> list[int]:
    """Features the caller takes back ("forget the pool", "never mind the garden"): they are no
    wish, whatever else the sentence asks for."""
    out: list[int] = []
    for i, norm in enumerate(norms):
        if norm not in _DROP_CUES:
            continue
        j = i + 1
        while j < len(norms) and norms[j] in {"the", "a", "an", "about", "that"}:
            j += 1
        while j < len(norms) and norms[j] in vocab.words:
            out.append(j)
            j += 1
    return out


def _phrase_at(norms: list[str], i: int, phrases: tuple[tuple[str, ...], ...]) -> int:
    """How many words from `i` make up a known phrase (hyphens count as spaces); 0 if none."""
    for phrase in phrases:
        parts: list[str] = []
        for m, norm in enumerate(norms[i : i + len(phrase)], 1):
            parts += norm.split("-")
            if tuple(parts) == phrase:
                return m
            if len(parts) >= len(phrase):
                break
    return 0


def taken_back(text: str) -> set[str]:
    """The features a sentence takes back: "forget the pool" → {"pool"}."""
    from property_agent.search.text import tokenize

    norms = [t.norm for t in tokenize(text) if t.kind == "word"]
    return {norms[i] for i in _unwanted(norms, vocabulary())}
