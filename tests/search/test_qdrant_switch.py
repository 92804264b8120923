"""Backend choice: Qdrant when configured and reachable, else memory with the reason reported.

There is no Qdrant server on CI; `test_live_qdrant_*` runs against one when QDRANT__URL is set in
the environment that starts pytest (e.g. `docker compose up qdrant`).
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from property_agent.api.app import create_app
from property_agent.search.service import IndexState, PropertySearchService
from tests.support.settings import make_settings, shipped_rows, write_listings

pytestmark = [pytest.mark.integration]
LIVE_QDRANT_URL = os.environ.get("QDRANT__URL")  # read before the isolation fixture clears it


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _unreachable(url: str) -> dict[str, object]:
    return {"url": url, "timeout_s": 1, "connect_wait_s": 0}


@pytest.fixture
def small_csv(tmp_path: Path) -> Path:
    return write_listings(tmp_path / "small.csv", shipped_rows(40))  # type: ignore[arg-type]


async def test_unreachable_qdrant_falls_back_to_memory_and_says_why(small_csv: Path) -> None:
    url = _closed_port_url()
    service = PropertySearchService(make_settings(qdrant=_unreachable(url)))
    await service.start(small_csv)
    try:
        status = service.status()
        assert status.state is IndexState.READY
        assert status.backend == "in-memory"
        assert status.properties == 40
        assert f"Qdrant at {url} is unreachable" in status.message
        assert "serving from memory" in status.message
        assert (await service.search("a flat", 2)).properties
    finally:
        await service.aclose()


async def test_without_fallback_an_unreachable_qdrant_is_a_failure(small_csv: Path) -> None:
    url = _closed_port_url()
    service = PropertySearchService(make_settings(qdrant=_unreachable(url)))
    await service.start(small_csv, fallback=False)
    try:
        status = service.status()
        assert status.state is IndexState.FAILED
        assert url in status.message
    finally:
        await service.aclose()


def test_health_reports_the_fallback(small_csv: Path) -> None:
    settings = make_settings(qdrant=_unreachable(_closed_port_url()))
    with TestClient(create_app(settings, data_path=small_csv, with_voice=False)) as client:
        deadline = time.monotonic() + 120
        while (response := client.get("/health")).status_code == 503:
            assert response.json()["status"] == "loading", response.json()
            assert time.monotonic() < deadline, "index never became ready"
            time.sleep(0.5)
        body = response.json()
        assert body["index"] == {"backend": "in-memory", "properties": 40}
        assert "unreachable" in body["message"]


@pytest.mark.skipif(not LIVE_QDRANT_URL, reason="set QDRANT__URL to test against a Qdrant server")
async def test_live_qdrant_ingest_is_idempotent_and_searchable(small_csv: Path) -> None:
    from property_agent.search.listings_csv import read_listings

    service = PropertySearchService(make_settings(qdrant={"url": LIVE_QDRANT_URL}))
    await service.start(small_csv, load_data=False, fallback=False)
    try:
        assert service.status().backend == "qdrant", service.status().message
        listings = read_listings(small_csv).listings
        first = await service.ingest(listings)
        assert await service.ingest(listings) == first
        result = await service.search(f"a flat in {listings[0].location}", 3)
        assert result.properties
        assert all(p.location == listings[0].location for p in result.properties)
    finally:
        await service.aclose()
