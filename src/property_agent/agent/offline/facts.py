"""Questions about the listing just described, and their answers from its row and description.

Every answer comes from the data: the row for bedrooms, bathrooms, size, price and area; the
description for the floor, lift, outdoor space, parking, orientation, age, metro and the rest.
When the description does not say, the answer says so; it never guesses.
"""

from __future__ import annotations

import re
from typing import Any

from property_agent.search.relax import euros


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# Which field a question asks about; first match wins, so the specific come before the general.
_FIELDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("baths", _rx(r"\b(bath|baths|bathroom|bathrooms|toilets?|showers?|loos?|wc)\b")),
    ("rooms", _rx(r"\b(bed|beds|bedroom|bedrooms|how many rooms)\b")),
    # "Is there a left?": "lift" as the phone line's speech recognition often writes it.
    (
        "lift",
        _rx(r"\b(lifts?|elevators?|stairs)\b|\b(is there|has it got|does it have) an? left\b"),
    ),
    ("floor", _rx(r"\b(floor|storey|story|level)\b(?!s)|\b(ground|top|high|low) floor\b")),
    ("parking", _rx(r"\b(park|parking|garage|car|cars)\b")),
    ("terrace", _rx(r"\b(terraces?|outdoor space|outside space|roof terrace|rooftop)\b")),
    ("balcony", _rx(r"\bbalcon(y|ies)\b")),
    ("garden", _rx(r"\b(garden|gardens|lawn|yard|patio)\b")),
    ("pool", _rx(r"\b(pool|swimming)\b")),
    ("air_conditioning", _rx(r"\b(air ?con(ditioning)?|a/?c|cooling)\b")),
    ("heating", _rx(r"\b(heating|radiators?|heat pump|warm in winter)\b")),
    ("orientation", _rx(r"\b(face|faces|facing|orientation|oriented|sun|sunny|sunlight|light)\b")),
    ("year", _rx(r"\b(built|how old|age|year|century|new build|construction)\b")),
    ("metro", _rx(r"\b(metro|subway|underground|tube|station|transport|bus)\b")),
    ("storage", _rx(r"\b(storage|storeroom|store room|trastero)\b")),
    ("concierge", _rx(r"\b(concierge|doorman|porter|security)\b")),
    ("views", _rx(r"\b(views?|look out|overlook)\b")),
    ("condition", _rx(r"\b(condition|renovat\w*|refurbish\w*|state|work|updating|move in)\b")),
    ("size", _rx(r"\b(how big|how large|what size|square met(re|er)s|how much space|size|m2)\b")),
    ("price", _rx(r"\b(how much|price|cost|costs|asking|expensive)\b")),
    (
        "location",
        _rx(r"\b(where is it|where('s| is) (it|that)|which (area|neighbou?rhood)|address)\b"),
    ),
)

_ORDINAL_FLOOR = _rx(
    r"\b(ground|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|top|principal"
    r"|\d+(?:st|nd|rd|th))[- ]floor\b(?!s)"
)
_ORIENTATION = _rx(
    r"\b((?:north|south)(?:-(?:east|west))?|east|west)(?:-facing| orientation| facing|-east-facing"
    r"|-west-facing)|\bfacing (north|south|east|west)\b|\bdual-aspect\b"
)
_YEAR = _rx(r"\b(?:from|built in|dating from|of) (1[5-9]\d\d|20[0-2]\d)\b")
_METRO = _rx(r"[^.]*\b(metro|station)\b[^.]*\.")
_SENTENCES = re.compile(r"(?<=[.!?])\s+")
_FEATURE_WORDS: dict[str, tuple[str, ...]] = {
    "terrace": ("terrace",),
    "balcony": ("balcony", "balconies"),
    "garden": ("garden",),
    "pool": ("pool",),
    "parking": ("parking", "garage"),
    "air_conditioning": ("air conditioning",),
    "heating": ("heating", "radiators", "heat pump"),
    "storage": ("storage room", "storeroom"),
    "concierge": ("concierge", "doorman", "porter"),
    "views": ("views", "overlooking"),
}
_SAY = {
    "terrace": "a terrace",
    "balcony": "a balcony",
    "garden": "a garden",
    "pool": "a pool",
    "parking": "parking",
    "air_conditioning": "air conditioning",
    "heating": "the heating",
    "storage": "a storage room",
    "concierge": "a concierge",
    "views": "the views",
}


def detail_field(question: str) -> str | None:
    """The field a question asks about ("is there a lift?" → "lift"), or None."""
    for name, pattern in _FIELDS:
        if pattern.search(question):
            return name
    return None


