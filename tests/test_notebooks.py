"""Notebooks are documentation people run: execute every code cell so they never rot."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from tests.support.settings import ROOT

pytestmark = [pytest.mark.integration, pytest.mark.slow]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _code_cells(path: Path) -> list[str]:
    cells = json.loads(path.read_text("utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def test_there_is_a_notebook() -> None:
    assert NOTEBOOKS


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
    assert "Chamberí" in out and "€" in out
