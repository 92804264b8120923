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
        data.update(self.details)
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


_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def is_e164(number: str) -> bool:
    return bool(_E164.match(number))


def redact_number(number: str | None) -> str:
    """`+34600111222` → `+34*****1222`: country code and last four digits only."""
    if not number:
        return "unknown"
    digits = re.sub(r"[^\d+]", "", number)
    if not is_e164(digits):
        return "withheld" if not any(ch.isdigit() for ch in number) else "*" * 4 + digits[-2:]
    country = digits[:3] if len(digits) > 11 else digits[:2]
    return country + "*" * (len(digits) - len(country) - 4) + digits[-4:]


def caller_thread_id(number: str, secret: str) -> str:
    """A stable conversation id for a phone number that does not reveal it: a keyed hash (the
    key is the API key or Twilio token, so ids cannot be reversed by hashing every number)."""
    digest = hashlib.blake2b(number.encode(), key=secret.encode()[:64], digest_size=12)
    return f"phone-{digest.hexdigest()}"
