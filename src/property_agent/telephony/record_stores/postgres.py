"""Call records in the MEMORY__URL PostgreSQL database (`MEMORY__BACKEND=postgres`): every API
instance sees every call."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from property_agent.storage import CONNECT_TIMEOUT_S, open_postgres_pool, postgres_errors
from property_agent.telephony.record_stores.base import SqlCallRecords

if TYPE_CHECKING:
    from psycopg_pool import AsyncConnectionPool

POOL_MAX_SIZE = 5
_SETUP_LOCK = 0x63616C6C  # advisory lock id ("call"): instances starting together take turns
_SCHEMA = """
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


class PostgresCallRecords(SqlCallRecords):
    """Records in the MEMORY__URL database (`MEMORY__BACKEND=postgres`), shared by every API
    instance. A pool of autocommit connections; each write is one statement."""

    STARTED, ENDED, AT, SEQ = "started_at", "ended_at", "at", "seq"
    MARK, JSON_MARK = "%s", "%s::json"

    def __init__(self, pool: AsyncConnectionPool[Any], errors: tuple[type[Exception], ...]):
        self._pool = pool
        self.errors = errors

    @classmethod
    async def open(cls, url: str) -> PostgresCallRecords:
        """Raises `ImportError` without the postgres extra, psycopg or pool errors otherwise."""
        errors = postgres_errors()
        # A short checkout timeout: a dead database must not stall a call's turn for long.
        pool = await open_postgres_pool(
            url, POOL_MAX_SIZE, checkout_timeout_s=CONNECT_TIMEOUT_S, autocommit=True
        )
        try:
            async with pool.connection() as conn, conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SETUP_LOCK,))
                for statement in filter(str.strip, _SCHEMA.split(";")):
                    await conn.execute(statement)
        except BaseException:
            await pool.close()
            raise
        return cls(pool, errors)

    async def _execute(self, query: str, args: Sequence[Any]) -> int:
        async with self._pool.connection() as conn:
            cursor = await conn.execute(query, args)
            return int(cursor.rowcount)

    async def _fetch(self, query: str, args: Sequence[Any]) -> list[Sequence[Any]]:
        async with self._pool.connection() as conn:
            return list(await (await conn.execute(query, args)).fetchall())

    def _one_of(self, values: list[str]) -> tuple[str, Sequence[Any]]:
        return "= ANY(%s)", (values,)

    async def aclose(self) -> None:
        await self._pool.close()
