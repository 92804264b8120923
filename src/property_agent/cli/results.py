"""A search response (the JSON body of `POST /superlinked/search`) as the terminal shows it: what
was understood, then one line per listing that fits the terminal's width (80 columns included)."""

from __future__ import annotations

import re
from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text

from property_agent.cli.common import out

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def title(description: str) -> str:
    """A listing's short title: its description's first sentence of four words or more (an
    opener like "Opportunity!" says nothing in a table)."""
    sentences = [s for s in _SENTENCE_END.split(description.strip()) if s]
    return next((s for s in sentences if len(s.split()) >= 4), description.strip())


def print_response(body: dict[str, Any]) -> None:
    stated = ", ".join(f"{k}={v}" for k, v in body["filters"].items() if v is not None)
    _say(f"[bold]Understood[/] ({body['parser']}): {stated or 'no constraints'}")
    if body.get("hint"):
        _say(f"[yellow]{body['hint']}[/]")
    if not body["properties"]:
        for relaxation in body.get("relaxations", []):
            if relaxation["sentence"] not in (body.get("hint") or ""):
                _say(f"  • {relaxation['sentence']}")
        return
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0))
    for name in ("id", "price", "beds", "baths", "m²"):
        table.add_column(name, no_wrap=True, justify="right")
    table.add_column("neighbourhood", no_wrap=True, overflow="ellipsis", max_width=16)
    table.add_column("title")  # the one column that gives way: cut short with "…", never wrapped
    for p in body["properties"]:
        table.add_row(
            str(p["id"]),
            f"€{p['price']:,}",
            str(p["rooms"]),
            str(p["baths"]),
            str(p["sqft"]),
            p["location"],
            Text(title(p["description"]), no_wrap=True, overflow="ellipsis"),
        )
    out.print(table)


def _say(text: str) -> None:
    """Prose, wrapped at the terminal's width (unlike the console's one-line messages)."""
    out.print(text, soft_wrap=False, highlight=False)
