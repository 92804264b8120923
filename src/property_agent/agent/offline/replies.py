"""The offline policy's lines and what it hands back: `replies.yaml` read once, a line picked
and filled for this turn, and the `Reply` (text, search arguments, notes) the model sends.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from property_agent.agent.offline.state import NOTE_KEY, CallState

_ids = itertools.count(1)


@cache
def replies() -> dict[str, list[str]]:
    text = resources.files(__package__).joinpath("replies.yaml").read_text("utf-8")
    return {k: list(v) for k, v in yaml.safe_load(text).items()}


@dataclass
class Reply:
    text: str
    search: dict[str, Any] | None = None  # tool arguments when the policy searches
    note: dict[str, Any] = field(default_factory=dict)


def say(key: str, state: CallState, **values: Any) -> str:
    """One of the `key` lines, a different one each turn, with the caller's name filled in."""
    variants = replies()[key]
    name_tail = f", {state.name}" if state.name else ""
    line = variants[state.human_turns % len(variants)]
    return line.format(name_tail=name_tail, name=state.name or "", **values)


def ask(key: str, state: CallState, asked: str, **values: Any) -> Reply:
    """Say a `key` line and note what it asked, so the next turn reads the answer in context."""
    return Reply(say(key, state, **values), note={"asked": asked})


def note_for(reply: Reply) -> dict[str, Any]:
    return {NOTE_KEY: reply.note} if reply.note else {}


def tool_call_id() -> str:
    return f"call_offline_{next(_ids)}"
