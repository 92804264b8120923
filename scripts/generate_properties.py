#!/usr/bin/env python3
"""Generate the shipped Madrid listings (`data/properties.csv`) from a fixed seed.

Stdlib only, so the benchmark can import `generate` to build 1k and 100k-listing indexes and the
data test can check that the committed CSV is exactly `generate(600)`. Prices follow 2025 €/m²
bands per neighbourhood; descriptions read like translated Spanish portal ads and always state the
bedrooms, bathrooms and area (`sqft` holds square metres) of their own row.

    python scripts/generate_properties.py [--out data/properties.csv] [--count 600] [--seed N]
"""

import argparse
import csv
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SEED = 20250601
DEFAULT_COUNT = 600
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "data" / "properties.csv"
FIELDS = ("id", "price", "baths", "rooms", "sqft", "description", "location")
MIN_PER_HOOD = 8

# --- Market data -------------------------------------------------------------------------------
# €/m² bands (Madrid 2025). Condition multiplies them; the data test widens by 0.75..1.35.
PRIME, UPPER, CENTRAL = (8000, 12500), (6000, 9500), (5000, 8000)
MID, OUTER, BUDGET = (3800, 6500), (3200, 5000), (2500, 4000)
CONDITION_MULT = {
    "new": (1.15, 1.35),
    "luxury": (1.15, 1.35),
    "renovated": (1.05, 1.15),
    "good": (0.95, 1.05),
    "to_renovate": (0.75, 0.85),
}
# Floor area (m²) by bedrooms; 5 stands for 5 or more.
AREA = {0: (22, 45), 1: (38, 75), 2: (55, 110), 3: (75, 160), 4: (110, 260), 5: (160, 600)}


@dataclass(frozen=True, slots=True)
class Hood:
    """A neighbourhood: price band, building style and the real places its ads mention."""

    name: str
    band: tuple[int, int]
    style: str  # historic | classic | residential | suburban
    weight: float  # share of listings beyond the guaranteed minimum
    stations: tuple[str, ...]  # metro; empty means commuter train (El Plantío)
    landmarks: tuple[str, ...]
    houses: float = 0.0  # share of chalets and townhouses
    lively: bool = False  # nightlife on the doorstep


