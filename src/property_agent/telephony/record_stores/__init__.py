"""Call-record stores beside the conversation memory, chosen by `MEMORY__BACKEND`.

`memory` keeps records in process, `sqlite` in the conversation-memory file, `postgres` in the
MEMORY__URL database (every API instance sees every call). Turns go in their own table: an append
is one INSERT, ordered by an increasing id. A call's first `finish` wins (a hang-up after a
"max-duration" goodbye keeps "max-duration"). Writes never raise into a live call: a database
error is logged and the turn is lost, not the call. Reads raise.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

# `_sqlite_path`: the very file the checkpointer opens, so the two never disagree on it.
from property_agent.agent.memory import _sqlite_path, redact_url
from property_agent.config import Settings
from property_agent.telephony.record_stores.base import CallRecordStore, CallRecordsUnavailable
from property_agent.telephony.record_stores.memory import InMemoryCallRecords
from property_agent.telephony.record_stores.postgres import PostgresCallRecords, pg_errors
from property_agent.telephony.record_stores.sqlite import SqliteCallRecords

logger = logging.getLogger(__name__)

__all__ = [
    "CallRecordStore",
    "CallRecordsUnavailable",
    "InMemoryCallRecords",
    "PostgresCallRecords",
    "SqliteCallRecords",
    "open_call_records",
]


def _unavailable(backend: str, where: str, exc: BaseException) -> CallRecordsUnavailable:
    reason = " ".join(redact_url(str(exc)).split()) or type(exc).__name__
    return CallRecordsUnavailable(
        f"Call records ({backend}, kept with the conversation memory) are unavailable at "
        f"{redact_url(where)}. Check MEMORY__URL, or set MEMORY__BACKEND=memory to keep them in "
        f"process. Cause: {reason}"
    )


async def _open_store(settings: Settings) -> CallRecordStore:
    memory = settings.memory
    if memory.backend == "sqlite":
        path = _sqlite_path(memory.url)
        try:
            return await SqliteCallRecords.open(path)
        except (OSError, sqlite3.Error) as exc:
            raise _unavailable("sqlite", path, exc) from exc
    if memory.backend == "postgres":
        url = memory.url or ""
        try:
            errors = pg_errors()
        except ImportError as exc:
            raise CallRecordsUnavailable(
                "MEMORY__BACKEND=postgres needs the postgres extra: "
                "pip install 'property-phone-agent[postgres]'"
            ) from exc
        try:
            return await PostgresCallRecords.open(url)
        except errors as exc:
            # `from None`: the chained psycopg error could carry the raw connection string.
            raise _unavailable("postgres", url, exc) from None
    return InMemoryCallRecords()


@asynccontextmanager
async def open_call_records(settings: Settings) -> AsyncIterator[CallRecordStore]:
    """Open the call-record store that lives with the configured conversation memory, for the
    life of the app. Raises `CallRecordsUnavailable` (a `MemoryUnavailable`) naming MEMORY__URL."""
    store = await _open_store(settings)
    where = {
        "memory": "in process",
        "sqlite": _sqlite_path(settings.memory.url),
        "postgres": redact_url(settings.memory.url or ""),
    }[settings.memory.backend]
    logger.info("Call records: %s (%s)", settings.memory.backend, where)
    try:
        yield store
    finally:
        await store.aclose()
