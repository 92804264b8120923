"""Choosing among Whisper's readings of a turn: the one naming a place a caller can be offered.

On phone audio a Madrid name is often the only word Whisper is unsure of, and its best reading
turns it into English ("in material", "in Canberra", "in tattoo and") while a reading nearly as
likely has it right ("in Retiro", "in Chamberí", "in Tetuán"). A later reading is taken only for
a place that sounds like the words it replaces, so "in Seoul" does not become "in Salamanca".
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher

import jellyfish

from property_agent.search.places import PlaceMatcher, PlaceMention
from property_agent.search.text import tokenize
from property_agent.voice.stt.whisper_nbest import Reading

# How much less likely (average log-probability per token) a reading may be than the best one and
# still be chosen for the place it names: the picks that were right on the phone bench were within
# 0.16; the wrong one, 0.31 below, read "Seoul" as "Salaman" (Salamanca).
MARGIN = 0.2


def _sound(words: Sequence[str]) -> str:
    return jellyfish.metaphone("".join(words)) if words else ""


def sounds_alike(heard: Sequence[str], place: Sequence[str]) -> bool:
    """The words the best reading has where the other names a place sound like that place: at
    most half the sounds (Metaphone codes) differ. "material" ~ "Retiro", "Canberra" ~
    "Chamberí", "tattoo and" ~ "Tetuán"; not "Seoul" ~ "Salamanca"."""
    a, b = _sound(heard), _sound(place)
    if not a or not b:
        return False
    return jellyfish.levenshtein_distance(a, b) <= max(1, max(len(a), len(b)) // 2)


class PlaceChoice:
    """The best reading, unless it names no neighbourhood with listings and one nearly as likely
    names one where the best has words that sound like it. Built once per set of listed places."""

    def __init__(self, locations: Sequence[str]) -> None:
        self._places = PlaceMatcher(list(locations))

    def _named(self, text: str) -> tuple[list[str], list[PlaceMention]]:
        tokens = tokenize(text)
        mentions = [m for m in self._places.find(tokens) if m.kind == "location" and not m.negated]
        return [t.norm for t in tokens], mentions

    def choose(self, readings: Sequence[Reading]) -> str:
        if not readings:
            return ""
        best = readings[0]
        if len(readings) == 1:
            return best.text
        best_words, named = self._named(best.text)
        if named:
            return best.text
        for reading in readings[1:]:
            if best.avg_logprob - reading.avg_logprob > MARGIN:
                break
            words, mentions = self._named(reading.text)
            if any(self._replaces(best_words, words, m) for m in mentions):
                return reading.text
        return best.text

    @staticmethod
    def _replaces(best: list[str], other: list[str], mention: PlaceMention) -> bool:
        """`other` names the place where `best` has words that sound like it."""
        matcher = SequenceMatcher(a=best, b=other, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal" or not (j1 <= mention.start and mention.end <= j2):
                continue
            return sounds_alike(best[i1:i2], other[mention.start : mention.end])
        return False