# fmt: off
H = Hood
HOODS: tuple[Hood, ...] = (
    H("Chueca-Justicia", UPPER, "historic", 1.4, ("Chueca", "Alonso Martínez"),
      ("Plaza de Chueca", "the San Antón market", "the Salesas quarter"), lively=True),
    H("Malasaña-Universidad", CENTRAL, "historic", 1.5, ("Tribunal", "Noviciado", "San Bernardo"),
      ("Plaza del Dos de Mayo", "the Conde Duque cultural centre"), lively=True),
    H("Imperial", MID, "residential", 0.8, ("Pirámides", "Acacias"),
      ("Madrid Río park", "the Puente de Toledo")),
    H("Centro", CENTRAL, "historic", 1.6, ("Sol", "Gran Vía"),
      ("Gran Vía", "Plaza de Callao", "the Plaza Mayor"), lively=True),
    H("Hortaleza", MID, "suburban", 0.9, ("Hortaleza", "Parque de Santa María"),
      ("the Valdebebas forest park", "Parque de Villa Rosa"), houses=0.15),
    H("Chamartín", UPPER, "residential", 1.0, ("Chamartín", "Duque de Pastrana"),
      ("Chamartín railway station", "Plaza de Castilla")),
    H("Ciudad Lineal", OUTER, "suburban", 1.0, ("Ciudad Lineal", "Pueblo Nuevo"),
      ("Calle de Arturo Soria", "El Calero park"), houses=0.1),
    H("Barrio de Salamanca", PRIME, "classic", 2.0, ("Serrano", "Velázquez", "Núñez de Balboa"),
      ("Calle Serrano", "Retiro Park", "the Golden Mile")),
    H("Chamberí", UPPER, "classic", 2.0, ("Iglesia", "Quevedo", "Bilbao"),
      ("Plaza de Olavide", "Calle Ponzano", "the Sorolla Museum")),
    H("Fuencarral", MID, "suburban", 0.9, ("Fuencarral", "Begoña"),
      ("La Vaguada shopping centre", "the Monte de El Pardo"), houses=0.15),
    H("San Blas", BUDGET, "suburban", 0.8, ("San Blas", "Simancas"),
      ("the Metropolitano stadium", "Parque El Paraíso"), houses=0.05),
    H("Goya", PRIME, "classic", 1.3, ("Goya", "O'Donnell"),
      ("Calle Goya", "Retiro Park", "Plaza de Felipe II")),
    H("Palacio", CENTRAL, "historic", 1.1, ("Ópera",),
      ("the Royal Palace", "Plaza de Oriente", "the Sabatini Gardens")),
    H("Lista", PRIME, "classic", 1.0, ("Lista", "Diego de León"),
      ("Calle Ortega y Gasset", "Calle Príncipe de Vergara")),
    H("Ventas", OUTER, "residential", 0.9, ("Ventas", "El Carmen"), ("the Las Ventas bullring",)),
    H("Moncloa", CENTRAL, "residential", 1.0, ("Moncloa",),
      ("Parque del Oeste", "the university campus", "the Faro de Moncloa")),
    H("Huertas-Cortes", UPPER, "historic", 1.2, ("Antón Martín", "Sevilla"),
      ("Plaza de Santa Ana", "the Prado Museum", "the Barrio de las Letras"), lively=True),
    H("Vallehermoso", UPPER, "classic", 1.0, ("Canal", "Islas Filipinas"),
      ("the Canal de Isabel II park", "the Vallehermoso market")),
    H("Prosperidad", CENTRAL, "residential", 1.0, ("Prosperidad", "Alfonso XIII"),
      ("Calle López de Hoyos", "Parque de Berlín")),
    H("Pinar del Rey", OUTER, "suburban", 0.8, ("Pinar del Rey",), ("the Pinar del Rey park",),
      houses=0.08),
    H("Argüelles", CENTRAL, "classic", 1.3, ("Argüelles", "Moncloa"),
      ("Parque del Oeste", "the Temple of Debod", "Calle Princesa")),
    H("Tetuán", MID, "residential", 1.3, ("Tetuán", "Estrecho"),
      ("Calle Bravo Murillo", "the AZCA business district")),
    H("Nueva España", UPPER, "residential", 0.9, ("Colombia", "Cuzco"),
      ("the Santiago Bernabéu stadium", "Parque de Berlín")),
    H("Retiro", UPPER, "classic", 1.4, ("Ibiza", "Retiro"), ("Retiro Park", "Atocha station")),
    H("Castellana", PRIME, "classic", 1.0, ("Gregorio Marañón",),
      ("Paseo de la Castellana", "Calle Serrano")),
    H("Lavapiés-Embajadores", MID, "historic", 1.4, ("Lavapiés", "Embajadores"),
      ("El Rastro flea market", "the Reina Sofía Museum", "La Tabacalera"), lively=True),
    H("El Viso", PRIME, "classic", 0.8, ("República Argentina",),
      ("the Santiago Bernabéu stadium", "the Natural Sciences Museum",
       "the Lázaro Galdiano Museum"), houses=0.3),
    H("Latina", BUDGET, "suburban", 0.9, ("Puerta del Ángel", "Alto de Extremadura"),
      ("Casa de Campo", "Madrid Río park")),
    H("Moratalaz", BUDGET, "suburban", 0.8, ("Pavones", "Vinateros"), ("the Cuña Verde park",),
      houses=0.05),
    H("El Plantío", MID, "suburban", 0.7, (),
      ("the Monte de El Pardo", "several international schools"), houses=0.7),
    H("Cuatro Caminos", CENTRAL, "residential", 1.0, ("Cuatro Caminos",),
      ("the Glorieta de Cuatro Caminos", "the Maravillas market")),
    H("Sol", CENTRAL, "historic", 1.0, ("Sol",),
      ("Puerta del Sol", "the Plaza Mayor", "Calle Preciados"), lively=True),
    H("Canillas", OUTER, "suburban", 0.8, ("Esperanza", "Canillas"),
      ("Parque Juan Pablo II", "the Mar de Cristal shopping area"), houses=0.08),
    H("Fuente del Berro", CENTRAL, "residential", 0.8, ("O'Donnell", "Manuel Becerra"),
      ("the Quinta de la Fuente del Berro park", "Retiro Park")),
    H("Nuevos Ministerios-Ríos Rosas", UPPER, "classic", 1.0, ("Ríos Rosas", "Nuevos Ministerios"),
      ("the Canal de Isabel II park", "the Nuevos Ministerios complex")),
)
BIG_HOUSES = {"El Plantío", "Fuencarral", "Hortaleza", "El Viso"}  # where 7-8 bedrooms happen
GRAND_HOUSES = {"El Plantío", "El Viso"}  # mostly detached, often with a private pool

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


