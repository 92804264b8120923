"""What `property-agent` loads before it answers: `--help` and the `--server` commands never
import the search engine, the web stack or the settings machinery (what made them take seconds).
How long they take is measured by scripts/bench_cli.py, not here."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from property_agent.cli import Commands, app
from property_agent.domain import MAX_LIMIT
from tests.support.http_server import Request, Response, ScriptedHTTPServer

pytestmark = [pytest.mark.unit]
runner = CliRunner()

ENGINES = ("torch", "superlinked", "sentence_transformers", "fastapi", "gradio", "fastrtc")
# pydantic itself is typer's (it coerces option values with it) once a command runs.
SETTINGS_AND_CLIENTS = (
    "pydantic_settings",
    "property_agent.config",
    "property_agent.domain",
    "httpx",
)

# Runs the CLI in a fresh interpreter, then reports its exit code and the modules it imported.
_PROBE = """
import json, sys
from property_agent.cli import main
sys.argv = ["property-agent", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit as exc:
    code = exc.code or 0
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def run_cli(*args: str, stdin: str = "") -> tuple[int, str, set[str]]:
    """`property-agent ARGS` in a subprocess: exit code, stdout, the modules it imported."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "COLUMNS": "80"}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(args)],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], done.stdout, set(report["modules"])


def loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return [n for n in names if n in modules]


class FakeAPI(ScriptedHTTPServer):
    """`GET /avatars`, `POST /agent/chat` and `POST /superlinked/search` as the API answers."""

    def reply(self, request: Request) -> Response:
        if request.path == "/avatars":
            avatars = [{"key": "tara", "name": "Tara", "description": "Warm and quick."}]
            return Response.json({"default": "tara", "avatars": avatars})
        if request.path == "/agent/chat":
            body = request.json()
            text = "Bye for now!" if "bye" in body["message"] else "Two in Retiro."
            return Response.json(
                {"reply": text, "tool_calls": [], "thread_id": body["thread_id"], "fallback": False}
            )
        listing = {"id": 7, "description": "A flat.", "baths": 1, "rooms": 2, "sqft": 70}
        return Response.json(
            {
                "status": "success",
                "query": request.json()["query"],
                "count": 1,
                "filters": {"location": "Retiro"},
                "properties": [{**listing, "location": "Retiro", "price": 400000}],
                "parser": "local",
                "flagged_places": [],
                "relaxations": [],
                "hint": None,
            }
        )


def test_help_lists_every_command_without_loading_the_engines() -> None:
    code, out, modules = run_cli("--help")

    assert code == 0
    for command in Commands.commands_registry:
        assert command.name in out and command.summary in out
    assert loaded(modules, (*ENGINES, *SETTINGS_AND_CLIENTS, "pydantic")) == []
    assert "rich" not in modules  # plain help: rich is for the commands' own output


def test_search_through_a_server_loads_no_engine_and_no_settings() -> None:
    with FakeAPI() as api:
        code, out, modules = run_cli("search", "2 bed in Retiro", "--server", api.url)

    assert code == 0, out
    assert "€400,000" in out and "Retiro" in out
    assert loaded(modules, ENGINES + SETTINGS_AND_CLIENTS) == []


def test_chat_through_a_server_loads_no_engine_and_no_settings() -> None:
    with FakeAPI() as api:
        code, out, modules = run_cli("chat", "--server", api.url, stdin="2 bed in Retiro\nbye\n")

    assert code == 0, out
    assert "Tara: Two in Retiro." in out and "Tara: Bye for now!" in out
    assert loaded(modules, ENGINES + SETTINGS_AND_CLIENTS) == []


@pytest.mark.parametrize("command", [c.name for c in Commands.commands_registry])
def test_every_listed_command_has_its_own_help(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])

    assert result.exit_code == 0, result.output
    assert f" {command} [OPTIONS]" in result.output


def test_search_help_states_the_limit_the_api_enforces() -> None:
    result = runner.invoke(app, ["search", "--help"])

    assert f"(1-{MAX_LIMIT})" in result.output


def test_an_unknown_command_names_the_commands() -> None:
    result = runner.invoke(app, ["serach", "flat"])

    assert result.exit_code == 2
    assert "serach" in result.output


@pytest.mark.parametrize("command", [["search", "a flat"], ["chat"]])
def test_a_listings_file_with_a_server_is_a_usage_error(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--data", "x.csv", "--server", "http://127.0.0.1:1"])

    assert result.exit_code == 2
    assert "--data" in result.output and "--server" in result.output
