"""The `property-agent` commands as the data team and developers use them."""

from __future__ import annotations

import json
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
    assert result.stderr.startswith("Loading the listings index"), result.stderr
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
    small_csv: Path, unused_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = unused_url
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


def test_search_can_ask_a_running_server(live_server: str) -> None:
    result = runner.invoke(app, ["search", "3 bed in Retiro", "--server", live_server, "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["filters"]["location"] == "Retiro" and body["filters"]["min_rooms"] == 3
    assert body["properties"] and all(p["location"] == "Retiro" for p in body["properties"])


def test_search_says_when_the_server_is_not_running(unused_url: str) -> None:
    url = unused_url
    result = runner.invoke(app, ["search", "a flat", "--server", url])
    assert result.exit_code == 2
    assert f"Cannot reach the API at {url}" in result.output
    assert "property-agent serve" in result.output


def test_a_bad_request_to_the_server_is_a_usage_error(live_server: str) -> None:
    result = runner.invoke(app, ["search", "a flat", "--limit", "99", "--server", live_server])
    assert result.exit_code == 2
    assert "limit" in result.output


def test_the_search_table_fits_an_80_column_terminal(live_server: str) -> None:
    """One line per listing, nothing wrapped: each row shows its id, price and neighbourhood."""
    query = ["search", "a flat with a terrace in Nuevos Ministerios", "--limit", "5"]
    found = json.loads(runner.invoke(app, [*query, "--server", live_server, "--json"]).stdout)

    result = runner.invoke(app, [*query, "--server", live_server], env={"COLUMNS": "80"})

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80, result.stdout
    header = next(line for line in lines if line.split()[:2] == ["id", "price"])
    assert header.split() == ["id", "price", "beds", "baths", "m²", "neighbourhood", "title"]
    assert found["properties"]
    for p in found["properties"]:
        row = next(line for line in lines if line.lstrip().startswith(str(p["id"])))
        assert f"€{p['price']:,}" in row and p["location"][:10] in row, row
