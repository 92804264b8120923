"""How near a heard word is to a place name: spelling, sound, and whether it was said as a place.

The speech recogniser writes a Madrid name it does not know as the nearest thing it can spell:
"Reciro", "Monlo", "Canartín", "sin bliss", "Argel". Spelling distance alone (rapidfuzz's ratio,
the `fuzzy_threshold` setting) accepts only the closest of these. Two more signals accept others:
the same sound (Metaphone or NYSIIS code), and being said as a place ("in Reciro", measured by
Jaro-Winkler similarity). Weaker matches are not filters: they come back unsure, with the
neighbourhood to ask about ("did you mean Moncloa?").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import jellyfish
from rapidfuzz import fuzz, process

# Tuned on the parser's dev cases and the phone bench's dev split (scripts/bench_phone_stt.py).
_SAME_SOUND_RATIO = 70.0  # same sound, spelled this close: sure anywhere
_SAID_AS_PLACE_SAME_SOUND_RATIO = 60.0  # "in sin bliss" (San Blas), "in Argel" (Argüelles)
_CONTEXT_JW = 0.90  # "in Reciro"
_CONTEXT_RATIO = 75.0
_CONTEXT_NEAR_SOUND_JW = 0.85  # "in Pinot del Rey": one sound apart and close in spelling
_UNSURE_JW = 0.85
_UNSURE_RATIO = 72.0
_UNSURE_NEAR_SOUND_RATIO = 60.0  # "in Manlo": one sound from Moncloa, worth asking about
_UNSURE_NEAR_SOUND_JW = 0.80


@dataclass(frozen=True)
class NearMiss:
    """The place key nearest to a heard word, its spelling ratio, and whether it is sure."""

    key: str
    ratio: float
    sure: bool


def _same_sound(a: str, b: str) -> bool:
    return jellyfish.metaphone(a) == jellyfish.metaphone(b) or jellyfish.nysiis(
        a
    ) == jellyfish.nysiis(b)


def _near_sound(a: str, b: str) -> bool:
    return jellyfish.levenshtein_distance(jellyfish.metaphone(a), jellyfish.metaphone(b)) <= 1


def _by_spelling(heard: str, key: str, ratio: float, threshold: float, lead: bool) -> bool | None:
    """Sure, unsure (False) or no match (None) for the key spelled nearest the heard word."""
    jw = jellyfish.jaro_winkler_similarity(heard, key)
    if (
        ratio >= threshold
        or (_same_sound(heard, key) and ratio >= _SAME_SOUND_RATIO)
        or (lead and jw >= _CONTEXT_JW and ratio >= _CONTEXT_RATIO)
        or (
            lead
            and jw >= _CONTEXT_NEAR_SOUND_JW
            and ratio >= _CONTEXT_RATIO
            and _near_sound(heard, key)
        )
    ):
        return True
    return False if jw >= _UNSURE_JW else None


def _by_sound(heard: str, keys: Sequence[str]) -> NearMiss | None:
    """Said as a place, a word that sounds like a place name: sure when it sounds the same,
    unsure when one sound apart."""
    best: NearMiss | None = None
    for key in keys:
        ratio = fuzz.ratio(heard, key)
        if ratio < _UNSURE_NEAR_SOUND_RATIO:
            continue
        if ratio >= _SAID_AS_PLACE_SAME_SOUND_RATIO and _same_sound(heard, key):
            candidate = NearMiss(key, ratio, sure=True)
        elif (
            _near_sound(heard, key)
            and jellyfish.jaro_winkler_similarity(heard, key) >= _UNSURE_NEAR_SOUND_JW
        ):
            candidate = NearMiss(key, ratio, sure=False)
        else:
            continue
        if best is None or (candidate.sure, candidate.ratio) > (best.sure, best.ratio):
            best = candidate
    return best


def nearest(heard: str, keys: Sequence[str], *, threshold: float, lead: bool) -> NearMiss | None:
    """The place key a heard word most likely is, or None. `lead`: said as a place ("in …")."""
    found = process.extractOne(heard, keys, scorer=fuzz.ratio, score_cutoff=_UNSURE_RATIO)
    if found is not None:
        key, ratio = found[0], float(found[1])
        sure = _by_spelling(heard, key, ratio, threshold, lead)
        if sure:
            return NearMiss(key, ratio, sure=True)
        spelled = None if sure is None else NearMiss(key, ratio, sure=False)
    else:
        spelled = None
    sounded = _by_sound(heard, keys) if lead else None
    if sounded is not None and (sounded.sure or spelled is None):
        return sounded
    return spelled
