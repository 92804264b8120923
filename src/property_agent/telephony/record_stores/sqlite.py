"""Call records in the conversation-memory SQLite file (`MEMORY__BACKEND=sqlite`)."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiosqlite

# `_sqlite_path`: the very file the checkpointer opens, so the two never disagree on it.
from property_agent.telephony.records import (
    CallRecord,
    CallTurn,
    Outcome,
)

if TYPE_CHECKING:
    pass

from property_agent.telephony.record_stores.base import (
    CallRecordStore,
    best_effort,
    details_json,
    group_turns,
    record_from_row,
    unknown_call,
    utc,
)

logger = logging.getLogger(__name__)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _to_us(moment: datetime) -> int:
    return (utc(moment) - _EPOCH) // _MICROSECOND


def _from_us(value: int) -> datetime:
    return _EPOCH + value * _MICROSECOND


_SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS call_records (
    call_sid TEXT PRIMARY KEY,
    thread_id TEXT NOT NULL,
    caller TEXT NOT NULL,
    started_us INTEGER NOT NULL,
    ended_us INTEGER,
    outcome TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS call_records_started ON call_records (started_us);
CREATE TABLE IF NOT EXISTS call_turns (
    id INTEGER PRIMARY KEY,
    call_sid TEXT NOT NULL REFERENCES call_records (call_sid) ON DELETE CASCADE,
    role TEXT NOT NULL,
    text TEXT NOT NULL,
    at_us INTEGER NOT NULL,
    interrupted INTEGER NOT NULL DEFAULT 0,
    details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS call_turns_by_call ON call_turns (call_sid, id);
"""
_SQLITE_RECORD = (
    "SELECT call_sid, thread_id, caller, started_us, ended_us, outcome FROM call_records"
)
_SQLITE_TURNS = "SELECT call_sid, role, text, at_us, interrupted, details FROM call_turns"
_SQLITE_ERRORS = (sqlite3.Error, ValueError)  # aiosqlite: ValueError once the connection closed


class SqliteCallRecords(CallRecordStore):
    """Records in the conversation-memory SQLite file (`MEMORY__BACKEND=sqlite`).

    One autocommit connection: aiosqlite runs its statements one at a time, and each write is a
    single statement, so concurrent calls cannot interleave half-writes.
    """

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    @classmethod
    async def open(cls, path: str) -> SqliteCallRecords:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)
        try:
            await conn.execute("PRAGMA foreign_keys = ON")  # pruning a call drops its turns
            await conn.executescript(_SQLITE_SCHEMA)
        except BaseException:
            await conn.close()
            raise
        return cls(conn)

    async def start(self, record: CallRecord) -> None:
        with best_effort("start", record.call_sid, _SQLITE_ERRORS):
            cursor = await self._conn.execute(
                "INSERT INTO call_records "
                "(call_sid, thread_id, caller, started_us, ended_us, outcome) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (call_sid) DO NOTHING",
                (
                    record.call_sid,
                    record.thread_id,
                    record.caller,
                    _to_us(record.started_at),
                    _to_us(record.ended_at) if record.ended_at else None,
                    record.outcome,
                ),
            )
            if cursor.rowcount:
                for turn in record.turns:
                    await self.add_turn(record.call_sid, turn)

    async def add_turn(self, call_sid: str, turn: CallTurn) -> None:
        with best_effort("turn", call_sid, _SQLITE_ERRORS):
            cursor = await self._conn.execute(
                "INSERT INTO call_turns (call_sid, role, text, at_us, interrupted, details) "
                "SELECT call_sid, ?, ?, ?, ?, ? FROM call_records WHERE call_sid = ?",
                (
                    turn.role,
                    turn.text,
                    _to_us(turn.at),
                    int(turn.interrupted),
                    details_json(turn),
                    call_sid,
                ),
            )
            if not cursor.rowcount:
                unknown_call(call_sid, "turn")

    async def finish(
        self, call_sid: str, outcome: Outcome, ended_at: datetime | None = None
    ) -> None:
        with best_effort("finish", call_sid, _SQLITE_ERRORS):
            cursor = await self._conn.execute(
                "UPDATE call_records SET ended_us = COALESCE(ended_us, ?), "
                "outcome = CASE WHEN ended_us IS NULL THEN ? ELSE outcome END "
                "WHERE call_sid = ?",
                (_to_us(ended_at or datetime.now(UTC)), outcome, call_sid),
            )
            if not cursor.rowcount:
                unknown_call(call_sid, "finish")

    async def get(self, call_sid: str) -> CallRecord | None:
        found = await self._records(f"{_SQLITE_RECORD} WHERE call_sid = ?", (call_sid,))
        return found[0] if found else None

    async def recent(self, limit: int) -> list[CallRecord]:
        return await self._records(
            f"{_SQLITE_RECORD} ORDER BY started_us DESC, rowid DESC LIMIT ?", (limit,)
        )

    async def _records(self, query: str, args: tuple[Any, ...]) -> list[CallRecord]:
        async with self._conn.execute(query, args) as cursor:
            rows = list(await cursor.fetchall())
        if not rows:
            return []
        sids = [row[0] for row in rows]
        marks = ",".join("?" * len(sids))
        async with self._conn.execute(
            f"{_SQLITE_TURNS} WHERE call_sid IN ({marks}) ORDER BY id", sids
        ) as cursor:
            turns = group_turns(await cursor.fetchall(), at=_from_us)
        return [
            record_from_row(
                (*row[:3], _from_us(row[3]), _from_us(row[4]) if row[4] else None, row[5]),
                turns.get(row[0], []),
            )
            for row in rows
        ]

    async def prune(self, older_than: datetime) -> int:
        cursor = await self._conn.execute(
            "DELETE FROM call_records WHERE COALESCE(ended_us, started_us) < ?",
            (_to_us(older_than),),
        )
        return cursor.rowcount

    async def aclose(self) -> None:
        await self._conn.close()
