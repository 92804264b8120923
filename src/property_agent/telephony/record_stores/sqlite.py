"""Call records in the conversation-memory SQLite file (`MEMORY__BACKEND=sqlite`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import aiosqlite

from property_agent.storage import prepare_sqlite_file
from property_agent.telephony.record_stores.base import SqlCallRecords, utc

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

# SQLite keeps times as integer microseconds since the epoch (UTC): exact, and they sort.
_SCHEMA = """
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


class SqliteCallRecords(SqlCallRecords):
    """Records in the conversation-memory SQLite file (`MEMORY__BACKEND=sqlite`).

    One autocommit connection: aiosqlite runs its statements one at a time, and each write is a
    single statement, so concurrent calls cannot interleave half-writes.
    """

    STARTED, ENDED, AT, SEQ = "started_us", "ended_us", "at_us", "rowid"
    MARK = JSON_MARK = "?"
    errors = (sqlite3.Error, ValueError)  # aiosqlite: ValueError once the connection closed

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    @classmethod
    async def open(cls, path: str) -> SqliteCallRecords:
        prepare_sqlite_file(path)
        conn = await aiosqlite.connect(path, isolation_level=None)
        try:
            await conn.execute("PRAGMA foreign_keys = ON")  # pruning a call drops its turns
            await conn.executescript(_SCHEMA)
        except BaseException:
            await conn.close()
            raise
        return cls(conn)

    async def _execute(self, query: str, args: Sequence[Any]) -> int:
        cursor = await self._conn.execute(query, args)
        return cursor.rowcount

    async def _fetch(self, query: str, args: Sequence[Any]) -> list[Sequence[Any]]:
        async with self._conn.execute(query, args) as cursor:
            return list(await cursor.fetchall())

    def _one_of(self, values: list[str]) -> tuple[str, Sequence[Any]]:
        return f"IN ({','.join('?' * len(values))})", values

    def _to_db(self, moment: datetime) -> int:
        return (utc(moment) - _EPOCH) // _MICROSECOND

    def _from_db(self, value: int) -> datetime:
        return _EPOCH + value * _MICROSECOND

    async def aclose(self) -> None:
        await self._conn.close()
