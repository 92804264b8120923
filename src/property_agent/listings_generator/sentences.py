"""The topic sentences of an ad: building, light, outdoor space, condition, extras, transport….

Each reads only its own `Home`, so a sentence can never state a fact the home lacks.
"""

from __future__ import annotations

import random

from property_agent.listings_generator.homes import Home
from property_agent.listings_generator.templates import ITEMS, NUM, ORD, article, join, say


def building(h: Home, rng: random.Random, noun: str) -> str:
    """Floor, building and lift: a lift is either claimed or denied, never both."""
    y, style, f = h.year, h.hood.style, h.floor
    if h.kind == "house":
        return say(rng, "house new" if h.condition == "new" else "house", year=y, noun=noun)
    buildings = {
        "historic": [f"a traditional building from {y}", "a charming period building",
                     f"{'a 19th' if y < 1900 else 'an early 20th'}-century building"],
        "classic": [f"a stately building from {y}", "a classic manor building",
                    "an elegant period building"],
        "residential": [f"a well-kept building from {y}", f"a {y // 10 * 10}s building",
                        "a well-maintained residential building"],
        "suburban": [f"a residential complex built in {y}", f"a {y // 10 * 10}s building",
                     "a gated development"],
    }[style]  # fmt: skip
    if h.condition == "new":
        buildings = [f"a new development completed in {y}", "a brand-new building"]
    elif h.condition == "luxury" and style in ("historic", "classic"):
        buildings.append("a fully restored historic building")
    if h.hood.name == "Lavapiés-Embajadores":
        buildings.append("a traditional corrala building")
    bld = rng.choice(buildings)
    if h.kind == "ground":
        return say(rng, "ground", bld=bld)
    if not h.lift and f >= 2 and h.kind != "duplex" and rng.random() < 0.4:
        return say(rng, "walk-up", floor=ORD[f], bld=bld)
    if h.kind == "penthouse":
        where = "on the top floor"
    elif h.kind == "duplex":
        top_two = f + 1 == h.storeys
        where = f"across the {ORD[f]} and {ORD[f + 1]} floors"
        where = "on the top two floors" if top_two else where
    elif f == 1 and style == "classic" and rng.random() < 0.4:
        where = "on the principal floor"
    else:
        where = f"on the {ORD[f]} floor"
    lifts = ("with lift", "with a lift") + (("served by two lifts",) if h.storeys >= 7 else ())
    lift = rng.choice(lifts if h.lift else ("without a lift", "with no lift"))
    key = "loft" if h.kind == "loft" and f == 1 and rng.random() < 0.6 else "building"
    return say(rng, key, where=where, bld=bld, lift=lift, noun=noun)


def light(h: Home, rng: random.Random) -> str:
    if h.kind == "house":
        return say(rng, "light house", facing=h.facing)
    if not h.exterior:
        dark = h.condition == "to_renovate" and rng.random() < 0.5
        return say(rng, "light dark" if dark else "light interior")
    if h.balconies and rng.random() < 0.5:
        balconies = "a balcony" if h.balconies == 1 else f"{NUM[h.balconies]} balconies"
        return say(rng, "light balconies", facing=h.facing, balconies=balconies)
    return say(rng, "light north" if h.facing == "north" else "light", facing=h.facing)


def outdoor(h: Home, rng: random.Random) -> str | None:
    """Plot, terrace or garden; a penthouse always gets its terrace sentence."""
    if h.kind == "house":
        items = [rng.choice(("a landscaped garden", "a mature garden", "a lawned garden"))]
        items += ["a private swimming pool"] if h.pool == "private" else []
        items.append(rng.choice(("a barbecue area", "a covered porch", "fruit trees")))
        items += [f"a {h.terrace} m² terrace"] if h.terrace else []
        return say(rng, "plot", plot=f"{h.garden:,} m²", items=join(items))
    if h.terrace:
        if h.hood.name == "Palacio":
            view = "the Royal Palace"
        elif h.hood.style == "suburban":
            view = "the Guadarrama mountains"
        else:
            view = rng.choice(("the city's rooftops", "the Madrid skyline"))
        key = "terrace penthouse" if h.kind == "penthouse" else "terrace"
        return say(rng, key, t=f"{h.terrace} m²", view=view)
    if h.garden:
        word = "patio" if h.hood.style == "historic" else "garden"
        return say(rng, "garden", word=word, g=f"{h.garden} m²")
    return None


