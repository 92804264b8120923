"""Conversation memory: a LangGraph checkpointer chosen by `MEMORY__BACKEND`, plus TTL pruning.

One thread id per call or web session; the same id resumes the conversation. `memory` is lost on
restart, `sqlite` survives it on one machine, `postgres` is shared by every API instance.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sqlite3
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from property_agent.config import MemorySettings

if TYPE_CHECKING:
    from property_agent.telephony.record_stores import CallRecordStore

logger = logging.getLogger(__name__)

DEFAULT_SQLITE_PATH = Path(".cache/memory.sqlite")
CONNECT_TIMEOUT_S = 5  # libpq takes whole seconds; a dead host must not stall start-up for long
POOL_MAX_SIZE = 10
PRUNE_INTERVAL_S = 3600.0
_SECRET_IN_URL = re.compile(r"(://[^:/@\s]+):[^@\s]*@")
_SECRET_IN_QUERY = re.compile(r"(password=)[^&\s]+", re.IGNORECASE)


class MemoryUnavailable(RuntimeError):
    """The configured memory store cannot be opened; the message says which setting to fix."""


def redact_url(url: str) -> str:
    """Hide the password in a database URL (`user:password@` → `user:***@`) before logging it."""
    return _SECRET_IN_QUERY.sub(r"\1***", _SECRET_IN_URL.sub(r"\1:***@", url))


def _unavailable(backend: str, url: str, exc: BaseException) -> MemoryUnavailable:
    reason = " ".join(redact_url(str(exc)).split()) or type(exc).__name__
    return MemoryUnavailable(
        f"Conversation memory ({backend}) is unavailable at {redact_url(url)}. Check MEMORY__URL, "
        f"or set MEMORY__BACKEND=memory to keep conversations in process. Cause: {reason}"
    )


def _sqlite_path(url: str | None) -> str:
    """Accept a plain path or `sqlite:///path` (`sqlite:////abs/path` for an absolute one)."""
    if not url:
        return str(DEFAULT_SQLITE_PATH)
    return url.removeprefix("sqlite:///")


async def _open_sqlite(url: str | None, stack: AsyncExitStack) -> BaseCheckpointSaver[Any]:
    path = _sqlite_path(url)
    try:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        saver = await stack.enter_async_context(AsyncSqliteSaver.from_conn_string(path))
        await saver.setup()  # creates the tables now, so a bad path fails at start-up
    except (OSError, sqlite3.Error) as exc:
        raise _unavailable("sqlite", path, exc) from exc
    return saver


async def _open_postgres(url: str, stack: AsyncExitStack) -> BaseCheckpointSaver[Any]:
    try:
        import psycopg
        from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
        from psycopg.rows import dict_row
        from psycopg_pool import AsyncConnectionPool, PoolTimeout
    except ImportError as exc:
        raise MemoryUnavailable(
            "MEMORY__BACKEND=postgres needs the postgres extra: "
            "pip install 'property-phone-agent[postgres]'"
        ) from exc
    try:
        # One direct connection first: it fails at once with libpq's reason (refused, bad
        # password, no such database), where the pool would retry silently until its timeout.
        probe = await psycopg.AsyncConnection.connect(url, connect_timeout=CONNECT_TIMEOUT_S)
        await probe.close()
        pool = AsyncConnectionPool(
            url,
            open=False,
            max_size=POOL_MAX_SIZE,
            # As LangGraph documents for AsyncPostgresSaver on a pool.
            kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row},
        )
        stack.push_async_callback(pool.close)
        await pool.open(wait=True, timeout=CONNECT_TIMEOUT_S)
        saver = AsyncPostgresSaver(pool)  # type: ignore[arg-type]
        await saver.setup()
    except (psycopg.Error, PoolTimeout) as exc:
        # `from None`: the chained psycopg error could carry the raw connection string.
        raise _unavailable("postgres", url, exc) from None
    return saver


@asynccontextmanager
async def open_checkpointer(settings: MemorySettings) -> AsyncIterator[BaseCheckpointSaver[Any]]:
    """Open the configured checkpointer for the life of the app and close it (and its pool)
    on exit. Raises `MemoryUnavailable` when the store cannot be reached."""
    async with AsyncExitStack() as stack:
        saver: BaseCheckpointSaver[Any]
        if settings.backend == "sqlite":
            saver = await _open_sqlite(settings.url, stack)
        elif settings.backend == "postgres":
            saver = await _open_postgres(settings.url or "", stack)
        else:
            saver = InMemorySaver()
        where = redact_url(settings.url) if settings.url else "in process"
        if settings.backend == "sqlite":
            where = _sqlite_path(settings.url)
        logger.info("Conversation memory: %s (%s)", settings.backend, where)
        yield saver


def _as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def _latest_ts(saver: BaseCheckpointSaver[Any], thread_id: str) -> datetime | None:
    found = await saver.aget_tuple({"configurable": {"thread_id": thread_id}})
    return _as_utc(datetime.fromisoformat(found.checkpoint["ts"])) if found else None


async def prune_expired(
    saver: BaseCheckpointSaver[Any], ttl_hours: float, now: datetime | None = None
) -> int:
    """Delete whole threads whose latest checkpoint is older than `ttl_hours`; return how many.

    Enumerates every checkpoint with `alist(None)`, so a run costs O(all checkpoints): fine for
    thousands of conversations; past that, a per-backend `max(ts) GROUP BY thread_id` query.
    """
    cutoff = _as_utc(now or datetime.now(UTC)) - timedelta(hours=ttl_hours)
    latest: dict[str, datetime] = {}
    async for item in saver.alist(None):
        thread_id = str(item.config["configurable"]["thread_id"])
        ts = _as_utc(datetime.fromisoformat(item.checkpoint["ts"]))
        if thread_id not in latest or ts > latest[thread_id]:
            latest[thread_id] = ts
    pruned = 0
    for thread_id, ts in latest.items():
        if ts >= cutoff:
            continue
        # Re-check: a caller may have come back while a long enumeration was running.
        fresh = await _latest_ts(saver, thread_id)
        if fresh is not None and fresh >= cutoff:
            continue
        await saver.adelete_thread(thread_id)
        pruned += 1
    return pruned


class MemoryJanitor:
    """Prunes expired conversations in the background so stored memory does not grow forever.

    Runs at start and then every `interval_s`; an error is logged and retried next interval.
    """

    def __init__(
        self,
        saver: BaseCheckpointSaver[Any],
        ttl_hours: float,
        interval_s: float = PRUNE_INTERVAL_S,
        records: CallRecordStore | None = None,
    ) -> None:
        self.saver = saver
        self.records = records
        self.ttl_hours = ttl_hours
        self.interval_s = interval_s
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="memory-janitor")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        while True:
            try:
                pruned = await prune_expired(self.saver, self.ttl_hours)
                calls = await self.records.prune_expired(self.ttl_hours) if self.records else 0
                logger.info(
                    "Memory janitor pruned %d expired conversation(s) and %d call record(s)",
                    pruned,
                    calls,
                )
            except Exception:
                logger.exception("Memory janitor failed; retrying in %.0f s", self.interval_s)
            await asyncio.sleep(self.interval_s)
