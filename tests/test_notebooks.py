"""Notebooks are documentation people run: execute every code cell so they never rot."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from tests.support.settings import ROOT

pytestmark = [pytest.mark.integration, pytest.mark.slow]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# What each notebook must print when it works: one lesson each, as the course teaches them.
SHOWS = {
    "property_search.ipynb": ("Chamberí", "€"),
    "fastrtc_agents.ipynb": ("a FastRTC ReplyOnPause: True", "search_property_tool(", "Retiro"),
    "stt_tts_strategies.ipynb": (
        "needs GROQ__API_KEY",
        "orpheus-remote+piper",
        "ninety-five square metres",
    ),
    "avatars.ipynb": ("must be plain speech", "You are Bea", "avatar-tara"),
}


def _code_cells(path: Path) -> list[str]:
    cells = json.loads(path.read_text("utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def test_every_lesson_has_a_notebook() -> None:
    assert sorted(p.name for p in NOTEBOOKS) == sorted(SHOWS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
async def test_notebook_runs_top_to_bottom(
    path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    for source in _code_cells(path):
        # Top-level await, as Jupyter allows it.
        code = compile(source, f"{path.name}", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        result = eval(code, namespace)
        if result is not None:
            await result
    out = capsys.readouterr().out
    for shown in SHOWS[path.name]:
        assert shown in out, (path.name, shown)