def condition(h: Home, rng: random.Random, noun: str) -> str:
    c = h.condition
    if c not in ITEMS:
        return say(rng, c)
    items = rng.sample(ITEMS[c], 2 + (rng.random() < 0.4))
    if c == "luxury" and h.hood.style in ("historic", "classic") and rng.random() < 0.5:
        items[0] = "restored period mouldings"
    when = rng.choice(("recently", "in 2023", "in 2024", "two years ago", "last year"))
    return say(rng, c, items=join(items), when=when, noun=noun)


def details(h: Home, rng: random.Random) -> str | None:
    keys = []
    if h.hood.style in ("historic", "classic") and h.condition not in ("new", "to_renovate"):
        keys.append("period")
    if h.kind == "loft" or (h.hood.style == "historic" and h.kind != "house"):
        keys.append("brick")
    keys += ["double height"] if h.kind == "loft" else []
    keys += ["wardrobes"] if h.rooms >= 2 else []
    keys += ["master"] if h.rooms >= 2 and h.baths >= 2 else []
    keys += [h.kind] if h.kind in ("duplex", "studio") else []
    return say(rng, rng.choice(keys)) if keys else None


def comfort(h: Home, rng: random.Random) -> str:
    ac = ("ducted air conditioning", "air conditioning with heat pump", "air conditioning")
    items = [x for x in (rng.choice(ac) if h.ac else "", h.heating) if x]
    if not items:
        text = "It currently has no heating or air conditioning."
    elif h.condition == "to_renovate":
        text = f"It has {join(items)}."
    else:
        text = say(rng, "comfort", items=join(items))
    return text + (" " + say(rng, "energy", e=h.energy) if rng.random() < 0.5 else "")


def extras(h: Home, rng: random.Random) -> str | None:
    """Parking and storage room, only when the home has them."""
    if h.kind == "house":
        if not h.cars:
            return None
        return say(rng, "garage", cars="a car" if h.cars == 1 else f"{NUM[h.cars]} cars")
    storage = ["a storage room"] if h.storage else []
    if h.parking == "included":
        items = [rng.choice(("a garage space", "a parking space in the building")), *storage]
        verb = "are" if len(items) > 1 else "is"
        return say(rng, "parking included", items=join(items), verb=verb)
    if h.parking == "optional":
        text = say(rng, "parking optional")
        return text + (" It also has a storage room." if storage else "")
    return say(rng, "storage") if storage else None


def community(h: Home, rng: random.Random) -> str | None:
    items = []
    if h.pool == "community":
        amenities = ("communal gardens", "a paddle tennis court", "a children's play area", "a gym")
        items += ["a swimming pool", *rng.sample(amenities, rng.randint(0, 2))]
    if h.concierge:
        items.append(rng.choice(("a full-time concierge", "a concierge service", "a doorman")))
    if not items:
        return None
    outdoors = h.kind == "house" or h.hood.style == "suburban"
    key = "development" if h.pool and outdoors else "services"
    return say(rng, key, items=join(items))


def transport(h: Home, rng: random.Random) -> str:
    mins, stations = rng.randint(2, 10), h.hood.stations
    if not stations:
        return say(rng, "cercanias", a_mins=article(str(mins)))
    many = f"{join(stations)} metro station{'s' if len(stations) > 1 else ''}"
    station = rng.choice(stations)
    return say(rng, "metro", station=station, mins=mins, a_mins=article(str(mins)),
               mins_word=NUM[mins], stations=many)  # fmt: skip


def surroundings(h: Home, rng: random.Random) -> str | None:
    if h.noise == "busy" and not h.exterior:
        return say(rng, "busy interior")
    return say(rng, h.noise) if h.noise else None


def features(h: Home) -> str:
    """A portal-style checklist of what the home has (never a lift it lacks)."""
    items = [name for name, has in (
        ("lift", h.lift), ("air conditioning", h.ac), ("storage room", h.storage),
        ("garage space", h.parking == "included"), ("concierge", h.concierge),
        ("community pool", h.pool == "community"), ("private pool", h.pool == "private"),
        ("terrace", h.terrace > 0), ("balcony", h.balconies > 0), ("fitted wardrobes", h.rooms > 0),
        ("double glazing", h.condition != "to_renovate")) if has]  # fmt: skip
    return f"Features: {', '.join(items)}."
