"""Per-query ranking weights for the three spaces (description, price, size).

Kept apart from the Superlinked modules so the service and API can import it without paying
Superlinked's import time.
"""

from __future__ import annotations

from property_agent.config import SearchSettings
from property_agent.domain import RankingPreferences

# Boosts are gentle on purpose: stronger ones let size or price drown the description.
CHEAPER_BOOST = 0.5
SIZE_BOOST = 0.4


class Weights(dict[str, float]):
    """`description_weight`, `price_weight`, `size_weight` for one query."""


def weights_for(settings: SearchSettings, prefs: RankingPreferences) -> Weights:
    price = settings.price_weight + (CHEAPER_BOOST if prefs.cheaper else 0.0)
    size = settings.size_weight
    if prefs.bigger and not prefs.smaller:
        size += SIZE_BOOST
    elif prefs.smaller and not prefs.bigger:
        size = -(abs(size) + SIZE_BOOST)
    return Weights(
        description_weight=settings.description_weight, price_weight=price, size_weight=size
    )
