"""The `property-agent` commands as the data team and developers use them."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from property_agent.cli import app
from tests.support.settings import shipped_rows, write_listings

pytestmark = [pytest.mark.integration]
runner = CliRunner()


@pytest.fixture
def small_csv(tmp_path: Path) -> Path:
    return write_listings(tmp_path / "small.csv", shipped_rows(60))  # type: ignore[arg-type]


@pytest.fixture
def bad_csv(tmp_path: Path) -> Path:
    rows: list[dict[str, object]] = [dict(r) for r in shipped_rows(5)]
    rows[1]["price"] = "cheap"
    rows[3]["rooms"] = "-2"
    return write_listings(tmp_path / "bad.csv", rows)


def test_search_json_is_the_endpoint_shape(small_csv: Path) -> None:
    result = runner.invoke(
        app, ["search", "two bedrooms under 2 million", "--data", str(small_csv), "--json"]
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["status"] == "success"
    assert body["filters"]["min_rooms"] == 2
    assert body["filters"]["price_smaller_than"] == 2_000_000
    assert body["count"] == len(body["properties"]) == 3
    assert all(p["rooms"] >= 2 and p["price"] <= 2_000_000 for p in body["properties"])


def test_search_prints_a_readable_table(small_csv: Path) -> None:
    result = runner.invoke(app, ["search", "a flat", "--data", str(small_csv), "--limit", "2"])
    assert result.exit_code == 0, result.output
    assert "Understood" in result.stdout
    assert "price" in result.stdout and "€" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [(["search", "flat", "--limit", "0"], "limit"), (["search", "  "], "query")],
)
def test_search_rejects_bad_input_before_loading_anything(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output


def test_ingest_reports_bad_rows_with_lines_and_keeps_the_good(bad_csv: Path) -> None:
    result = runner.invoke(app, ["ingest", str(bad_csv)])
    assert result.exit_code == 1
    assert "line 3" in result.output and "price 'cheap' is not a whole number" in result.output
    assert "line 5" in result.output and "rooms must be at least 0" in result.output
    assert "3 valid listing(s), 2 rejected" in result.output
    assert "No QDRANT__URL is set" in result.output
    assert f"property-agent serve --data {bad_csv}" in result.output


def test_ingest_dry_run_of_a_good_file_succeeds(small_csv: Path) -> None:
    result = runner.invoke(app, ["ingest", str(small_csv), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "60 valid listing(s), 0 rejected" in result.output


def test_ingest_of_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2
    assert "not found" in result.output


def test_ingest_into_an_unreachable_qdrant_fails_and_says_so(
    small_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
    monkeypatch.setenv("QDRANT__URL", url)
    monkeypatch.setenv("QDRANT__TIMEOUT_S", "1")
    monkeypatch.setenv("QDRANT__CONNECT_WAIT_S", "0")
    result = runner.invoke(app, ["ingest", str(small_csv)])
    assert result.exit_code == 1
    assert "unreachable" in result.output and url in result.output


def test_serve_without_a_listings_file_names_the_setting(tmp_path: Path) -> None:
    result = runner.invoke(app, ["serve", "--data", str(tmp_path / "missing.csv")])
    assert result.exit_code == 2
    assert "DATA__PATH" in result.output and "--data" in result.output


def test_an_invalid_setting_stops_the_cli_with_its_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QDRANT__URL", "localhost:6333")
    result = runner.invoke(app, ["ingest", "whatever.csv"])
    assert result.exit_code == 2
    assert "QDRANT__URL" in result.output


@pytest.fixture
def live_server(search_service: object) -> Iterator[str]:
    """The real app on a free localhost port, served by uvicorn in a thread."""
    import uvicorn

    from property_agent.api.app import create_app
    from tests.support.settings import make_settings

    api = create_app(make_settings(), search_service=search_service, with_voice=False)  # type: ignore[arg-type]
    server = uvicorn.Server(uvicorn.Config(api, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_search_can_ask_a_running_server(live_server: str) -> None:
    result = runner.invoke(app, ["search", "3 bed in Retiro", "--server", live_server, "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["filters"]["location"] == "Retiro" and body["filters"]["min_rooms"] == 3
    assert body["properties"] and all(p["location"] == "Retiro" for p in body["properties"])


def test_search_says_when_the_server_is_not_running() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
    result = runner.invoke(app, ["search", "a flat", "--server", url])
    assert result.exit_code == 1
    assert "Cannot reach the API" in result.output and "property-agent serve" in result.output
