"""Call records in the MEMORY__URL PostgreSQL database (`MEMORY__BACKEND=postgres`): every API
instance sees every call."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

# `_sqlite_path`: the very file the checkpointer opens, so the two never disagree on it.
from property_agent.agent.memory import (
    CONNECT_TIMEOUT_S,
)
from property_agent.telephony.records import (
    CallRecord,
    CallTurn,
    Outcome,
)

if TYPE_CHECKING:
    from psycopg_pool import AsyncConnectionPool

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

POOL_MAX_SIZE = 5


_PG_SCHEMA = """
CREATE TABLE IF NOT EXISTS call_records (
    call_sid TEXT PRIMARY KEY,
    thread_id TEXT NOT NULL,
    caller TEXT NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    ended_at TIMESTAMPTZ,
    outcome TEXT NOT NULL,
    seq BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX IF NOT EXISTS call_records_recent ON call_records (started_at DESC, seq DESC);
CREATE TABLE IF NOT EXISTS call_turns (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_sid TEXT NOT NULL REFERENCES call_records (call_sid) ON DELETE CASCADE,
    role TEXT NOT NULL,
    text TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    interrupted BOOLEAN NOT NULL DEFAULT FALSE,
    details JSON NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS call_turns_by_call ON call_turns (call_sid, id);
"""


def pg_errors() -> tuple[type[Exception], ...]:
    """What a database or pool failure raises (psycopg is the optional postgres extra)."""
    import psycopg
    from psycopg_pool import PoolTimeout

    return (psycopg.Error, PoolTimeout)


_PG_SETUP_LOCK = 0x63616C6C  # advisory lock id ("call"): instances starting together take turns
_PG_RECORD = "SELECT call_sid, thread_id, caller, started_at, ended_at, outcome FROM call_records"
_PG_TURNS = "SELECT call_sid, role, text, at, interrupted, details FROM call_turns"


class PostgresCallRecords(CallRecordStore):
    """Records in the MEMORY__URL database (`MEMORY__BACKEND=postgres`), shared by every API
    instance. A pool of autocommit connections; each write is one statement."""

    def __init__(self, pool: AsyncConnectionPool[Any], errors: tuple[type[Exception], ...]):
        self._pool = pool
        self._errors = errors

    @classmethod
    async def open(cls, url: str) -> PostgresCallRecords:
        """Raises `ImportError` without the postgres extra, psycopg or pool errors otherwise."""
        import psycopg
        from psycopg_pool import AsyncConnectionPool

        # A direct connection first: it fails at once with libpq's reason.
        probe = await psycopg.AsyncConnection.connect(url, connect_timeout=CONNECT_TIMEOUT_S)
        await probe.close()
        pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
            url,
            open=False,
            max_size=POOL_MAX_SIZE,
            timeout=CONNECT_TIMEOUT_S,  # a dead database must not stall a call's turn for long
            kwargs={"autocommit": True},
        )
        try:
            await pool.open(wait=True, timeout=CONNECT_TIMEOUT_S)
            async with pool.connection() as conn, conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock(%s)", (_PG_SETUP_LOCK,))
                for statement in filter(str.strip, _PG_SCHEMA.split(";")):
                    await conn.execute(statement)
        except BaseException:
            await pool.close()
            raise
        return cls(pool, pg_errors())

    async def start(self, record: CallRecord) -> None:
        with best_effort("start", record.call_sid, self._errors):
            async with self._pool.connection() as conn:
                cursor = await conn.execute(
                    "INSERT INTO call_records "
                    "(call_sid, thread_id, caller, started_at, ended_at, outcome) "
                    "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (call_sid) DO NOTHING",
                    (
                        record.call_sid,
                        record.thread_id,
                        record.caller,
                        utc(record.started_at),
                        utc(record.ended_at) if record.ended_at else None,
                        record.outcome,
                    ),
                )
                inserted = cursor.rowcount
            if inserted:
                for turn in record.turns:
                    await self.add_turn(record.call_sid, turn)

    async def add_turn(self, call_sid: str, turn: CallTurn) -> None:
        # A foreign-key error means the call was pruned mid-insert: the same as an unknown call.
        with best_effort("turn", call_sid, self._errors):
            async with self._pool.connection() as conn:
                cursor = await conn.execute(
                    "INSERT INTO call_turns (call_sid, role, text, at, interrupted, details) "
                    "SELECT call_sid, %s, %s, %s, %s, %s::json FROM call_records "
                    "WHERE call_sid = %s",
                    (
                        turn.role,
                        turn.text,
                        utc(turn.at),
                        turn.interrupted,
                        details_json(turn),
                        call_sid,
                    ),
                )
                if not cursor.rowcount:
                    unknown_call(call_sid, "turn")

    async def finish(
        self, call_sid: str, outcome: Outcome, ended_at: datetime | None = None
    ) -> None:
        with best_effort("finish", call_sid, self._errors):
            async with self._pool.connection() as conn:
                cursor = await conn.execute(
                    "UPDATE call_records SET ended_at = COALESCE(ended_at, %s), "
                    "outcome = CASE WHEN ended_at IS NULL THEN %s ELSE outcome END "
                    "WHERE call_sid = %s",
                    (utc(ended_at or datetime.now(UTC)), outcome, call_sid),
                )
                if not cursor.rowcount:
                    unknown_call(call_sid, "finish")

    async def get(self, call_sid: str) -> CallRecord | None:
        found = await self._records(f"{_PG_RECORD} WHERE call_sid = %s", (call_sid,))
        return found[0] if found else None

    async def recent(self, limit: int) -> list[CallRecord]:
        return await self._records(
            f"{_PG_RECORD} ORDER BY started_at DESC, seq DESC LIMIT %s", (limit,)
        )

    async def _records(self, query: str, args: tuple[Any, ...]) -> list[CallRecord]:
        async with self._pool.connection() as conn:
            rows = await (await conn.execute(query, args)).fetchall()
            if not rows:
                return []
            sids = [row[0] for row in rows]
            cursor = await conn.execute(
                f"{_PG_TURNS} WHERE call_sid = ANY(%s) ORDER BY id", (sids,)
            )
            turns = group_turns(await cursor.fetchall())
        return [record_from_row(row, turns.get(row[0], [])) for row in rows]

    async def prune(self, older_than: datetime) -> int:
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                "DELETE FROM call_records WHERE COALESCE(ended_at, started_at) < %s",
                (utc(older_than),),
            )
            return int(cursor.rowcount)

    async def aclose(self) -> None:
        await self._pool.close()