def _sample_home(hood: Hood, rng: random.Random) -> Home:
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


def _seller_price(home: Home, rng: random.Random) -> int:
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


# --- Ad text ----------------------------------------------------------------------------------
# Counts are phrased so the data test can parse them back: "<number word|digit|a> [adjective]
# bedroom(s)/bathroom(s)", stated before any other mention; the area always as "<sqft> m²".
# A sentence's first letter is capitalised when it is said, so templates may start with a slot.
# fmt: off
NUM = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
ORD = ("ground", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
       "ninth", "tenth", "eleventh")
NOUNS = {
    "flat": ("flat", "flat", "apartment", "home"),
    "studio": ("studio", "studio flat", "studio apartment"),
    "loft": ("loft", "loft-style apartment", "industrial-style loft"),
    "penthouse": ("penthouse", "penthouse apartment"),
    "duplex": ("duplex", "duplex apartment"),
    "ground": ("ground-floor flat", "ground-floor apartment"),
    "detached": ("detached house", "detached chalet", "detached villa"),
    "semi-detached": ("semi-detached house", "semi-detached chalet"),
    "terraced": ("townhouse", "terraced house", "terraced chalet"),
}
ADJECTIVES = {
    "new": ("brand-new", "new-build", "modern"),
    "luxury": ("exclusive", "magnificent", "stunning", "elegant", "luxury"),
    "renovated": ("renovated", "fully renovated", "refurbished", "charming", "modern"),
    "good": ("well-kept", "lovely", "nice", "comfortable", "well-located"),
    "to_renovate": ("spacious", "well-located", "original-condition"),
}
ITEMS = {
    "new": ("porcelain floors", "home automation", "high-efficiency windows", "built-in wardrobes",
            "a heat-recovery ventilation system", "top-quality finishes", "a fitted kitchen"),
    "luxury": ("oak parquet floors", "top-brand appliances", "home automation", "marble finishes",
               "built-in wardrobes", "a dressing room", "soundproof windows", "designer lighting"),
    "renovated": ("new plumbing and wiring", "a new kitchen", "new windows with double glazing",
                  "parquet floors", "fitted wardrobes", "new interior doors", "LED lighting"),
}
T: dict[str, tuple[str, ...]] = {
    "opener": (
        "Exclusive to our agency: {an} {in_}.", "Opportunity! {An} for sale {in_}.",
        "For sale: {adj_noun} {in_}.", "We present {an} {in_}, {hook}.",
        "New on the market: {an} {in_}.", "{an} {in_}, {hook}.", "Live {in_} in this {adj_noun}.",
        "Don't miss this {adj_noun} {in_}.", "Welcome to this {adj_noun} {in_}.",
        "Now available {in_}: {an}, a short walk from {lm}.",
        "Looking for {want}? Discover this {adj_noun} {in_}.",
        "Dreaming of {want} {in_}? This {adj_noun} could be the one.",
        "Just listed: {an} {in_}, close to {lm}.", "Fantastic {adj_noun} {in_}.",
        "Rarely available: {an} {in_}.", "Want to live {in_}? We have {an} for you."),
    "opener investors": ("Attention investors: {an} {in_}.", "Investment opportunity {in_}: {an}."),
    "opener+layout": (
        "For sale {in_}: {an_rh} with {baths} and {area}.",
        "{an_rh} of {area} {in_}, with {baths}.",
        "Exclusive to our agency: {an} {in_} with {beds}, {baths} and {area}.",
        "Opportunity! {An_rh} {in_}, with {area} and {baths}.",
        "{an} {in_} offering {area}, {beds} and {baths}.",
        "On sale {in_}: {an} of {area} with {beds} and {baths}."),
    "opener+layout studio": (
        "For sale {in_}: {an} of {area} with {kitchen} and {baths}.",
        "{an} of {area} {in_}, with {kitchen} and {baths}.",
        "Opportunity! {An} {in_}: {area}, {kitchen} and {baths}."),
    "layout": (
        "It has {area} distributed into {living}, {kitchen}, {beds} and {baths}.",
        "The {noun} measures {area} and comprises {beds}, {baths}, {living} and {kitchen}.",
        "{area} with {beds} and {baths}.",
        "Inside you will find {beds} and {baths}, plus {living} and {kitchen}, in {area}.",
        "Layout: {living}, {kitchen}, {beds} and {baths}, in a total of {area}.",
        "With {area}, it offers {beds}, {baths} and {living}.",
        "It offers {beds} and {baths} in {area}, with {living} and {kitchen}.",
        "Distributed over {area}: entrance hall, {living}, {kitchen}, {beds} and {baths}.",
        "{beds} and {baths} in {area}, with {living} and {kitchen}."),
    "layout house": (
        "The house has {area} over {levels}, with {beds}, {baths}, {living} and {kitchen}.",
        "Built over {levels}, it offers {area} with {beds} and {baths}.",
        "{area} on {levels}: {living}, {kitchen}, {beds} and {baths}."),
    "layout studio": (
        "The studio has {area}, with an open-plan living and sleeping area, {kitchen} and {baths}.",
        "{area} laid out as a single open space with a sleeping area, {kitchen} and {baths}.",
        "It measures {area}: one open-plan room, {kitchen} and {baths}.",
        "Open-plan layout of {area} with {kitchen} and {baths}."),
    "building": ("It is {where} of {bld}, {lift}.", "{where} of {bld} {lift}.",
                 "The {noun} sits {where} of {bld}, {lift}."),
    "walk-up": ("{floor} floor without a lift in {bld}.",),
    "loft": ("A former workshop converted into a loft, {where} of {bld} {lift}.",),
    "ground": ("It is on the ground floor of {bld}, so there are no stairs to climb.",
               "Ground floor of {bld}, with direct access from the street."),
    "house": ("Built in {year} in a quiet residential area.",
              "The house dates from {year} and sits on a peaceful street."),
    "house new": ("A new-build {noun} completed in {year}, in a quiet residential area.",),
    "light": ("Exterior and {facing}-facing, it enjoys natural light all day.",
              "Very bright thanks to its {facing} orientation and large windows.",
              "Plenty of natural light, with windows facing {facing}.",
              "Exterior and dual-aspect, with cross ventilation and light all day."),
    "light north": ("Exterior and north-facing, so it stays cool in summer.",
                    "Exterior, with soft north light that keeps it cool in summer."),
    "light balconies": ("Exterior and {facing}-facing, with {balconies} overlooking the street.",),
    "light interior": (
        "It is an interior property overlooking a large, well-kept courtyard, so it is very quiet.",
        "Interior, facing a quiet inner courtyard: you will hardly hear the street.",
        "Its windows open onto a spacious inner courtyard, which keeps it peaceful."),
    "light dark": ("It is interior and somewhat dark, but very quiet.",),
    "light house": ("The plot is {facing}-facing, so the house gets sun all day.",
                    "{facing}-facing and very bright throughout."),
    "plot": ("It sits on a {plot} plot with {items}.", "The {plot} plot has {items}.",
             "Outside: {items}, on a plot of {plot}."),
    "terrace penthouse": (
        "The highlight is its {t} terrace with open views of {view}.",
        "A {t} terrace wraps around the penthouse, perfect for summer evenings.",
        "Its private {t} terrace, with views of {view}, is the real luxury here."),
    "terrace": ("It also has a {t} terrace.", "It has a private {t} terrace.",
                "A {t} terrace off the living room is perfect for breakfast outdoors."),
    "garden": ("It has a private {word} of {g}.", "A private {g} {word}, a rarity in the city.",
               "The private {word} ({g}) is perfect for plants and summer dinners."),
    "new": ("Brand-new home with {items}.", "Ready to move into, with {items}.",
            "New build with {items}, plus a ten-year structural warranty."),
    "luxury": ("Finished to the highest standard, with {items}.",
               "Completely refurbished by an interior designer: {items}.",
               "Luxury finishes throughout, including {items}."),
    "renovated": ("Fully renovated {when}, with {items}.", "Renovated {when}: {items}.",
                  "The {noun} was refurbished {when} and has {items}."),
    "good": ("In good condition and ready to move into.",
             "Good condition throughout; just move in.",
             "Well maintained and ready to live in, although you may want to update the kitchen.",
             "The property is in good condition, with parquet floors and fitted wardrobes."),
    "to_renovate": (
        "To renovate: ideal for investors or for anyone who wants to design a home to their taste.",
        "It needs a full renovation, which makes it a great opportunity for investors.",
        "Original condition and in need of updating: a blank canvas for your dream home.",
        "Needs renovation, but the layout and the location make it a great project.",
        "Ideal for investors: once renovated it will be a very attractive rental."),
    "period": ("High ceilings, original mouldings and hydraulic tile floors give it character.",
               "It keeps its period features: high ceilings, wooden shutters and mouldings."),
    "brick": ("Exposed brick walls and wooden beams give it a unique character.",),
    "double height": ("Double-height ceilings and large windows create a great sense of space.",),
    "wardrobes": ("All the bedrooms have fitted wardrobes.",),
    "master": ("The master bedroom has a dressing area and its own bathroom.",),
    "duplex": ("Living area downstairs and the bedrooms upstairs, for maximum privacy.",),
    "studio": ("A smart layout makes the most of every metre.",
               "Ideal as a pied-à-terre or as a rental investment."),
    "comfort": ("Equipped with {items}.", "It has {items}.", "Comforts include {items}."),
    "energy": ("Energy rating: {e}.", "Energy certificate {e}.", "Energy certificate in process."),
    "parking included": ("{items} {verb} included.", "It comes with {items}.", "Includes {items}."),
    "parking optional": ("A garage space in the same building is available at extra cost.",
                         "Optional parking space available in the building."),
    "storage": ("It comes with a storage room.", "Storage room included."),
    "garage": ("Private garage for {cars}.", "The house has a private garage for {cars}."),
    "development": ("The development has {items}.", "Communal areas include {items}."),
    "services": ("The building has {items}.",
                 "The building has {items} and well-kept communal areas."),
    "metro": ("{station} metro station is {a_mins}-minute walk away.",
              "Just {mins_word} minutes on foot from {station} metro.",
              "Excellent transport links: {stations} nearby, plus several bus lines.",
              "Very well connected, with {station} metro on the doorstep.",
              "Metro: {station} ({mins} min walk)."),
    "cercanias": (
        "El Plantío Cercanías station is {a_mins}-minute walk away, with bus lines to Moncloa.",
        "Well connected by the A-6 motorway and the Cercanías train from El Plantío station.",
        "The El Plantío Cercanías train station and several bus lines are close by."),
    "landmark": ("{lm} is just around the corner.", "A few minutes' walk from {lm}.",
                 "Close to {lm}, with shops, schools and all services nearby.",
                 "Steps away from {lm}.",
                 "Within walking distance of {lm} and plenty of shops and restaurants."),
    "lively": ("In the liveliest part of the neighbourhood, surrounded by bars and restaurants.",
               "Perfect if you enjoy city life: bars, cafés and theatres are right outside."),
    "quiet": ("On a quiet, tree-lined street.", "A very quiet street, yet close to everything.",
              "Located on a peaceful residential street."),
    "busy": ("It faces a busy avenue, but double glazing keeps it quiet inside.",
             "On a main avenue full of shops; double glazing keeps the noise out."),
    "busy interior": ("The avenue outside is busy, but being interior the flat is very quiet.",),
    "family": ("Ideal for families.", "Perfect for a family, with schools and parks nearby."),
    "couple": ("Ideal for a couple or a small family.", "Perfect as a first home."),
    "single": ("Perfect for a couple or a single professional.", "A great rental investment."),
    "closing": ("Call us for more information or to arrange a viewing.", "Don't miss it!",
                "Viewings by appointment.", "Contact us without obligation.",
                "Book your visit today.", "A must-see!",
                "Ask us for more information, with no commitment.",
                "Come and see it, you will love it."),
}
# fmt: on


