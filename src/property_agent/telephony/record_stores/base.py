"""What every call-record store shares: the store base (with pruning), the error, and
row ↔ record conversion."""

from __future__ import annotations

import contextlib
import json
import logging
from abc import abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

# `_sqlite_path`: the very file the checkpointer opens, so the two never disagree on it.
from property_agent.agent.memory import (
    MemoryUnavailable,
)
from property_agent.telephony.records import (
    CallRecord,
    CallRecords,
    CallTurn,
    Outcome,
    Role,
)

if TYPE_CHECKING:
    pass


logger = logging.getLogger(__name__)


class CallRecordsUnavailable(MemoryUnavailable):
    """The call-record store cannot be opened; the message says which setting to fix."""


class CallRecordStore(CallRecords):
    """A `CallRecords` that forgets old calls on the conversation memory's TTL."""

    @abstractmethod
    async def prune(self, older_than: datetime) -> int:
        """Delete calls whose end (or start, if never finished) is before `older_than`;
        return how many."""

    async def prune_expired(self, ttl_hours: float, now: datetime | None = None) -> int:
        """Delete calls older than `MEMORY__TTL_HOURS`: call it from the memory janitor."""
        return await self.prune(utc(now or datetime.now(UTC)) - timedelta(hours=ttl_hours))


def utc(moment: datetime) -> datetime:
    """Naive times are taken as UTC; every stored time comes back in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def unknown_call(call_sid: str, action: str) -> None:
    logger.warning("Call record %s not found: %s ignored", call_sid, action)


def details_json(turn: CallTurn) -> str:
    return json.dumps(turn.details, default=str)  # a stray datetime must not lose the turn


@contextlib.contextmanager
def best_effort(
    action: str, call_sid: str, errors: tuple[type[BaseException], ...]
) -> Iterator[None]:
    try:
        yield
    except errors as exc:
        logger.error("Call record %s: %s not saved (%s)", call_sid, action, type(exc).__name__)


def record_from_row(row: Sequence[Any], turns: list[CallTurn]) -> CallRecord:
    """A record from `call_sid, thread_id, caller, started_at, ended_at, outcome` (datetimes)."""
    return CallRecord(
        call_sid=row[0],
        thread_id=row[1],
        caller=row[2],
        started_at=utc(row[3]),
        ended_at=utc(row[4]) if row[4] else None,
        outcome=cast(Outcome, row[5]),
        turns=turns,
    )


def turn_from_row(role: str, text: str, at: datetime, interrupted: bool, details: Any) -> CallTurn:
    if isinstance(details, str):
        details = json.loads(details)
    return CallTurn(
        role=cast(Role, role),
        text=text,
        at=utc(at),
        interrupted=bool(interrupted),
        details=details or {},
    )


def group_turns(
    rows: Iterable[Sequence[Any]], at: Callable[[Any], datetime] | None = None
) -> dict[str, list[CallTurn]]:
    """`call_sid, role, text, at, interrupted, details` rows, in order → turns per call."""
    grouped: dict[str, list[CallTurn]] = {}
    for sid, role, text, when, interrupted, details in rows:
        grouped.setdefault(sid, []).append(
            turn_from_row(role, text, at(when) if at else when, interrupted, details)
        )
    return grouped


# SQLite keeps times as integer microseconds since the epoch (UTC): exact, and they sort.
