"""What a turn emits, in order, as it happens: the voice layer speaks sentences as they arrive
and plays a filler between `ToolStarted` and `ToolFinished`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ToolStarted:
    name: str
    args: dict[str, Any]


@dataclass(frozen=True)
class ToolFinished:
    name: str
    count: int  # listings returned (0 when nothing matched or the search failed)
    result: dict[str, Any] = field(default_factory=dict)  # the search artifact: listings, filters


@dataclass(frozen=True)
class SentenceReady:
    text: str


@dataclass(frozen=True)
class TurnFinished:
    text: str  # everything the agent said this turn
    fallback: bool = False  # True when a failure was answered with the avatar's fallback line
    latency_ms: dict[str, float] = field(default_factory=dict)  # first_sentence, tool, total


Event = ToolStarted | ToolFinished | SentenceReady | TurnFinished
