"""Storage: database URLs are read one way by every store and never logged with a password; a
store that cannot be opened says which setting to fix."""

from __future__ import annotations

import pytest

from property_agent.storage import (
    DEFAULT_SQLITE_PATH,
    StorageUnavailable,
    location,
    redact_url,
    sqlite_path,
    unavailable,
)

pytestmark = [pytest.mark.unit]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:p%40ss@db:5432/x", "postgresql://u:***@db:5432/x"),
        ("postgresql://db/x?user=u&password=hunter2", "postgresql://db/x?user=u&password=***"),
        ("postgresql://u@db/x", "postgresql://u@db/x"),
    ],
)
def test_redact_url_hides_passwords(url: str, shown: str) -> None:
    assert redact_url(url) == shown


@pytest.mark.parametrize(
    ("url", "path"),
    [
        (None, str(DEFAULT_SQLITE_PATH)),
        ("", str(DEFAULT_SQLITE_PATH)),
        ("data/memory.sqlite", "data/memory.sqlite"),
        ("sqlite:///data/memory.sqlite", "data/memory.sqlite"),
        ("sqlite:////var/lib/agent/memory.sqlite", "/var/lib/agent/memory.sqlite"),
    ],
)
def test_sqlite_path_accepts_a_path_or_a_sqlite_url(url: str | None, path: str) -> None:
    assert sqlite_path(url) == path


def test_location_never_shows_a_password() -> None:
    assert location("memory", None) == "in process"
    assert location("sqlite", "sqlite:///x.sqlite") == "x.sqlite"
    assert (
        location("postgres", "postgresql://agent:pw@db/agent") == "postgresql://agent:***@db/agent"
    )


def test_unavailable_names_the_store_the_setting_and_the_cause_without_password() -> None:
    class LedgerUnavailable(StorageUnavailable):
        pass

    url = "postgresql://agent:s3cret-pw@db:5432/agent"
    error = unavailable(
        LedgerUnavailable, "Ledger", "postgres", url, OSError(f"connection to {url} refused")
    )
    assert isinstance(error, LedgerUnavailable)
    message = str(error)
    assert message.startswith("Ledger (postgres) cannot be opened at postgresql://agent:***@db")
    assert "MEMORY__URL" in message and "MEMORY__BACKEND=memory" in message
    assert "refused" in message and "s3cret-pw" not in message