def answer(listing: dict[str, Any], field: str) -> str:
    """One or two spoken sentences answering `field` about `listing`, from its data only."""
    description = str(listing["description"])
    if field in _ROW:
        return _ROW[field](listing)
    if field == "floor":
        return _floor(description)
    if field == "lift":
        return _lift(description)
    if field == "orientation":
        return _orientation(description)
    if field == "year":
        year = _YEAR.search(description)
        if year:
            return f"The building dates from {year.group(1)}."
        return "The listing doesn't say when the building was put up."
    if field == "metro":
        metro = _METRO.search(description)
        if metro:
            return _spoken_metro(metro.group().strip())
        return "The listing doesn't mention a metro station."
    if field == "condition":
        return _condition(description)
    if field in _FEATURE_WORDS:
        return _feature(description, field)
    return _about(description, field.removeprefix("feature:").strip())


_ROW = {
    "baths": lambda p: f"It has {_count(int(p['baths']), 'bathroom')}.",
    "rooms": lambda p: (
        "It's a studio, one open-plan room."
        if int(p["rooms"]) == 0
        else f"It has {_count(int(p['rooms']), 'bedroom')}."
    ),
    "size": lambda p: f"It's {p['sqft']} square metres.",
    "price": lambda p: f"It's priced at {euros(int(p['price']))}.",
    "location": lambda p: f"It's in {p['location']}.",
}


def _floor(description: str) -> str:
    found = _ORDINAL_FLOOR.search(description)
    if not found:
        return "The listing doesn't say which floor it's on."
    level = found.group(1).lower()
    if level == "ground":
        return "It's on the ground floor."
    if level == "top":
        return "It's on the top floor."
    return f"It's on the {level} floor."


def _lift(description: str) -> str:
    low = description.lower()
    if re.search(r"\b(no lift|without (a )?lift|no elevator|walk-up)\b", low):
        return "No, the building has no lift."
    if re.search(r"\b(lifts?|elevators?)\b", low):
        return "Yes, the building has a lift."
    return "The listing doesn't mention a lift, so I wouldn't count on one."


def _orientation(description: str) -> str:
    found = _ORIENTATION.search(description)
    if not found:
        if re.search(r"\b(sunny|bright|light)\b", description, re.IGNORECASE):
            return "The listing calls it bright, but it doesn't say which way it faces."
        return "The listing doesn't say which way it faces."
    if found.group().lower() == "dual-aspect":
        return "It's dual-aspect, with windows on two sides."
    side = (found.group(1) or found.group(2)).lower()
    return f"It faces {side}."


def _condition(description: str) -> str:
    low = description.lower()
    for words, said in (
        (("to renovate", "original condition", "original-condition", "in need of updating"),
         "It needs renovating: the listing describes it as original condition."),
        (("fully renovated", "refurbished", "renovated in", "recently renovated"),
         "It has been renovated."),
        (("brand-new", "new build"), "It's a new build."),
        (("good condition", "ready to move", "well-kept", "just move in"),
         "It's in good condition, ready to move into."),
    ):  # fmt: skip
        if any(w in low for w in words):
            return said
    return "The listing doesn't say much about its condition."


def _feature(description: str, field: str) -> str:
    sentence = _sentence_with(description, _FEATURE_WORDS[field])
    if sentence is None:
        return f"The listing doesn't mention {_SAY[field]}, so I wouldn't count on it."
    size = re.search(rf"(\d+) m² ({'|'.join(_FEATURE_WORDS[field])})", sentence, re.IGNORECASE)
    if size:
        return f"Yes, it has a {size.group(1)} square metre {size.group(2).lower()}."
    return f"Yes. The listing says: {sentence}"


def _about(description: str, topic: str) -> str:
    words = [w for w in topic.split() if len(w) > 2]
    stems = tuple(w.rstrip("s") for w in words)
    sentence = _sentence_with(description, stems) if stems else None
    if sentence is None:
        return f"The listing doesn't say anything about {topic or 'that'}."
    return f"The listing says: {sentence}"


def _sentence_with(description: str, words: tuple[str, ...]) -> str | None:
    for sentence in _SENTENCES.split(description.strip()):
        if any(re.search(rf"\b{re.escape(w)}", sentence, re.IGNORECASE) for w in words):
            return sentence.strip()
    return None


def _spoken_metro(sentence: str) -> str:
    short = re.match(r"Metro: (.+?) \((\d+) min walk\)", sentence)
    if short:
        return f"The nearest metro is {short.group(1)}, a {short.group(2)}-minute walk."
    return sentence


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