def _a(phrase: str) -> str:
    """Prefix the right article: 'an exterior flat', 'a one-bedroom flat', 'an 8-bedroom house'."""
    vowel = phrase[0] in "aeiouAEIOU8" and not phrase.startswith(("one", "uni", "use"))
    return f"{'an' if vowel else 'a'} {phrase}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _say(rng: random.Random, key: str, **slots: object) -> str:
    """One sentence from the `key` templates, filled and capitalised."""
    return _cap(rng.choice(T[key]).format(**slots))


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
    an, an_rh = _a(f"{adj} {noun}{tail}"), _a(f"{adj} {rh}{noun}{tail}")
    return {
        "noun": noun, "adj_noun": f"{adj} {noun}{tail}", "an": an, "An": _cap(an),
        "an_rh": an_rh, "An_rh": _cap(an_rh), "in_": rng.choice(places), "lm": lm,
        "hook": rng.choice(hooks), "want": rng.choice(wants), "area": area, "beds": beds,
        "baths": baths, "kitchen": rng.choice(kitchens), "living": rng.choice(living),
        "levels": rng.choice(("two floors", "two floors and an attic") if s < 220 else levels),
    }  # fmt: skip


def _building(h: Home, rng: random.Random, noun: str) -> str:
    """Floor, building and lift: a lift is either claimed or denied, never both."""
    y, style, f = h.year, h.hood.style, h.floor
    if h.kind == "house":
        return _say(rng, "house new" if h.condition == "new" else "house", year=y, noun=noun)
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
        return _say(rng, "ground", bld=bld)
    if not h.lift and f >= 2 and h.kind != "duplex" and rng.random() < 0.4:
        return _say(rng, "walk-up", floor=ORD[f], bld=bld)
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
    return _say(rng, key, where=where, bld=bld, lift=lift, noun=noun)


