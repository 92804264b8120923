"""What every database-backed store shares, whatever it keeps: the URL forms, the password never
shown, connect timeouts, and one "unavailable" error that names the setting to fix.

Conversation memory and call records (and leads) live at the same MEMORY__URL: one SQLite file or
one PostgreSQL database. Keeping the URL handling here is what makes them agree on the very file.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from psycopg_pool import AsyncConnectionPool

DEFAULT_SQLITE_PATH = Path(".cache/memory.sqlite")
CONNECT_TIMEOUT_S = 5  # libpq takes whole seconds; a dead host must not stall start-up for long
SQLITE_ERRORS: tuple[type[Exception], ...] = (OSError, sqlite3.Error)
POSTGRES_EXTRA = (
    "MEMORY__BACKEND=postgres needs the postgres extra: "
    "pip install 'property-phone-agent[postgres]'"
)
_SECRET_IN_URL = re.compile(r"(://[^:/@\s]+):[^@\s]*@")
_SECRET_IN_QUERY = re.compile(r"(password=)[^&\s]+", re.IGNORECASE)


class StorageUnavailable(RuntimeError):
    """A configured store cannot be opened; the message says which setting to fix."""


E = TypeVar("E", bound=StorageUnavailable)


def redact_url(url: str) -> str:
    """Hide the password in a database URL (`user:password@` → `user:***@`) before logging it."""
    return _SECRET_IN_QUERY.sub(r"\1***", _SECRET_IN_URL.sub(r"\1:***@", url))


def sqlite_path(url: str | None) -> str:
    """Accept a plain path or `sqlite:///path` (`sqlite:////abs/path` for an absolute one)."""
    if not url:
        return str(DEFAULT_SQLITE_PATH)
    return url.removeprefix("sqlite:///")


def prepare_sqlite_file(path: str) -> None:
    """Create the file's folder, so a fresh checkout needs no set-up (`:memory:` has none)."""
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def location(backend: str, url: str | None) -> str:
    """Where a backend keeps its data, fit for a log line (never with a password)."""
    if backend == "sqlite":
        return sqlite_path(url)
    if backend == "postgres":
        return redact_url(url or "")
    return "in process"


def unavailable(error: type[E], store: str, backend: str, where: str, exc: BaseException) -> E:
    """The one message for a store that cannot be opened: what, where (redacted), what to set,
    and libpq's or SQLite's reason. `store` names what is kept: "Conversation memory"."""
    reason = " ".join(redact_url(str(exc)).split()) or type(exc).__name__
    return error(
        f"{store} ({backend}) cannot be opened at {redact_url(where)}. Check MEMORY__URL, or set "
        f"MEMORY__BACKEND=memory to keep {store.lower()} in process. Cause: {reason}"
    )


def postgres_errors() -> tuple[type[Exception], ...]:
    """What a database or pool failure raises. `ImportError` without the postgres extra."""
    import psycopg
    from psycopg_pool import PoolTimeout

    return (psycopg.Error, PoolTimeout)


async def open_postgres_pool(
    url: str, max_size: int, *, checkout_timeout_s: float = 30.0, **connection: Any
) -> AsyncConnectionPool[Any]:
    """An open pool of connections made with `connection` keyword arguments. One direct
    connection first: it fails at once with libpq's reason (refused, bad password, no such
    database), where the pool would retry silently until its timeout. Raises psycopg's errors."""
    import psycopg
    from psycopg_pool import AsyncConnectionPool

    probe = await psycopg.AsyncConnection.connect(url, connect_timeout=CONNECT_TIMEOUT_S)
    await probe.close()
    pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
        url, open=False, max_size=max_size, timeout=checkout_timeout_s, kwargs=connection
    )
    try:
        await pool.open(wait=True, timeout=CONNECT_TIMEOUT_S)
    except BaseException:
        await pool.close()
        raise
    return pool
