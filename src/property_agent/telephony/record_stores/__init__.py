"""Call-record stores beside the conversation memory, chosen by `MEMORY__BACKEND`.

`memory` keeps records in process, `sqlite` in the conversation-memory file, `postgres` in the
MEMORY__URL database (every API instance sees every call). Turns go in their own table: an append
is one INSERT, ordered by an increasing id. A call's first `finish` wins (a hang-up after a
"max-duration" goodbye keeps "max-duration"). Writes never raise into a live call: a database
error is logged and the turn is lost, not the call. Reads raise.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from property_agent.config import Settings
from property_agent.storage import (
    POSTGRES_EXTRA,
    SQLITE_ERRORS,
    location,
    postgres_errors,
    sqlite_path,
    unavailable,
)
from property_agent.telephony.record_stores.base import CallRecordStore, CallRecordsUnavailable
from property_agent.telephony.record_stores.memory import InMemoryCallRecords
from property_agent.telephony.record_stores.postgres import PostgresCallRecords
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
STORE = "Call records"


async def _open_store(settings: Settings) -> CallRecordStore:
    memory = settings.memory
    if memory.backend == "sqlite":
        # The very file the checkpointer opens, so the two never disagree on it.
        path = sqlite_path(memory.url)
        try:
            return await SqliteCallRecords.open(path)
        except SQLITE_ERRORS as exc:
            raise unavailable(CallRecordsUnavailable, STORE, "sqlite", path, exc) from exc
    if memory.backend == "postgres":
        url = memory.url or ""
        try:
            errors = postgres_errors()
        except ImportError as exc:
            raise CallRecordsUnavailable(POSTGRES_EXTRA) from exc
        try:
            return await PostgresCallRecords.open(url)
        except errors as exc:
            # `from None`: the chained psycopg error could carry the raw connection string.
            raise unavailable(CallRecordsUnavailable, STORE, "postgres", url, exc) from None
    return InMemoryCallRecords()


@asynccontextmanager
async def open_call_records(settings: Settings) -> AsyncIterator[CallRecordStore]:
    """Open the call-record store that lives with the configured conversation memory, for the
    life of the app. Raises `CallRecordsUnavailable` naming MEMORY__URL."""
    store = await _open_store(settings)
    memory = settings.memory
    logger.debug("Call records: %s (%s)", memory.backend, location(memory.backend, memory.url))
    try:
        yield store
    finally:
        await store.aclose()
