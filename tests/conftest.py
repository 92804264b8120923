"""Shared fixtures. Tests never read a developer's `.env` or inherit their provider keys."""

from __future__ import annotations

import asyncio
import csv
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from property_agent.config import Settings

ROOT = Path(__file__).resolve().parent.parent
DATA_CSV = ROOT / "data" / "properties.csv"
# The 35 neighbourhoods the shipped data covers (issue #2), as spelled in the data.
LOCATIONS = (
    "Chueca-Justicia, Malasaña-Universidad, Imperial, Centro, Hortaleza, Chamartín, Ciudad Lineal, "
    "Barrio de Salamanca, Chamberí, Fuencarral, San Blas, Goya, Palacio, Lista, Ventas, Moncloa, "
    "Huertas-Cortes, Vallehermoso, Prosperidad, Pinar del Rey, Argüelles, Tetuán, Nueva España, "
    "Retiro, Castellana, Lavapiés-Embajadores, El Viso, Latina, Moratalaz, El Plantío, "
    "Cuatro Caminos, Sol, Canillas, Fuente del Berro, Nuevos Ministerios-Ríos Rosas"
).split(", ")
_OUR_PREFIXES = (
    "GROQ__", "OPENAI__", "QDRANT__", "DATA__", "API__", "SEARCH__", "LOG_LEVEL", "LLM__",
    "MEMORY__", "AGENT__", "OPIK", "AVATAR_NAME", "STT__", "TTS__", "VAD__", "FILLER__", "WEB__",
    "TWILIO__", "TELEPHONY__", "PUBLIC_BASE_URL",
)  # fmt: skip


def pytest_configure(config: pytest.Config) -> None:
    # Tests use the packaged weights only; a download attempt must fail, not hang.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """No `.env` file and none of the developer's provider settings leak into a test."""
    monkeypatch.setitem(Settings.model_config, "env_file", None)
    for name in list(os.environ):
        if name.upper().startswith(_OUR_PREFIXES):
            monkeypatch.delenv(name)


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


@pytest.fixture(scope="session")
def search_service() -> Iterator[object]:
    """One real service over the shipped 600 listings (Superlinked + MiniLM, in memory).

    Built once per test session: indexing takes seconds, importing Superlinked more.
    """
    from property_agent.search.service import IndexState, PropertySearchService

    service = PropertySearchService(make_settings())
    loop = asyncio.new_event_loop()
    loop.run_until_complete(service.start(DATA_CSV))
    status = service.status()
    assert status.state is IndexState.READY, status.message
    yield service
    loop.run_until_complete(service.aclose())
    loop.close()


PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    """A throwaway database on the machine's PostgreSQL (CI has one too), dropped afterwards;
    the test is skipped, with the reason, when PostgreSQL is not reachable."""
    psycopg = pytest.importorskip("psycopg")
    from psycopg import sql

    name = f"agent_test_{secrets.token_hex(4)}"
    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc}")
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
