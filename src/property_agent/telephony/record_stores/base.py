"""What every call-record store shares: the store base (with pruning) and the error; and the SQL
base the SQLite and PostgreSQL stores share, every statement written once, with the dialect's
differences (placeholders, time columns, how a statement runs) as hooks."""

from __future__ import annotations

import contextlib
import json
import logging
from abc import abstractmethod
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, cast

from property_agent.storage import StorageUnavailable
from property_agent.telephony.records import CallRecord, CallRecords, CallTurn, Outcome, Role

logger = logging.getLogger(__name__)


class CallRecordsUnavailable(StorageUnavailable):
    """The call-record store cannot be opened; the message says which setting to fix."""


class CallRecordStore(CallRecords):
    """A `CallRecords` that forgets old calls on the conversation memory's TTL (a `Prunable`
    for the memory janitor)."""

    label = "call record(s)"

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


@contextlib.contextmanager
def _best_effort(
    action: str, call_sid: str, errors: tuple[type[BaseException], ...]
) -> Iterator[None]:
    """Writes never raise into a live call: the error is logged and the turn is lost."""
    try:
        yield
    except errors as exc:
        logger.error("Call record %s: %s not saved (%s)", call_sid, action, type(exc).__name__)


class SqlCallRecords(CallRecordStore):
    """The statements of both SQL stores. Tables `call_records` and `call_turns` (turns ordered
    by an increasing `id`); each write is one statement, so concurrent calls cannot interleave
    half-writes. A dialect names its time columns and placeholder and runs the statements."""

    # Dialect hooks: the column names and placeholder that differ between the two schemas.
    STARTED: ClassVar[str]
    ENDED: ClassVar[str]
    AT: ClassVar[str]  # a turn's time
    SEQ: ClassVar[str]  # insertion order, for calls that started at the same instant
    MARK: ClassVar[str]  # the parameter placeholder
    JSON_MARK: ClassVar[str]  # the placeholder for the details (JSON text)
    errors: tuple[type[BaseException], ...]

    @abstractmethod
    async def _execute(self, query: str, args: Sequence[Any]) -> int:
        """Run one statement; how many rows it touched."""

    @abstractmethod
    async def _fetch(self, query: str, args: Sequence[Any]) -> list[Sequence[Any]]:
        """Run one query; its rows."""

    @abstractmethod
    def _one_of(self, values: list[str]) -> tuple[str, Sequence[Any]]:
        """`call_sid` is one of `values`: the condition after `WHERE call_sid` and its args."""

    def _to_db(self, moment: datetime) -> Any:
        return utc(moment)

    def _from_db(self, value: Any) -> datetime:
        return utc(value)

    async def start(self, record: CallRecord) -> None:
        m = self.MARK
        with _best_effort("start", record.call_sid, self.errors):
            inserted = await self._execute(
                "INSERT INTO call_records "
                f"(call_sid, thread_id, caller, {self.STARTED}, {self.ENDED}, outcome) "
                f"VALUES ({m}, {m}, {m}, {m}, {m}, {m}) ON CONFLICT (call_sid) DO NOTHING",
                (
                    record.call_sid,
                    record.thread_id,
                    record.caller,
                    self._to_db(record.started_at),
                    self._to_db(record.ended_at) if record.ended_at else None,
                    record.outcome,
                ),
            )
            if inserted:
                for turn in record.turns:
                    await self.add_turn(record.call_sid, turn)

    async def add_turn(self, call_sid: str, turn: CallTurn) -> None:
        m = self.MARK
        # A foreign-key error means the call was pruned mid-insert: the same as an unknown call.
        with _best_effort("turn", call_sid, self.errors):
            added = await self._execute(
                f"INSERT INTO call_turns (call_sid, role, text, {self.AT}, interrupted, details) "
                f"SELECT call_sid, {m}, {m}, {m}, {m}, {self.JSON_MARK} FROM call_records "
                f"WHERE call_sid = {m}",
                (
                    turn.role,
                    turn.text,
                    self._to_db(turn.at),
                    turn.interrupted,
                    json.dumps(turn.details, default=str),  # a stray datetime must not lose it
                    call_sid,
                ),
            )
            if not added:
                unknown_call(call_sid, "turn")

    async def finish(
        self, call_sid: str, outcome: Outcome, ended_at: datetime | None = None
    ) -> None:
        m, ended = self.MARK, self.ENDED
        with _best_effort("finish", call_sid, self.errors):
            updated = await self._execute(
                f"UPDATE call_records SET {ended} = COALESCE({ended}, {m}), "
                f"outcome = CASE WHEN {ended} IS NULL THEN {m} ELSE outcome END "
                f"WHERE call_sid = {m}",
                (self._to_db(ended_at or datetime.now(UTC)), outcome, call_sid),
            )
            if not updated:
                unknown_call(call_sid, "finish")

    async def get(self, call_sid: str) -> CallRecord | None:
        found = await self._records(f"WHERE call_sid = {self.MARK}", (call_sid,))
        return found[0] if found else None

    async def recent(self, limit: int) -> list[CallRecord]:
        order = f"ORDER BY {self.STARTED} DESC, {self.SEQ} DESC LIMIT {self.MARK}"
        return await self._records(order, (limit,))

    async def prune(self, older_than: datetime) -> int:
        return await self._execute(
            f"DELETE FROM call_records WHERE COALESCE({self.ENDED}, {self.STARTED}) < {self.MARK}",
            (self._to_db(older_than),),
        )

    async def _records(self, where: str, args: tuple[Any, ...]) -> list[CallRecord]:
        rows = await self._fetch(
            f"SELECT call_sid, thread_id, caller, {self.STARTED}, {self.ENDED}, outcome "
            f"FROM call_records {where}",
            args,
        )
        if not rows:
            return []
        condition, sids = self._one_of([row[0] for row in rows])
        turns: dict[str, list[CallTurn]] = {}
        for sid, role, text, at, interrupted, details in await self._fetch(
            f"SELECT call_sid, role, text, {self.AT}, interrupted, details FROM call_turns "
            f"WHERE call_sid {condition} ORDER BY id",
            sids,
        ):
            turns.setdefault(sid, []).append(
                CallTurn(
                    role=cast(Role, role),
                    text=text,
                    at=self._from_db(at),
                    interrupted=bool(interrupted),
                    details=(json.loads(details) if isinstance(details, str) else details) or {},
                )
            )
        return [
            CallRecord(
                call_sid=sid,
                thread_id=thread_id,
                caller=caller,
                started_at=self._from_db(started),
                ended_at=self._from_db(ended) if ended is not None else None,
                outcome=cast(Outcome, outcome),
                turns=turns.get(sid, []),
            )
            for sid, thread_id, caller, started, ended, outcome in rows
        ]