def _light(h: Home, rng: random.Random) -> str:
    if h.kind == "house":
        return _say(rng, "light house", facing=h.facing)
    if not h.exterior:
        dark = h.condition == "to_renovate" and rng.random() < 0.5
        return _say(rng, "light dark" if dark else "light interior")
    if h.balconies and rng.random() < 0.5:
        balconies = "a balcony" if h.balconies == 1 else f"{NUM[h.balconies]} balconies"
        return _say(rng, "light balconies", facing=h.facing, balconies=balconies)
    return _say(rng, "light north" if h.facing == "north" else "light", facing=h.facing)


def _outdoor(h: Home, rng: random.Random) -> str | None:
    """Plot, terrace or garden; a penthouse always gets its terrace sentence."""
    if h.kind == "house":
        items = [rng.choice(("a landscaped garden", "a mature garden", "a lawned garden"))]
        items += ["a private swimming pool"] if h.pool == "private" else []
        items.append(rng.choice(("a barbecue area", "a covered porch", "fruit trees")))
        items += [f"a {h.terrace} m² terrace"] if h.terrace else []
        return _say(rng, "plot", plot=f"{h.garden:,} m²", items=_join(items))
    if h.terrace:
        if h.hood.name == "Palacio":
            view = "the Royal Palace"
        elif h.hood.style == "suburban":
            view = "the Guadarrama mountains"
        else:
            view = rng.choice(("the city's rooftops", "the Madrid skyline"))
        key = "terrace penthouse" if h.kind == "penthouse" else "terrace"
        return _say(rng, key, t=f"{h.terrace} m²", view=view)
    if h.garden:
        word = "patio" if h.hood.style == "historic" else "garden"
        return _say(rng, "garden", word=word, g=f"{h.garden} m²")
    return None


