"""Judging a conversation turn as the caller would (evals/FORMAT.md): does the listing the avatar
names exist and meet every criterion so far, does "cheaper" name a cheaper one or say honestly
that none is, does an out-of-scope turn name no listing, does a detail answer match the row.

Written apart from the policy on purpose: its own reading of prices, floors and features, so the
policy is never judged by its own code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_CRITERIA_PRICE = re.compile(
    r"(?:under|from|between|and|than|limit|cap of|up to|below|above|over|budget of|around) €[\d,]+"
)
_PRICE = re.compile(r"€([\d,]+)")
_HONEST_NONE = re.compile(
    r"couldn't find|nothing (matches|matched|at all)|no listing|last one|there's nothing|no more"
    r"|doesn't|nothing cheaper|don't have",
    re.IGNORECASE,
)
_NOT_SAID = re.compile(r"doesn't (say|mention)|does not (say|mention)|not mention", re.I)
_FEATURE_WORDS = {
    "terrace": ("terrace",), "garden": ("garden",), "pool": ("pool",),
    "lift": ("lift", "elevator"), "parking": ("parking", "garage"),
    "balcony": ("balcony", "balconies"), "air conditioning": ("air conditioning",),
    "air_conditioning": ("air conditioning",), "storage room": ("storage room", "storeroom"),
    "storage": ("storage room", "storeroom"), "concierge": ("concierge", "doorman", "porter"),
    "views": ("views",),
}  # fmt: skip
_FLOOR = re.compile(
    r"\b(ground|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|top)[- ]floor\b"
    r"(?!s)",
    re.IGNORECASE,
)
_DIRECTION = re.compile(
    r"\b(south-east|south-west|north-east|north-west|south|north|east|west)"
    r"(?:-facing| orientation| facing)|facing (south|north|east|west)",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:from|built in|dating from) (1[5-9]\d\d|20[0-2]\d)\b")


@dataclass
class Turn:
    """What the avatar did in one turn."""

    text: str
    searched: bool
    results: list[dict[str, Any]]
    fallback: bool = False
    intent: str | None = None


@dataclass
class Call:
    """The judge's memory of a conversation: criteria in force, listings named, the last reply."""

    data: list[dict[str, Any]]
    criteria: dict[str, Any] = field(default_factory=dict)
    current: dict[str, Any] | None = None
    named: set[int] = field(default_factory=set)
    returned: dict[int, dict[str, Any]] = field(default_factory=dict)  # id → listing
    mentioned_prices: set[int] = field(default_factory=set)  # in relaxation sentences
    last_reply: str = ""


def meets(listing: dict[str, Any], c: dict[str, Any]) -> bool:
    price = int(listing["price"])
    checks = (
        c.get("location") in (None, listing["location"]),
        int(listing["rooms"]) >= int(c.get("rooms_min", 0)),
        int(listing["baths"]) >= int(c.get("baths_min", 0)),
        price <= int(c.get("price_max", 10**12)),
        price >= int(c.get("price_min", 0)),
        "price_around" not in c or 0.9 * c["price_around"] <= price <= 1.1 * c["price_around"],
        int(listing["sqft"]) >= int(c.get("size_min", 0)),
    )
    return all(checks)


def has_feature(listing: dict[str, Any], feature: str) -> bool:
    text = str(listing["description"]).lower()
    words = _FEATURE_WORDS.get(feature, (feature,))
    if feature == "lift" and re.search(r"\bno lift|without (a )?lift", text):
        return False
    return any(w in text for w in words)


def named_listings(turn: Turn, call: Call) -> tuple[list[dict[str, Any]], list[int]]:
    """Listings the reply names (by price), and prices it says that belong to none (invented)."""
    text = _CRITERIA_PRICE.sub("", turn.text)
    prices = {int(p.replace(",", "")) for p in _PRICE.findall(text)}
    by_price: dict[int, list[dict[str, Any]]] = {}
    for listing in call.returned.values():
        by_price.setdefault(int(listing["price"]), []).append(listing)
    named, invented = [], []
    for price in sorted(prices):
        if price in by_price:
            options = by_price[price]
            named.append(next((p for p in options if p["location"] in turn.text), options[0]))
        elif price not in call.mentioned_prices and price + 1 not in call.mentioned_prices:
            invented.append(price)
    return named, invented


