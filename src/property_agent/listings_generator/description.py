"""Compose one listing's ad: opener and layout, then a shuffled choice of topic sentences.

Bedrooms, bathrooms and area are always stated in forms the data test parses back.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

import property_agent.listings_generator.sentences as sentences
from property_agent.listings_generator.homes import AREA, Home
from property_agent.listings_generator.templates import (
    ADJECTIVES,
    NOUNS,
    NUM,
    article,
    capitalise,
    say,
)


def _count(rng: random.Random, n: int, noun: str, adjectives: Sequence[str]) -> str:
    """'three bedrooms', '3 double bedrooms', 'a bathroom': forms the data test parses back."""
    adj = f"{rng.choice(adjectives)} " if rng.random() < 0.35 else ""
    if n == 1:
        return rng.choice((f"one {adj}{noun}", f"a {adj}{noun}", f"1 {noun}"))
    return f"{n if rng.random() < 0.25 else NUM[n]} {adj}{noun}s"


def _pieces(h: Home, rng: random.Random) -> dict[str, str]:
    """The phrases the opener and layout templates are filled with, chosen once per ad."""
    c, r, name = h.condition, rng.random, h.hood.name
    noun = rng.choice(NOUNS[h.house or h.kind])
    adjs = [*ADJECTIVES[c], *(("bright", "sunny", "exterior") if h.exterior else ("quiet",))]
    adjs = [a for a in adjs if a != "quiet" or h.noise != "quiet"]  # not "quiet flat, quiet street"
    lo, hi = AREA[min(h.rooms, 5)]
    adjs += ["spacious"] if h.sqft > lo + (hi - lo) * 0.5 else ["cosy"] if h.sqft < lo * 1.2 else []
    adj = rng.choice(adjs)
    tail = " to renovate" if c == "to_renovate" and r() < 0.5 else ""
    rh = f"{rng.choice((NUM[h.rooms], str(h.rooms)))}-bedroom " if h.rooms else ""
    the = "the " if name.startswith("Barrio") else ""
    places = [f"in {the}{name}"] * 2
    places += [] if the else [f"in the {name} neighbourhood", f"in the {name} area"]
    places += [f"in the heart of {the}{name}"] if h.hood.style in ("historic", "classic") else []
    places += [f"on a quiet street in {the}{name}"] if h.noise == "quiet" else []
    lm = rng.choice(h.hood.landmarks)
    hooks = [f"a few minutes from {lm}", "close to all services", "with excellent transport links"]
    hooks += ["one of the most sought-after areas of Madrid"] if h.hood.band[0] >= 6000 else []
    hooks += ["perfect for families"] if h.rooms >= 3 else ["ideal as a first home"]
    hooks += ["a great investment"] if h.rooms <= 1 or c == "to_renovate" else []
    wants = ["your next home", "a bright home" if h.exterior else "a quiet home"]
    wants += ["a home with a terrace"] if h.terrace else []
    wants += ["a house with a garden"] if h.kind == "house" else []
    wants += ["a family home"] if h.rooms >= 3 else ["a pied-à-terre"] if h.rooms <= 1 else []
    wants += ["a project to renovate"] if c == "to_renovate" else []
    wants += ["a home with character"] if h.hood.style == "historic" else []
    wants = [w for w in wants if adj not in w] or ["your next home"]  # not "bright ... bright"
    s = h.sqft
    usable = f"{s} m² built ({round(s * rng.uniform(0.8, 0.9))} m² usable)"
    area = rng.choice((f"{s} m²", f"{s} m²", f"{s} m² built", f"{s} m² constructed", usable))
    doubles = f" ({NUM[rng.randint(2, h.rooms - 1)]} of them doubles)" if h.rooms >= 3 else ""
    doubles = doubles if r() < 0.2 else ""
    bed_adjs = ("spacious", "large", "good-sized") + (() if doubles else ("double",))
    beds = _count(rng, h.rooms, "bedroom", bed_adjs) + doubles
    modern = ("modern",) if c in ("new", "luxury", "renovated") else ()
    baths, roll = _count(rng, h.baths, "bathroom", ("full", "complete", *modern)), r()
    if h.baths >= 2 and roll < 0.25:
        baths += f" ({NUM[rng.randint(1, h.baths - 1)]} en-suite)"
    elif h.rooms >= 3 and roll > 0.85:
        baths += " (plus a guest toilet)"  # not a bathroom: the count above stays exact
    kitchens = ["a fitted kitchen", "a fully equipped kitchen", "an open-plan kitchen",
                "an American-style kitchen", "a separate kitchen with laundry area"]  # fmt: skip
    if c in ("new", "luxury"):
        kitchens += ["a designer kitchen with an island", "a top-of-the-range open kitchen"]
    elif c == "to_renovate":
        kitchens = ["an independent kitchen", "the original kitchen", "a kitchen to update"]
    if h.kind == "studio":
        kitchens = ["a kitchenette", "a fitted kitchenette", "an open kitchen"]
    living = ["a living-dining room", "a spacious living-dining room", "a lounge with dining area"]
    living += ["a bright living room"] if h.exterior else []
    living += ["a living room opening onto the terrace"] if h.terrace else []
    levels = ("three floors", "three floors plus a basement", "two floors plus a basement")
    an, an_rh = article(f"{adj} {noun}{tail}"), article(f"{adj} {rh}{noun}{tail}")
    return {
        "noun": noun, "adj_noun": f"{adj} {noun}{tail}", "an": an, "An": capitalise(an),
        "an_rh": an_rh, "An_rh": capitalise(an_rh), "in_": rng.choice(places), "lm": lm,
        "hook": rng.choice(hooks), "want": rng.choice(wants), "area": area, "beds": beds,
        "baths": baths, "kitchen": rng.choice(kitchens), "living": rng.choice(living),
        "levels": rng.choice(("two floors", "two floors and an attic") if s < 220 else levels),
    }  # fmt: skip


def describe(h: Home, rng: random.Random) -> str:
    """One ad: opener and layout (or both in one), shuffled features, maybe a closing line."""
    p = _pieces(h, rng)
    if rng.random() < 0.35:
        head = [say(rng, "opener+layout studio" if h.kind == "studio" else "opener+layout", **p)]
    else:
        layout = {"studio": "layout studio", "house": "layout house"}.get(h.kind, "layout")
        layout = "layout" if h.kind == "house" and rng.random() < 0.3 else layout
        investors = h.condition == "to_renovate" and rng.random() < 0.3
        opener = "opener investors" if investors else "opener"
        head = [say(rng, opener, **p), say(rng, layout, **p)]
    must: list[str] = []
    makers: list[Callable[[], str | None]] = [
        lambda: sentences.light(h, rng), lambda: sentences.comfort(h, rng),
        lambda: sentences.extras(h, rng), lambda: sentences.community(h, rng),
        lambda: sentences.surroundings(h, rng), lambda: sentences.details(h, rng),
        lambda: sentences.building(h, rng, p["noun"]),
        lambda: say(rng, "family" if h.rooms >= 3 else "couple" if h.rooms == 2 else "single"),
    ]  # fmt: skip
    if h.kind in ("penthouse", "house") or h.garden:
        must.append(str(sentences.outdoor(h, rng)))
    else:
        makers.append(lambda: sentences.outdoor(h, rng))
    if h.condition != "good" and rng.random() < 0.8:
        must.append(sentences.condition(h, rng, p["noun"]))
    else:
        makers.append(lambda: sentences.condition(h, rng, p["noun"]))
    if rng.random() < 0.55:  # most real ads name the metro
        must.append(sentences.transport(h, rng))
    else:
        makers.append(lambda: sentences.transport(h, rng))
    landmarks = [x for x in h.hood.landmarks if x not in head[0]]
    if landmarks:
        makers.append(lambda: say(rng, "landmark", lm=rng.choice(landmarks)))
    if rng.random() < 0.15:
        makers.append(lambda: sentences.features(h))
    rng.shuffle(makers)
    closing = [say(rng, "closing")] if rng.random() < 0.4 else []
    wanted = rng.choice((3, 4, 4, 5, 5, 6)) - len(head) - len(closing)
    body, size = list(must), sum(len(s) + 1 for s in head + must + closing) - 1
    for make in makers:  # lazily, so only the sentences used cost any time
        if len(body) >= wanted and size >= 200:
            break
        if sentence := make():
            body.append(sentence)
            size += len(sentence) + 1
    while size > 900 and len(body) > len(must):  # never drops a must-say (penthouse terrace)
        size -= len(body.pop()) + 1
    rng.shuffle(body)
    return " ".join(head + body + closing)
