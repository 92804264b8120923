"""Deterministic, realistic Madrid listings: the shipped `data/properties.csv` and benchmark data.

Stdlib only. Prices follow 2025 €/m² bands per neighbourhood; descriptions read like translated
Spanish portal ads and always state the bedrooms, bathrooms and area (`sqft` holds square metres)
of their own row. The committed CSV is exactly `write_csv(generate(DEFAULT_COUNT))`.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Sequence
from pathlib import Path

from property_agent.listings_generator.description import describe
from property_agent.listings_generator.homes import sample_home, seller_price
from property_agent.listings_generator.neighbourhoods import allocate

__all__ = ["DEFAULT_COUNT", "DEFAULT_SEED", "FIELDS", "generate", "write_csv"]

DEFAULT_SEED = 20250601
DEFAULT_COUNT = 600
FIELDS = ("id", "price", "baths", "rooms", "sqft", "description", "location")


def generate(count: int, seed: int = DEFAULT_SEED) -> list[dict[str, int | str]]:
    """`count` listings, identical for the same seed, with unique ids and descriptions."""
    rng = random.Random(seed)
    words = random.Random(f"text-{seed}")  # own stream: rewording an ad never moves the numbers
    hoods = allocate(count, rng)
    ids = rng.sample(range(100_000_000, 110_000_000), count)
    seen: set[str] = set()
    rows: list[dict[str, int | str]] = []
    for listing_id, hood in zip(ids, hoods, strict=True):
        home = sample_home(hood, rng)
        price = seller_price(home, rng)
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
