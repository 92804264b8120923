"""The facts of one home (type, size, condition, building, extras) and the price its seller asks.

All drawn together from the numbers stream, so the ad written afterwards never contradicts them.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from property_agent.listings_generator.neighbourhoods import BIG_HOUSES, GRAND_HOUSES, PRIME, Hood

# Condition scales the neighbourhood's €/m² band: to-renovate −25 % … new or luxury +35 %.
CONDITION_MULT = {
    "new": (1.15, 1.35),
    "luxury": (1.15, 1.35),
    "renovated": (1.05, 1.15),
    "good": (0.95, 1.05),
    "to_renovate": (0.75, 0.85),
}
# Floor area (m²) by bedrooms; 5 stands for 5 or more.
AREA = {0: (22, 45), 1: (38, 75), 2: (55, 110), 3: (75, 160), 4: (110, 260), 5: (160, 600)}

# fmt: off
KINDS = ("flat", "studio", "loft", "penthouse", "duplex", "ground")
KIND_WEIGHTS = {  # per style, in KINDS order
    "historic":    (56, 14, 6, 9, 6, 9),
    "classic":     (74, 5, 0, 11, 4, 6),
    "residential": (66, 6, 4, 9, 6, 9),
    "suburban":    (64, 3, 0, 10, 9, 14),
}
ROOM_WEIGHTS = {  # flats: weights for 1..6 bedrooms
    "historic":    (35, 35, 20, 8, 2, 0),
    "classic":     (14, 25, 30, 18, 9, 4),
    "residential": (15, 30, 38, 14, 3, 0),
    "suburban":    (10, 30, 42, 15, 3, 0),
}
BATH_WEIGHTS = {2: (55, 45), 3: (20, 62, 18), 4: (0, 45, 45, 10), 5: (0, 15, 45, 30, 10)}
CONDITIONS = ("new", "luxury", "renovated", "good", "to_renovate")
CONDITION_WEIGHTS = {
    "historic":    (0, 12, 32, 36, 20),
    "classic":     (0, 22, 28, 36, 14),
    "residential": (10, 8, 30, 38, 14),
    "suburban":    (12, 5, 26, 44, 13),
    "house":       (14, 20, 20, 36, 10),
}
YEARS = {"historic": (1850, 1935), "classic": (1890, 1975), "residential": (1950, 2012),
         "suburban": (1965, 2021)}
STOREYS = {"historic": (4, 6), "classic": (5, 8), "residential": (4, 11), "suburban": (3, 10)}
PARKING_ODDS = {"historic": (0.03, 0.08), "classic": (0.2, 0.2), "residential": (0.4, 0.15),
                "suburban": (0.6, 0.1)}  # (included, optional)
HEATING = {
    "new": ("aerothermal underfloor heating", "underfloor heating"),
    "luxury": ("underfloor heating", "central heating", "individual gas heating"),
    "to_renovate": ("electric radiators", "old gas heating", ""),
    "other": ("central heating", "individual natural gas heating", "electric heating"),
}
ENERGY = {"new": "AB", "luxury": "BCD", "renovated": "CDE", "good": "DEF", "to_renovate": "EFG"}
# fmt: on


@dataclass(slots=True)
class Home:
    """Everything an ad may mention, sampled together so the text never contradicts itself."""

    hood: Hood
    kind: str  # flat | studio | loft | penthouse | duplex | ground | house
    house: str  # detached | semi-detached | terraced ("" for flats)
    rooms: int
    baths: int
    sqft: int
    condition: str
    storeys: int
    floor: int
    lift: bool
    exterior: bool
    facing: str
    terrace: int  # m², 0 for none
    balconies: int
    garden: int  # m² of private garden or patio; the plot of a house
    parking: str  # "" | included | optional
    cars: int  # garage places of a house
    storage: bool
    pool: str  # "" | community | private
    concierge: bool
    ac: bool
    heating: str
    energy: str
    year: int
    noise: str  # "" | quiet | lively | busy


def _pick(rng: random.Random, options: Sequence[str], weights: Sequence[float]) -> str:
    return rng.choices(options, weights)[0]


def _sample_size(hood: Hood, kind: str, house: str, rng: random.Random) -> tuple[int, int, int]:
    """Bedrooms, area and bathrooms, kept inside the per-bedroom area bands."""
    if kind == "house":
        rooms = rng.choices((3, 4, 5, 6, 7, 8), (25, 35, 24, 10, 4, 2))[0]
        rooms = rooms if hood.name in BIG_HOUSES else min(rooms, 6)
        lo, hi = {3: (115, 160), 4: (150, 260)}.get(rooms, (220, 600))
        hi = min(hi, {"terraced": 300, "semi-detached": 420}.get(house, hi))
        mode = 0.5 if hood.name in GRAND_HOUSES else 0.3
    else:
        rooms = 0 if kind == "studio" else rng.choices(range(1, 7), ROOM_WEIGHTS[hood.style])[0]
        cap = {"loft": 2, "penthouse": 4, "ground": 4}.get(kind, 6)
        rooms = min(max(rooms, 2 if kind == "duplex" else 1), cap) if rooms else 0
        lo, hi = AREA[min(rooms, 5)]
        if rooms >= 5:  # only the grand old buildings have 400-500 m² flats
            hi = 500 if hood.band == PRIME else 400 if hood.style == "classic" else 260
        mode = {"historic": 0.25, "classic": 0.6}.get(hood.style, 0.4) + (kind != "flat") * 0.1
    sqft = round(rng.triangular(lo, hi, lo + (hi - lo) * mode))
    if rooms <= 1:
        return rooms, sqft, 1
    weights = BATH_WEIGHTS.get(rooms, (0, 0, 40, 40, 20))
    baths = rng.choices(range(1, len(weights) + 1), weights)[0]
    if (kind == "house" or sqft > hi * 0.8) and baths < rooms and rng.random() < 0.4:
        baths += 1
    baths = min(baths, rooms + 1, max(1, sqft // 40))  # no three bathrooms in 90 m²
    return rooms, sqft, max(baths, 2 if kind == "house" else 1)


def sample_home(hood: Hood, rng: random.Random) -> Home:
    """Draw one consistent set of facts: type → size → condition → building → extras."""
    style, r = hood.style, rng.random
    kind = "house" if r() < hood.houses else _pick(rng, KINDS, KIND_WEIGHTS[style])
    house = ""
    if kind == "house":
        weights = (6, 3, 1) if hood.name in GRAND_HOUSES else (2, 3, 5)
        house = _pick(rng, ("detached", "semi-detached", "terraced"), weights)
    rooms, sqft, baths = _sample_size(hood, kind, house, rng)
    condition = _pick(rng, CONDITIONS, CONDITION_WEIGHTS["house" if house else style])
    year = rng.randint(2022, 2025) if condition == "new" else rng.randint(*YEARS[style])
    storeys = rng.randint(*STOREYS[style])
    floor = {"penthouse": storeys, "ground": 0, "house": 0}.get(kind, rng.randint(1, storeys - 1))
    floor = min(floor, 2) if kind == "loft" else floor  # lofts are converted low-level workshops
    walkup = style == "historic" and condition not in ("new", "luxury") and r() < 0.35
    low_rise = storeys <= 4 and year < 1980 and r() < 0.3
    lift = kind not in ("ground", "house") and not walkup and not low_rise
    exterior = kind in ("penthouse", "house") or r() < (0.45 if kind == "studio" else 0.75)
    facing = rng.choice(("south", "south", "east", "west", "north", "south-east", "south-west"))
    terrace = balconies = garden = cars = 0
    terrace_odds = {"penthouse": 1, "duplex": 0.45, "house": 0.5, "loft": 0.15, "flat": 0.18}
    if r() < terrace_odds.get(kind, 0) * (1.6 if style == "suburban" else 1):
        top = 90 if kind in ("penthouse", "house") else 20
        terrace = rng.randint(8 if top == 90 else 4, max(9, min(top, int(sqft * 0.6))))
    if exterior and not terrace and kind not in ("ground", "house") and r() < 0.5:
        balconies = rng.randint(1, min(4, rooms + 1))
    if kind == "house":
        ratio = {"detached": (1.5, 4.0), "semi-detached": (1.0, 2.0)}.get(house, (0.4, 0.9))
        garden = int(round(sqft * rng.uniform(*ratio), -1))
        cars = rng.choice((0, 1, 2, 2, 2, 3))
    elif kind == "ground" and r() < (0.6 if style == "suburban" else 0.35):
        garden = rng.randint(10, max(12, int(sqft * 0.8)))
    parking, (included, optional), roll = "", PARKING_ODDS[style], r()
    if kind != "house" and roll < included * (0.3 if kind == "studio" else 1):
        parking = "included"
    elif kind != "house" and roll < included + optional:
        parking = "optional"
    pool = ""
    if kind == "house":
        private = r() < (0.7 if hood.name in GRAND_HOUSES else 0.4)
        pool = "private" if private else "community" if house == "terraced" and r() < 0.4 else ""
    elif r() < {"suburban": 0.4, "residential": 0.12, "classic": 0.02}.get(style, 0):
        pool = "community"
    concierge = kind != "house" and r() < {"classic": 0.65, "residential": 0.3}.get(style, 0.08)
    ac = r() < {"new": 1, "luxury": 1, "renovated": 0.8, "good": 0.5}.get(condition, 0.1)
    heating = rng.choice(HEATING.get(condition, HEATING["other"]))
    if style == "classic" and condition != "new" and r() < 0.5:
        heating = "central heating"
    if kind == "house":
        noise = rng.choice(("quiet", "quiet", ""))
    elif hood.lively and r() < 0.55:
        noise = "lively"
    else:
        noise = rng.choice(("quiet", "quiet", "quiet", "busy", "", ""))
    return Home(
        hood=hood, kind=kind, house=house, rooms=rooms, baths=baths, sqft=sqft,
        condition=condition, storeys=storeys, floor=floor, lift=lift, exterior=exterior,
        facing=facing, terrace=terrace, balconies=balconies, garden=garden, parking=parking,
        cars=cars, storage=r() < 0.35, pool=pool, concierge=concierge, ac=ac, heating=heating,
        energy=rng.choice(ENERGY[condition]), year=year, noise=noise,
    )  # fmt: skip


def seller_price(home: Home, rng: random.Random) -> int:
    """€/m² from the band and condition, then rounded the way Madrid sellers price."""
    lo, hi = home.hood.band
    raw = home.sqft * rng.uniform(lo, hi) * rng.uniform(*CONDITION_MULT[home.condition])
    if raw >= 1_000_000:
        step = rng.choice((5_000, 10_000))
        price = round(raw / step) * step
    elif raw > 150_000 and rng.random() < 0.15:
        price = round(raw / 10_000) * 10_000 - 1_000  # 499,000-style
    else:
        price = round(raw / 1_000) * 1_000
    # Rounding must not push €/m² outside the widened band the data test enforces.
    step = 5_000 if price >= 1_000_000 else 1_000
    low, high = home.sqft * lo * 0.75, home.sqft * hi * 1.35
    return int(min(max(price, -(-low // step) * step), high // step * step))
