"""Conversation memory: a LangGraph checkpointer chosen by `MEMORY__BACKEND`, plus TTL pruning.

One thread id per call or web session; the same id resumes the conversation. `memory` is lost on
restart, `sqlite` survives it on one machine, `postgres` is shared by every API instance.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from property_agent.config import MemorySettings
from property_agent.storage import (
    POSTGRES_EXTRA,
    SQLITE_ERRORS,
    StorageUnavailable,
    location,
    open_postgres_pool,
    postgres_errors,
    prepare_sqlite_file,
    sqlite_path,
    unavailable,
)

logger = logging.getLogger(__name__)

POOL_MAX_SIZE = 10
PRUNE_INTERVAL_S = 3600.0
STORE = "Conversation memory"


class MemoryUnavailable(StorageUnavailable):
    """The configured memory store cannot be opened; the message says which setting to fix."""


class Prunable(Protocol):
    """Anything kept beside the conversations on the same TTL (call records, leads): the janitor
    prunes it without knowing what it holds."""

    label: str  # what the janitor's log line calls its records: "call record(s)"

    async def prune_expired(self, ttl_hours: float) -> int:
        """Delete what is older than `ttl_hours`; return how many."""
        ...


async def _open_sqlite(url: str | None, stack: AsyncExitStack) -> BaseCheckpointSaver[Any]:
    path = sqlite_path(url)
    try:
        prepare_sqlite_file(path)
        saver = await stack.enter_async_context(AsyncSqliteSaver.from_conn_string(path))
        await saver.setup()  # creates the tables now, so a bad path fails at start-up
    except SQLITE_ERRORS as exc:
        raise unavailable(MemoryUnavailable, STORE, "sqlite", path, exc) from exc
    return saver


async def _open_postgres(url: str, stack: AsyncExitStack) -> BaseCheckpointSaver[Any]:
    try:
        from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
        from psycopg.rows import dict_row

        errors = postgres_errors()
    except ImportError as exc:
        raise MemoryUnavailable(POSTGRES_EXTRA) from exc
    try:
        # As LangGraph documents for AsyncPostgresSaver on a pool.
        pool = await open_postgres_pool(
            url, POOL_MAX_SIZE, autocommit=True, prepare_threshold=0, row_factory=dict_row
        )
        stack.push_async_callback(pool.close)
        saver = AsyncPostgresSaver(pool)
        await saver.setup()
    except errors as exc:
        # `from None`: the chained psycopg error could carry the raw connection string.
        raise unavailable(MemoryUnavailable, STORE, "postgres", url, exc) from None
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
        logger.debug(
            "Conversation memory: %s (%s)",
            settings.backend,
            location(settings.backend, settings.url),
        )
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
    """Prunes expired conversations, and whatever is kept beside them (`also`), in the background
    so stored memory does not grow forever.

    Runs at start and then every `interval_s`; an error is logged and retried next interval.
    """

    def __init__(
        self,
        saver: BaseCheckpointSaver[Any],
        ttl_hours: float,
        interval_s: float = PRUNE_INTERVAL_S,
        also: Sequence[Prunable] = (),
    ) -> None:
        self.saver = saver
        self.also = list(also)
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
                counts = [
                    (await prune_expired(self.saver, self.ttl_hours), "expired conversation(s)")
                ]
                for store in self.also:
                    counts.append((await store.prune_expired(self.ttl_hours), store.label))
                pruned = " and ".join(f"{n} {label}" for n, label in counts)
                quiet = not any(n for n, _ in counts)  # nothing to report
                logger.log(
                    logging.DEBUG if quiet else logging.INFO, "Memory janitor pruned %s", pruned
                )
            except Exception:
                logger.exception("Memory janitor failed; retrying in %.0f s", self.interval_s)
            await asyncio.sleep(self.interval_s)