def _condition(h: Home, rng: random.Random, noun: str) -> str:
    c = h.condition
    if c not in ITEMS:
        return _say(rng, c)
    items = rng.sample(ITEMS[c], 2 + (rng.random() < 0.4))
    if c == "luxury" and h.hood.style in ("historic", "classic") and rng.random() < 0.5:
        items[0] = "restored period mouldings"
    when = rng.choice(("recently", "in 2023", "in 2024", "two years ago", "last year"))
    return _say(rng, c, items=_join(items), when=when, noun=noun)


def _details(h: Home, rng: random.Random) -> str | None:
    keys = []
    if h.hood.style in ("historic", "classic") and h.condition not in ("new", "to_renovate"):
        keys.append("period")
    if h.kind == "loft" or (h.hood.style == "historic" and h.kind != "house"):
        keys.append("brick")
    keys += ["double height"] if h.kind == "loft" else []
    keys += ["wardrobes"] if h.rooms >= 2 else []
    keys += ["master"] if h.rooms >= 2 and h.baths >= 2 else []
    keys += [h.kind] if h.kind in ("duplex", "studio") else []
    return _say(rng, rng.choice(keys)) if keys else None


def _comfort(h: Home, rng: random.Random) -> str:
    ac = ("ducted air conditioning", "air conditioning with heat pump", "air conditioning")
    items = [x for x in (rng.choice(ac) if h.ac else "", h.heating) if x]
    if not items:
        text = "It currently has no heating or air conditioning."
    elif h.condition == "to_renovate":
        text = f"It has {_join(items)}."
    else:
        text = _say(rng, "comfort", items=_join(items))
    return text + (" " + _say(rng, "energy", e=h.energy) if rng.random() < 0.5 else "")


