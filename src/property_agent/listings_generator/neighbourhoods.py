"""The Madrid neighbourhoods the listings are spread over: price bands, metro, landmarks, weights.

Real stations and places, so an ad's "five minutes from Retiro Park" is true of its neighbourhood.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

MIN_PER_HOOD = 8

# €/m² bands (Madrid 2025). Condition multiplies them; the data test widens by 0.75..1.35.
PRIME, UPPER, CENTRAL = (8000, 12500), (6000, 9500), (5000, 8000)
MID, OUTER, BUDGET = (3800, 6500), (3200, 5000), (2500, 4000)


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
# fmt: on


def allocate(count: int, rng: random.Random) -> list[Hood]:
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
