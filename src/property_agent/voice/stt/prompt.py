"""The vocabulary hint given to Whisper-family models, so Madrid names come out spelled right."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from wordfreq import zipf_frequency

from property_agent.config import Settings

# Noun phrases, not a sentence: Whisper tends to echo a prompt sentence back ("I'd like a two
# bedroom flat…"), and an echoed request would become a real search. Measured on espeak-ng
# requests: "Two bedroom flat, one bathroom…" was echoed in place of "two bedrooms in Malasaña";
# this tail was not, and it still gets "three-bedroom" and "Chamberí" right.
_PROMPT_TAIL = "Three bedrooms, two bathrooms, 70 square metres, 300,000 euros."
_PREFIX = "Madrid neighbourhoods: "
# Whisper reads at most 223 prompt tokens (Groq rejects more than 224); Spanish names average
# ~2.8 characters a token with Whisper's tokenizer: this budget keeps it near 190 tokens.
_MAX_PROMPT_CHARS = 540


def _priority(name: str) -> tuple[bool, float]:
    """Names Whisper would misspell first: accented ones, then those with the rarest English word
    ("Vallehermoso" before "Sol"); everyday words ("Imperial") are spelled right without help."""
    accented = any(ord(ch) > 127 for ch in name)
    return (not accented, min(zipf_frequency(word, "en") for word in name.split()))


@cache
def vocabulary_prompt(locations: tuple[str, ...]) -> str:
    """Neighbourhood names as callers say them ("Malasaña", not "Malasaña-Universidad") and the
    words of a property request ("Chamberí", not "chamber E"; "three bedroom", not "three-mad
    room"), within Whisper's prompt budget. `locations`: see `listed_locations`."""
    names = list(dict.fromkeys(part.strip() for name in locations for part in name.split("-")))
    budget = _MAX_PROMPT_CHARS - len(_PREFIX) - len(_PROMPT_TAIL) - 2
    chosen: set[str] = set()
    for name in sorted(names, key=_priority):
        cost = len(name) + 2  # ", "
        if cost <= budget:
            chosen.add(name)
            budget -= cost
    listed = ", ".join(name for name in names if name in chosen)
    return f"{_PREFIX}{listed}. {_PROMPT_TAIL}"


def prompt_for(settings: Settings) -> str:
    """The hint for the configured listings: only the places a caller can be offered. Every name
    in the hint pulls the transcript toward itself, so a name with no listings ("Recoletos",
    "Ciudad Jardín") costs accuracy and buys nothing, while the catalogue's budget left listed
    ones out ("Goya", "Sol", "Imperial"). Measured on the phone path (bench_phone_stt.py, dev
    split, 6 voices, beam 3): the catalogue's hint read the right place in 65% of requests,
    the listings' in 67%, with 24% and 21% word errors."""
    return vocabulary_prompt(listed_locations(settings))


def listed_locations(settings: Settings) -> tuple[str, ...]:
    """The neighbourhoods a caller can be offered: the listings file's, or the catalogue's."""
    from property_agent.search.places import load_catalogue

    return _locations_in(Path(settings.data.path)) or tuple(load_catalogue().neighbourhoods)


@cache
def _locations_in(path: Path) -> tuple[str, ...]:
    """The neighbourhoods of the listings file, or () when it is not on this machine (a server
    that only reads an index ingested elsewhere)."""
    from property_agent.search.listings_csv import ListingsFileError, read_listings

    try:
        return tuple(read_listings(path).locations)
    except (OSError, ListingsFileError):
        return ()