def _extras(h: Home, rng: random.Random) -> str | None:
    """Parking and storage room, only when the home has them."""
    if h.kind == "house":
        if not h.cars:
            return None
        return _say(rng, "garage", cars="a car" if h.cars == 1 else f"{NUM[h.cars]} cars")
    storage = ["a storage room"] if h.storage else []
    if h.parking == "included":
        items = [rng.choice(("a garage space", "a parking space in the building")), *storage]
        verb = "are" if len(items) > 1 else "is"
        return _say(rng, "parking included", items=_join(items), verb=verb)
    if h.parking == "optional":
        text = _say(rng, "parking optional")
        return text + (" It also has a storage room." if storage else "")
    return _say(rng, "storage") if storage else None


def _community(h: Home, rng: random.Random) -> str | None:
    items = []
    if h.pool == "community":
        extras = ("communal gardens", "a paddle tennis court", "a children's play area", "a gym")
        items += ["a swimming pool", *rng.sample(extras, rng.randint(0, 2))]
    if h.concierge:
        items.append(rng.choice(("a full-time concierge", "a concierge service", "a doorman")))
    if not items:
        return None
    outdoors = h.kind == "house" or h.hood.style == "suburban"
    key = "development" if h.pool and outdoors else "services"
    return _say(rng, key, items=_join(items))


def _transport(h: Home, rng: random.Random) -> str:
    mins, stations = rng.randint(2, 10), h.hood.stations
    if not stations:
        return _say(rng, "cercanias", a_mins=_a(str(mins)))
    many = f"{_join(stations)} metro station{'s' if len(stations) > 1 else ''}"
    station = rng.choice(stations)
    return _say(rng, "metro", station=station, mins=mins, a_mins=_a(str(mins)), mins_word=NUM[mins],
                stations=many)  # fmt: skip


def _surroundings(h: Home, rng: random.Random) -> str | None:
    if h.noise == "busy" and not h.exterior:
        return _say(rng, "busy interior")
    return _say(rng, h.noise) if h.noise else None


def _features(h: Home) -> str:
    """A portal-style checklist of what the home has (never a lift it lacks)."""
    items = [name for name, has in (
        ("lift", h.lift), ("air conditioning", h.ac), ("storage room", h.storage),
        ("garage space", h.parking == "included"), ("concierge", h.concierge),
        ("community pool", h.pool == "community"), ("private pool", h.pool == "private"),
        ("terrace", h.terrace > 0), ("balcony", h.balconies > 0), ("fitted wardrobes", h.rooms > 0),
        ("double glazing", h.condition != "to_renovate")) if has]  # fmt: skip
    return f"Features: {', '.join(items)}."


