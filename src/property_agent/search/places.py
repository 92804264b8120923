"""Neighbourhood names in callers' words: exact, accent-free, split and fuzzy matching.

The matcher is built from the locations actually present in the indexed data, so a filter is
only ever set to a value that can match listings. Everything else a caller names comes back as a
mention of kind "unknown" (no listings there), "vague" ("downtown") or "covered" ("Madrid").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import yaml
from wordfreq import zipf_frequency

from property_agent.search.near_miss import nearest
from property_agent.search.text import Token, normalize

MentionKind = Literal["location", "unknown", "vague", "covered", "unsure"]

# Words that make an ambiguous alias ("imperial", "sol") a place: "in Imperial", "the Sol area".
_PLACE_PREPOSITIONS = {"in", "near", "around", "at", "by", "to", "of", "from", "towards", "nearby"}
_PLACE_NOUNS = {"area", "neighbourhood", "neighborhood", "district", "barrio", "zone", "quarter"}
_LEADS = {"in", "near", "around", "at", "by"}
_SPLIT_NAME_LEADS = {"in", "near", "around"}  # "in more a tall ass"; not "at least"
_NEGATIONS = {"not", "but", "except", "avoid", "avoiding", "outside", "excluding", "without", "no"}
_COVERED = {"madrid": "Madrid", "spain": "Spain", "comunidad de madrid": "Madrid"}
# Fuzzy matching only looks at words that are not everyday English ("latin" must not become
# Latina): zipf frequency below this is rare enough to be a misheard name.
_COMMON_WORD_ZIPF = 3.0
_MAX_ALIAS_WORDS = 5
_RARE_ZIPF = 2.2  # rarer than this, a word has no everyday English sense


@dataclass(frozen=True)
class PlaceEntry:
    canonical: str
    kind: MentionKind
    context_only: bool = False


@dataclass(frozen=True)
class PlaceMention:
    """A place named in the query: its token range, canonical name and what it is to us."""

    start: int  # first token index
    end: int  # one past the last token index
    text: str
    canonical: str
    kind: MentionKind
    negated: bool = False
    fuzzy: bool = False


@dataclass(frozen=True)
class Catalogue:
    neighbourhoods: dict[str, tuple[list[str], list[str]]]  # canonical -> (aliases, context_only)
    madrid_elsewhere: list[str]
    elsewhere: list[str]
    vague: list[str]


@cache
def load_catalogue() -> Catalogue:
    raw = yaml.safe_load(resources.files(__package__).joinpath("places.yaml").read_text("utf-8"))
    hoods: dict[str, tuple[list[str], list[str]]] = {}
    for name, spec in raw["neighbourhoods"].items():
        if isinstance(spec, dict):
            hoods[name] = (list(spec.get("aliases", [])), list(spec.get("context_only", [])))
        else:
            hoods[name] = (list(spec or []), [])
    return Catalogue(hoods, raw["madrid_elsewhere"], raw["elsewhere"], raw["vague"])


def _auto_aliases(name: str) -> list[str]:
    """Spoken forms of a compound name: "Lavapiés-Embajadores" → itself, each part."""
    parts = [p.strip() for p in name.split("-") if p.strip()]
    aliases = [name, *parts] if len(parts) > 1 else [name]
    for alias in list(aliases):
        low = alias.lower()
        for article in ("el ", "la ", "los ", "las ", "barrio de "):
            if low.startswith(article) and len(low) > len(article) + 3:
                aliases.append(alias[len(article) :])
    return aliases


class PlaceMatcher:
    """Finds place mentions in tokenised text. Build once per set of indexed locations."""

    def __init__(self, locations: Iterable[str], fuzzy_threshold: float = 84.0) -> None:
        self.locations = sorted({loc.strip() for loc in locations if loc and loc.strip()})
        self.fuzzy_threshold = fuzzy_threshold
        self._table: dict[tuple[str, ...], PlaceEntry] = {}
        self._joined: dict[str, PlaceEntry] = {}
        self._build(load_catalogue())
        self._fuzzy_keys = [
            k for k, e in self._joined.items() if len(k) >= 5 and e.kind in ("location", "unknown")
        ]

    # -- table ---------------------------------------------------------------------------------
    def _add(self, alias: str, entry: PlaceEntry, *, override: bool = False) -> None:
        key = tuple(normalize(alias).split())
        if not key or (key in self._table and not override):
            return
        self._table[key] = entry
        if override:
            self._joined["".join(key)] = entry
        else:
            self._joined.setdefault("".join(key), entry)

    def _build(self, cat: Catalogue) -> None:
        in_data = {normalize(loc): loc for loc in self.locations}
        for loc in self.locations:  # data first: the data is the truth about what exists
            for alias in _auto_aliases(loc):
                self._add(alias, PlaceEntry(loc, "location"))
        for name, (aliases, context_only) in cat.neighbourhoods.items():
            canonical = in_data.get(normalize(name), name)
            kind: MentionKind = "location" if normalize(name) in in_data else "unknown"
            for alias in [*_auto_aliases(name), *aliases]:
                self._add(alias, PlaceEntry(canonical, kind))
            for alias in context_only:
                self._add(alias, PlaceEntry(canonical, kind, context_only=True), override=True)
        for name in cat.madrid_elsewhere:
            self._add(name, PlaceEntry(in_data.get(normalize(name), name), "unknown"))
        for name in cat.elsewhere:
            self._add(name, PlaceEntry(name, "unknown"))
        for phrase in cat.vague:
            self._add(phrase, PlaceEntry(phrase, "vague"))
        for phrase, canonical in _COVERED.items():
            self._add(phrase, PlaceEntry(canonical, "covered"))

    # -- matching ------------------------------------------------------------------------------
    def find(self, tokens: Sequence[Token]) -> list[PlaceMention]:
        words = [t.norm if t.kind == "word" else "" for t in tokens]
        mentions: list[PlaceMention] = []
        taken = [False] * len(tokens)
        i = 0
        while i < len(tokens):
            hit = self._exact_at(words, i)
            if hit is None:
                i += 1
                continue
            n, entry = hit
            if entry.context_only and not self._has_context(tokens, words, i, i + n):
                i += 1
                continue
            mentions.append(self._mention(tokens, words, i, i + n, entry, fuzzy=False))
            taken[i : i + n] = [True] * n
            i += n
        mentions.extend(self._fuzzy(tokens, words, taken))
        mentions.extend(self._unnamed(tokens, words, taken))
        return sorted(mentions, key=lambda m: m.start)

    def _exact_at(self, words: list[str], i: int) -> tuple[int, PlaceEntry] | None:
        for n in range(min(_MAX_ALIAS_WORDS, len(words) - i), 0, -1):
            window = words[i : i + n]
            if not all(window):
                continue
            entry = self._table.get(tuple(window))
            if entry is None and n > 1:  # "lava pies" for "Lavapiés"
                entry = self._joined.get("".join(window))
            if entry is not None:
                return n, entry
        return None

    def _fuzzy(
        self, tokens: Sequence[Token], words: list[str], taken: list[bool]
    ) -> list[PlaceMention]:
        candidates: list[tuple[float, int, int, PlaceEntry, bool]] = []
        for i in range(len(words)):
            for n in (1, 2, 3, 4):
                window = words[i : i + n]
                if len(window) < n or not all(window) or any(taken[i : i + n]):
                    continue
                lead = bool(set(words[max(0, i - 2) : i]) & _LEADS)
                right_after = i > 0 and words[i - 1] in _SPLIT_NAME_LEADS
                if not self._may_be_name(tokens[i : i + n], window, lead=right_after):
                    continue
                joined = "".join(window)
                if len(joined) < 5:
                    continue
                match = self._closest(joined, lead=lead)
                if match is None:
                    continue
                score, entry, sure = match
                if entry.context_only and not self._has_context(tokens, words, i, i + n):
                    continue
                candidates.append((score, n, i, entry, sure))
        found: list[PlaceMention] = []
        for _score, n, i, entry, sure in sorted(candidates, key=lambda c: (-c[0], -c[1])):
            if any(taken[i : i + n]):
                continue
            taken[i : i + n] = [True] * n
            if not sure:
                entry = PlaceEntry(entry.canonical, "unsure")
            found.append(self._mention(tokens, words, i, i + n, entry, fuzzy=True))
        return found

    @staticmethod
    def _may_be_name(tokens: Sequence[Token], window: list[str], *, lead: bool) -> bool:
        """Only words that are not everyday English are compared with place names: "latin" must
        not become Latina. A name the recogniser split into English words ("Chamber E", "more
        a tall ass") counts when joined it makes no English word and it is written as a name
        (capitalised) or said as a place ("in …")."""
        if len(window) < 4 and any(zipf_frequency(w, "en") < _COMMON_WORD_ZIPF for w in window):
            return True
        return (
            len(window) > 1
            and (lead or all(t.text[:1].isupper() for t in tokens))
            and zipf_frequency("".join(window), "en") < _COMMON_WORD_ZIPF
        )

    def _closest(self, heard: str, *, lead: bool) -> tuple[float, PlaceEntry, bool] | None:
        """The nearest place name to a heard word: (score, entry, sure), or None."""
        miss = nearest(heard, self._fuzzy_keys, threshold=self.fuzzy_threshold, lead=lead)
        return None if miss is None else (miss.ratio, self._joined[miss.key], miss.sure)

    def _unnamed(
        self, tokens: Sequence[Token], words: list[str], taken: list[bool]
    ) -> list[PlaceMention]:
        """Names after "in"/"near" that match nothing we know: "a flat in Valdemoro".

        Capitalised words count (speech recognition capitalises proper nouns); lowercase ones only
        when they are not English at all, so "in good condition" is never a place.
        """
        found: list[PlaceMention] = []
        i = 0
        while i < len(words):
            if words[i] not in {"in", "near", "around"} or i + 1 >= len(words):
                i += 1
                continue
            j = i + 1
            while j < len(words) and words[j] and not taken[j] and self._looks_like_name(tokens[j]):
                j += 1
            if j > i + 1:
                entry = PlaceEntry(" ".join(t.text for t in tokens[i + 1 : j]), "unknown")
                taken[i + 1 : j] = [True] * (j - i - 1)
                found.append(self._mention(tokens, words, i + 1, j, entry, fuzzy=False))
            i = j
        return found

    @staticmethod
    def _looks_like_name(token: Token) -> bool:
        if token.kind != "word" or len(token.norm) < 3:
            return False
        zipf = zipf_frequency(token.norm, "en")
        if token.text[:1].isupper():
            return zipf < 4.5
        return zipf < 1.5

    def _has_context(self, tokens: Sequence[Token], words: list[str], i: int, j: int) -> bool:
        before = {w for w in words[max(0, i - 2) : i]}
        after = words[j] if j < len(words) else ""
        if before & _PLACE_PREPOSITIONS or after in _PLACE_NOUNS:
            return True
        if words[max(0, i - 2) : i] in (["what", "about"], ["how", "about"]):
            return True  # "what about goya?"
        if all(zipf_frequency(w, "en") < _RARE_ZIPF for w in words[i:j]):
            return True  # "castellana", "ventas": no English reading to confuse them with
        # "Goya and Lista", "Sol or Palacio": listed alongside another place
        if after in {"and", "or"} and self._exact_at(words, j + 1) is not None:
            return True
        if i >= 2 and words[i - 1] in {"and", "or"} and self._place_ends_at(words, i - 1):
            return True
        return i > 0 and tokens[i].text[:1].isupper()

    def _place_ends_at(self, words: list[str], end: int) -> bool:
        return any(
            self._table.get(tuple(words[end - n : end])) is not None
            for n in range(1, min(_MAX_ALIAS_WORDS, end) + 1)
        )

    def _mention(
        self,
        tokens: Sequence[Token],
        words: list[str],
        i: int,
        j: int,
        entry: PlaceEntry,
        *,
        fuzzy: bool,
    ) -> PlaceMention:
        before = [w for w in words[max(0, i - 3) : i] if w not in {"in", "the", "of"}]
        negated = bool(set(before[-2:]) & _NEGATIONS)
        text = " ".join(t.text for t in tokens[i:j])
        return PlaceMention(i, j, text, entry.canonical, entry.kind, negated, fuzzy)
