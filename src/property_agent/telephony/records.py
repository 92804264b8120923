"""What the agency reads after a call: who called (redacted), when, how it ended, and the turns.

Records live beside the conversation memory (`MEMORY__BACKEND`): in process for `memory`, in the
same SQLite file for `sqlite`, in the same PostgreSQL database for `postgres` (so every API
instance sees every call). The caller's number is never stored: only its redacted form
(`+34*****1222`) and a keyed hash that names the conversation thread.
"""

from __future__ import annotations

import hashlib
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from property_agent.domain import is_e164

Role = Literal["user", "agent", "tool"]
Outcome = Literal[
    "in-progress",  # still talking
    "completed",  # the caller or the avatar said goodbye / hung up
    "busy",  # every line was taken
    "max-duration",  # TELEPHONY__MAX_CALL_S reached
    "silence-timeout",  # the caller said nothing for TELEPHONY__SILENCE_TIMEOUT_S
    "error",  # the call failed on our side
]


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class CallTurn:
    """One line of a call: what the caller said, what the avatar said (as far as the caller
    heard it, when interrupted) or a search the avatar ran."""

    role: Role
    text: str
    at: datetime = field(default_factory=now)
    interrupted: bool = False  # agent turns: the caller spoke over it; `text` is what was heard
    details: dict[str, Any] = field(default_factory=dict)  # tool args / result count, timings

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"role": self.role, "text": self.text, "at": self.at.isoformat()}
        if self.interrupted:
            data["interrupted"] = True
        # A stray `text` or `role` key in the details must not mask the turn's own.
        data.update({key: value for key, value in self.details.items() if key not in data})
        return data


@dataclass
class CallRecord:
    call_sid: str
    thread_id: str
    caller: str  # redacted, e.g. +34*****1222
    started_at: datetime
    ended_at: datetime | None = None
    outcome: Outcome = "in-progress"
    turns: list[CallTurn] = field(default_factory=list)

    def as_json(self, *, with_turns: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "call_sid": self.call_sid,
            "thread_id": self.thread_id,
            "from": self.caller,
            "started_at": self.started_at.isoformat(),
            "ended_at": self.ended_at.isoformat() if self.ended_at else None,
            "outcome": self.outcome,
        }
        if with_turns:
            data["turns"] = [turn.as_json() for turn in self.turns]
        return data


class CallRecords(ABC):
    """Where call records are kept. Every method is safe to call from many calls at once."""

    @abstractmethod
    async def start(self, record: CallRecord) -> None:
        """A call began (a second start for the same CallSid replaces nothing and is ignored)."""

    @abstractmethod
    async def add_turn(self, call_sid: str, turn: CallTurn) -> None:
        """Append a turn to a started call (unknown CallSid: ignored with a warning)."""

    @abstractmethod
    async def finish(
        self, call_sid: str, outcome: Outcome, ended_at: datetime | None = None
    ) -> None:
        """The call ended."""

    @abstractmethod
    async def get(self, call_sid: str) -> CallRecord | None: ...

    @abstractmethod
    async def recent(self, limit: int) -> list[CallRecord]:
        """The latest calls first (turns included)."""

    async def aclose(self) -> None:
        return None


# E.164 country codes are prefix-free: these are the one- and two-digit ones; all others have three.
_SHORT_COUNTRY_CODES = frozenset(
    "1 7 20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 "
    "60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98".split()
)
# What carriers (and Twilio) put in `From` when the caller hides their number: the words spelled
# on a keypad (ANONYMOUS, RESTRICTED, UNAVAILABLE, BLOCKED, UNKNOWN). They are not callers.
_WITHHELD_NUMBERS = frozenset({"+266696687", "+7378742833", "+86282452253", "+2562533", "+8656696"})


def _country_code(digits: str) -> str:
    for size in (1, 2):
        if digits[1 : 1 + size] in _SHORT_COUNTRY_CODES:
            return digits[: 1 + size]
    return digits[:4]


def redact_number(number: str | None) -> str:
    """`+34600111222` → `+34*****1222`: country code and last four digits only (fewer for a
    short national number, so at least half of it stays hidden)."""
    if not number:
        return "unknown"
    digits = re.sub(r"[^\d+]", "", number)
    if digits in _WITHHELD_NUMBERS or not any(ch.isdigit() for ch in number):
        return "withheld"
    if not is_e164(digits):
        return "*" * 4 + digits[-2:]
    country = _country_code(digits)
    national = len(digits) - len(country)
    shown = min(4, national // 2)
    return country + "*" * (national - shown) + digits[len(digits) - shown :]


def caller_thread_id(number: str, secret: str) -> str:
    """A stable conversation id for a phone number that does not reveal it: a keyed hash (the
    key is the API key or Twilio token, so ids cannot be reversed by hashing every number)."""
    digest = hashlib.blake2b(number.encode(), key=secret.encode()[:64], digest_size=12)
    return f"phone-{digest.hexdigest()}"
