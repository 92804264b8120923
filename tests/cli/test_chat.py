"""`property-agent chat`: a terminal conversation with an avatar, searches shown as they happen."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from property_agent.avatars import get_avatar, load_avatars
from property_agent.cli import app
from tests.support.settings import shipped_rows, write_listings

pytestmark = [pytest.mark.integration]
runner = CliRunner()
CONVERSATION = "hello\nsomething in Retiro under 2 million\n\n"


@pytest.fixture
def small_csv(tmp_path: Path) -> Path:
    return write_listings(tmp_path / "small.csv", shipped_rows(120))  # type: ignore[arg-type]


def lines_of(output: str, speaker: str) -> list[str]:
    """What `speaker` said, in order (a reply may follow the `you> ` prompt on its line)."""
    lines = (line.removeprefix("you> ") for line in output.splitlines())
    return [line.removeprefix(f"{speaker}: ") for line in lines if line.startswith(f"{speaker}: ")]


def test_chat_introduces_the_avatar_searches_and_answers(small_csv: Path) -> None:
    tara = get_avatar("tara")  # the default avatar

    result = runner.invoke(app, ["chat", "--data", str(small_csv)], input=CONVERSATION)

    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("Loading"), result.stderr  # said before the slow part
    said = lines_of(result.stdout, tara.name)
    assert said[0] == tara.intro
    search_lines = [line.strip() for line in result.stdout.splitlines() if "→ " in line]
    assert len(search_lines) == 1
    assert search_lines[0].startswith("→ search_property_tool(")
    assert "Retiro" in search_lines[0]
    assert any("listing(s)" in line and "←" in line for line in result.stdout.splitlines())
    assert any("Retiro" in line and "€" in line for line in said[1:]), result.stdout


def test_chat_talks_as_the_chosen_avatar(small_csv: Path) -> None:
    leo = get_avatar("leo")

    result = runner.invoke(
        app, ["chat", "--avatar", "leo", "--data", str(small_csv)], input=CONVERSATION
    )

    assert result.exit_code == 0, result.output
    said = lines_of(result.stdout, "Leo")
    assert said[0] == leo.intro
    assert len(said) > 2  # the intro, the greeting's answer and the search's answer
    assert not lines_of(result.stdout, "Tara")


def test_chat_says_the_intro_once(small_csv: Path) -> None:
    tara = get_avatar("tara")

    result = runner.invoke(app, ["chat", "--data", str(small_csv)], input=CONVERSATION)

    assert result.exit_code == 0, result.output
    said = " ".join(lines_of(result.stdout, tara.name))
    assert said.count(tara.intro.split(".")[0]) == 1, said


def test_chat_with_an_unknown_avatar_names_the_valid_ones() -> None:
    result = runner.invoke(app, ["chat", "--avatar", "bob"], input="hello\n")

    assert result.exit_code == 2
    assert "bob" in result.output
    for name in load_avatars():
        assert name in result.output.lower()


def test_saying_bye_ends_the_chat_after_the_avatar_says_goodbye(small_csv: Path) -> None:
    """No empty line or Ctrl-D needed: the lines after "bye" are never read."""
    tara = get_avatar("tara")

    result = runner.invoke(
        app,
        ["chat", "--data", str(small_csv)],
        input="something in Retiro under 2 million\nok, bye!\nsomething in Sol\n",
    )

    assert result.exit_code == 0, result.output
    said = lines_of(result.stdout, tara.name)
    assert len(said) >= 3, result.stdout  # the intro, the search's answer, the goodbye
    assert "Sol" not in " ".join(said[2:]), result.stdout
    assert result.stdout.count("→ search_property_tool(") == 1, result.stdout


@pytest.mark.unit
@pytest.mark.parametrize(
    ("line", "farewell"),
    [
        ("bye", True),
        ("ok, goodbye!", True),
        ("that's all, thanks", True),
        ("see you tomorrow at the viewing", False),
        ("bye the way, something in Retiro", False),
        ("thank you", False),
    ],
)
def test_which_lines_take_leave(line: str, farewell: bool) -> None:
    from property_agent.cli.chat import is_farewell

    assert is_farewell(line) is farewell


def test_chat_through_a_running_server_talks_as_the_chosen_avatar(live_server: str) -> None:
    """The lines go to POST /agent/chat as Leo; "bye" ends it and the line after is never sent."""
    result = runner.invoke(
        app,
        ["chat", "--server", live_server, "--avatar", "Leo"],
        input="something in Retiro under 2 million\nok, bye!\nsomething in Sol\n",
    )

    assert result.exit_code == 0, result.output
    said = lines_of(result.stdout, "Leo")
    assert len(said) == 2, result.stdout  # the search's answer, the goodbye
    assert "Retiro" in said[0] and "€" in said[0], result.stdout
    assert result.stdout.count("→ search_property_tool(") == 1, result.stdout
    assert "Sol" not in said[1]
    assert not lines_of(result.stdout, "Tara")


def test_chat_through_a_server_with_an_unknown_avatar_lists_the_servers(live_server: str) -> None:
    result = runner.invoke(app, ["chat", "--server", live_server, "--avatar", "bob"], input="hi\n")

    assert result.exit_code == 2
    assert "bob" in result.output and live_server in result.output
    for name in load_avatars():
        assert name in result.output.lower()


def test_chat_through_an_unreachable_server_names_it(unused_url: str) -> None:
    result = runner.invoke(app, ["chat", "--server", unused_url], input="hi\n")

    assert result.exit_code == 2
    assert f"Cannot reach the API at {unused_url}" in result.output
