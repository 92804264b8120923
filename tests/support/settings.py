"""Settings and listings for tests: `Settings` without a `.env`, and the shipped data's facts."""

from __future__ import annotations

import csv
from pathlib import Path

from property_agent.config import Settings

ROOT = Path(__file__).resolve().parents[2]
DATA_CSV = ROOT / "data" / "properties.csv"
# The 35 neighbourhoods the shipped data covers (issue #2), as spelled in the data.
LOCATIONS = (
    "Chueca-Justicia, Malasaña-Universidad, Imperial, Centro, Hortaleza, Chamartín, Ciudad Lineal, "
    "Barrio de Salamanca, Chamberí, Fuencarral, San Blas, Goya, Palacio, Lista, Ventas, Moncloa, "
    "Huertas-Cortes, Vallehermoso, Prosperidad, Pinar del Rey, Argüelles, Tetuán, Nueva España, "
    "Retiro, Castellana, Lavapiés-Embajadores, El Viso, Latina, Moratalaz, El Plantío, "
    "Cuatro Caminos, Sol, Canillas, Fuente del Berro, Nuevos Ministerios-Ríos Rosas"
).split(", ")
# Environment variables that configure us: tests and the servers they start run without them.
OUR_PREFIXES = (
    "GROQ__", "OPENAI__", "QDRANT__", "DATA__", "API__", "SEARCH__", "LOG_LEVEL", "LOG__", "LLM__",
    "MEMORY__", "AGENT__", "OPIK", "AVATAR_NAME", "STT__", "TTS__", "VAD__", "FILLER__", "WEB__",
    "TWILIO__", "TELEPHONY__", "PUBLIC_BASE_URL",
)  # fmt: skip


def make_settings(**overrides: object) -> Settings:
    return Settings(_env_file=None, **overrides)  # type: ignore[call-arg]


def write_listings(path: Path, rows: list[dict[str, object]]) -> Path:
    """Write rows in the listings CSV format (columns in the shipped order)."""
    columns = ["id", "price", "baths", "rooms", "sqft", "description", "location"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def shipped_rows(limit: int | None = None) -> list[dict[str, str]]:
    with DATA_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return rows[:limit] if limit else rows