def remember(turn: Turn, call: Call) -> None:
    for result in turn.results:
        for listing in result.get("properties", []):
            call.returned[int(listing["id"])] = listing
        for relaxation in result.get("relaxations", []):
            for price in _PRICE.findall(relaxation["sentence"]):
                call.mentioned_prices.add(int(price.replace(",", "")))


def judge(case: dict[str, Any], turn: Turn, call: Call) -> str | None:
    """None when the turn is right, else what a caller would complain about."""
    remember(turn, call)
    named, invented = named_listings(turn, call)
    expect = case["expect"]
    problem = _judge(expect, case, turn, call, named)
    if problem is None and invented:
        problem = f"invented prices {invented}"
    if problem is None and turn.fallback:
        problem = "the turn fell back to the avatar's apology"
    if named and problem is None:
        call.current = named[-1]
        call.named.update(int(p["id"]) for p in named)
    call.last_reply = turn.text
    return problem


def _judge(
    expect: str, case: dict[str, Any], turn: Turn, call: Call, named: list[dict[str, Any]]
) -> str | None:
    if expect in ("search", "clarify"):
        return _search(expect, case, turn, call, named)
    if expect in ("cheaper", "bigger", "more_rooms"):
        return _adjusted(expect, turn, call, named)
    if expect == "next":
        fresh = [p for p in named if int(p["id"]) not in call.named]
        if fresh:
            return None if meets(fresh[-1], call.criteria) else "the next one breaks the criteria"
        return None if _HONEST_NONE.search(turn.text) and not named else "no new listing named"
    if turn.searched and expect not in ("yes",):
        return "searched when it should not have"
    if expect == "detail":
        return _detail(case["field"], turn.text, call)
    if expect == "more_info":
        if call.current is None:
            return "no current listing to describe"
        sentences = re.split(r"(?<=[.!?])\s+", str(call.current["description"]))
        return None if any(s[:30] in turn.text for s in sentences if len(s) > 20) else "no details"
    if named and expect not in ("yes",):
        return f"named a listing ({named[0]['id']}) on a {expect} turn"
    return _conversational(expect, case, turn, call)


def _search(
    expect: str, case: dict[str, Any], turn: Turn, call: Call, named: list[dict[str, Any]]
) -> str | None:
    wanted = dict(case.get("criteria") or {**call.criteria, "location": case.get("location")})
    if expect == "clarify" and not turn.searched:
        asked = case["location"].lower() in turn.text.lower() and "?" in turn.text
        return None if asked and not named else "neither searched nor asked 'did you mean'"
    if not turn.searched:
        return "no search ran"
    call.criteria = wanted
    exists = any(meets(p, wanted) for p in call.data)
    if not exists:
        if any(not meets(p, wanted) for p in named):
            return "named a listing that breaks the criteria"
        return None if _HONEST_NONE.search(turn.text) else "did not say nothing matches"
    if not named:
        return "named no listing although some match"
    listing = named[-1]
    if not meets(listing, wanted):
        return f"listing {listing['id']} breaks the criteria {wanted}"
    lacking = [f for f in wanted.get("features", []) if not has_feature(listing, f)]
    if lacking and not _HONEST_NONE.search(turn.text):
        return f"listing lacks {lacking} and the reply does not say so"
    return None


def _adjusted(expect: str, turn: Turn, call: Call, named: list[dict[str, Any]]) -> str | None:
    if turn.text == call.last_reply:
        return "repeated the previous reply"
    ref = call.current
    key, better = {
        "cheaper": ("price", lambda p, r: p["price"] < r["price"]),
        "bigger": ("sqft", lambda p, r: p["sqft"] > r["sqft"]),
        "more_rooms": ("rooms", lambda p, r: p["rooms"] > r["rooms"]),
    }[expect]
    criteria = {
        k: v for k, v in call.criteria.items() if not (expect == "cheaper" and "price" in k)
    }
    if ref is None:
        if any(not meets(p, call.criteria) for p in named):
            return "named a listing that breaks the criteria"
        return None if _HONEST_NONE.search(turn.text) or named else "no honest answer"
    exists = any(meets(p, criteria) and better(p, ref) for p in call.data)
    offered = [p for p in named if better(p, ref)]
    if offered:
        return None if meets(offered[-1], criteria) else f"the {expect} one breaks the criteria"
    if exists and not named and _HONEST_NONE.search(turn.text):
        return f"said none is {expect} though one exists in the data"
    if exists:
        return f"named nothing {expect} than {key} {ref[key]}"
    return None if _HONEST_NONE.search(turn.text) else f"did not say honestly that none is {expect}"