def describe(h: Home, rng: random.Random) -> str:
    """One ad: opener and layout (or both in one), shuffled features, maybe a closing line."""
    p = _pieces(h, rng)
    if rng.random() < 0.35:
        head = [_say(rng, "opener+layout studio" if h.kind == "studio" else "opener+layout", **p)]
    else:
        layout = {"studio": "layout studio", "house": "layout house"}.get(h.kind, "layout")
        layout = "layout" if h.kind == "house" and rng.random() < 0.3 else layout
        investors = h.condition == "to_renovate" and rng.random() < 0.3
        opener = "opener investors" if investors else "opener"
        head = [_say(rng, opener, **p), _say(rng, layout, **p)]
    must: list[str] = []
    makers: list[Callable[[], str | None]] = [
        lambda: _light(h, rng), lambda: _comfort(h, rng), lambda: _extras(h, rng),
        lambda: _community(h, rng), lambda: _surroundings(h, rng),
        lambda: _details(h, rng), lambda: _building(h, rng, p["noun"]),
        lambda: _say(rng, "family" if h.rooms >= 3 else "couple" if h.rooms == 2 else "single"),
    ]  # fmt: skip
    if h.kind in ("penthouse", "house") or h.garden:
        must.append(str(_outdoor(h, rng)))
    else:
        makers.append(lambda: _outdoor(h, rng))
    if h.condition != "good" and rng.random() < 0.8:
        must.append(_condition(h, rng, p["noun"]))
    else:
        makers.append(lambda: _condition(h, rng, p["noun"]))
    if rng.random() < 0.55:  # most real ads name the metro
        must.append(_transport(h, rng))
    else:
        makers.append(lambda: _transport(h, rng))
    landmarks = [x for x in h.hood.landmarks if x not in head[0]]
    if landmarks:
        makers.append(lambda: _say(rng, "landmark", lm=rng.choice(landmarks)))
    if rng.random() < 0.15:
        makers.append(lambda: _features(h))
    rng.shuffle(makers)
    closing = [_say(rng, "closing")] if rng.random() < 0.4 else []
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


# --- Output -----------------------------------------------------------------------------------
def _allocate(count: int, rng: random.Random) -> list[Hood]:
    """Every neighbourhood gets MIN_PER_HOOD listings (when count allows), the rest by weight."""
    base = min(MIN_PER_HOOD, count // len(HOODS))
    extra = count - base * len(HOODS)
    total = sum(h.weight for h in HOODS)
    shares = [extra * h.weight / total for h in HOODS]
    counts = [base + int(s) for s in shares]
    by_remainder = sorted(range(len(HOODS)), key=lambda i: int(shares[i]) - shares[i])
    for i in by_remainder[: count - sum(counts)]:
        counts[i] += 1
    hoods = [h for h, n in zip(HOODS, counts, strict=True) for _ in range(n)]
    rng.shuffle(hoods)
    return hoods


def generate(count: int, seed: int = DEFAULT_SEED) -> list[dict[str, int | str]]:
    """`count` listings, identical for the same seed, with unique ids and descriptions."""
    rng = random.Random(seed)
    words = random.Random(f"text-{seed}")  # own stream: rewording an ad never moves the numbers
    hoods = _allocate(count, rng)
    ids = rng.sample(range(100_000_000, 110_000_000), count)
    seen: set[str] = set()
    rows: list[dict[str, int | str]] = []
    for listing_id, hood in zip(ids, hoods, strict=True):
        home = _sample_home(hood, rng)
        price = _seller_price(home, rng)
        for _ in range(20):
            text = describe(home, words)
            if text not in seen:
                break
        else:  # practically unreachable; a portal-style reference keeps it unique regardless
            text = f"{text} Ref. {listing_id}."
        seen.add(text)
        rows.append({
            "id": listing_id, "price": price, "baths": home.baths, "rooms": home.rooms,
            "sqft": home.sqft, "description": text, "location": hood.name,
        })  # fmt: skip
    return rows


def write_csv(rows: Sequence[dict[str, int | str]], path: str | Path) -> None:
    """Write rows in the shipped column order; "\\n" line ends keep git diffs readable."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Generate deterministic Madrid listings.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="CSV path to write")
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT, help="number of listings")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    rows = generate(args.count, args.seed)
    write_csv(rows, args.out)
    prices = [int(r["price"]) for r in rows]
    hoods = len({r["location"] for r in rows})
    print(
        f"Wrote {len(rows)} listings in {hoods} neighbourhoods (€{min(prices):,}–€{max(prices):,})"
        f" to {args.out} in {time.perf_counter() - start:.2f} s"
    )


if __name__ == "__main__":
    main()