def _detail(name: str, text: str, call: Call) -> str | None:
    p = call.current
    if p is None:
        return "no current listing"
    low = text.lower()
    description = str(p["description"])
    row = {
        "baths": f"{p['baths']} bathroom", "rooms": f"{p['rooms']} bedroom",
        "size": str(p["sqft"]), "price": f"€{int(p['price']):,}", "location": p["location"],
    }  # fmt: skip
    if name in row:
        ok = row[name].lower() in low or (name == "rooms" and p["rooms"] == 0 and "studio" in low)
        return None if ok else f"{name}: expected {row[name]!r}"
    if name == "floor":
        floor = _FLOOR.search(description)
        want = floor.group(1).lower() if floor else None
    elif name == "orientation":
        found = _DIRECTION.search(description)
        want = (found.group(1) or found.group(2)).lower() if found else None
    elif name == "year":
        year = _YEAR.search(description)
        want = year.group(1) if year else None
    elif name == "metro":
        want = "metro" if re.search(r"\b(metro|station)\b", description, re.I) else None
    elif name in _FEATURE_WORDS:
        if has_feature(p, name):
            want = "yes"
        elif name == "lift" and re.search(r"\bno lift", description, re.I):
            want = "no"
        else:
            want = None
    else:  # heating, condition: anything the description says, or that it does not say
        return None if (low and "only help" not in low) else "no answer"
    if want is None:
        return (
            None if _NOT_SAID.search(text) else f"{name}: the listing does not say, the reply did"
        )
    return None if want in low else f"{name}: expected {want!r} in the answer"


_CONVERSATIONAL = {
    "no": r"change|what would you|no problem|which",
    "greeting": r"\b(hello|hi|help|looking for|name)\b",
    "goodbye": r"bye|pleasure|welcome|take care|speak soon",
    "start_over": r"\?",
    "person": r"colleague|person|someone|call you back|human",
    "visit": r"viewing|visit|see it|see the|call you|arrange|ring you",
    "vague": r"neighbourhood|area|bedrooms|budget",
    "out_of_scope": r"help|home",
}


def _conversational(expect: str, case: dict[str, Any], turn: Turn, call: Call) -> str | None:
    text = turn.text
    if expect == "name":
        return None if case["name"].lower() in text.lower() else "did not use the caller's name"
    if expect == "outside":
        place = str(case["place"]).lower()
        said = place in text.lower() or re.search(r"don't have|cover|only", text, re.I)
        return None if said else "did not say we don't cover that place"
    if expect == "yes":
        return _yes(turn, call)
    if expect == "start_over":
        call.criteria, call.current = {}, None
    if expect == "visit" and "only help" in text.lower():
        return "treated a viewing request as out of scope"
    if expect == "out_of_scope" and re.search(r"searching|let me look|let me check", text, re.I):
        return "started a search"
    pattern = _CONVERSATIONAL[expect]
    return None if re.search(pattern, text, re.IGNORECASE) else f"reply does not fit {expect}"


def _yes(turn: Turn, call: Call) -> str | None:
    before = call.last_reply.lower()
    if re.search(r"hear more|tell you more", before) and call.current is not None:
        description = str(call.current["description"])
        return None if description[:30] in turn.text else "did not tell more after 'yes'"
    if re.search(r"search that way|would that work|did you mean|look for a home in", before):
        return None if turn.searched else "did not run the search it offered"
    if re.search(r"didn't catch|only help|outside what", turn.text, re.I):
        return "did not take the 'yes' up"
    return None
