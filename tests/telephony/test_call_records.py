"""Call records: every backend keeps a call's turns in order under load, survives restarts
(sqlite, postgres), is shared by API instances (postgres), forgets old calls; the read API is
behind the API key and never shows a full phone number."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import sqlite3
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from property_agent.agent.memory import open_checkpointer
from property_agent.api.routes.calls import router
from property_agent.config import Settings
from property_agent.telephony.record_stores import (
    CallRecordStore,
    CallRecordsUnavailable,
    InMemoryCallRecords,
    PostgresCallRecords,
    open_call_records,
)
from property_agent.telephony.records import (
    CallRecord,
    CallTurn,
    caller_thread_id,
    redact_number,
)
from tests.support.settings import make_settings

NUMBER = "+34600111222"
SECRET = "test-secret"
T0 = datetime(2025, 5, 1, 10, 0, tzinfo=UTC)


def sid(n: int) -> str:
    return f"CA{n:032x}"


def new_call(n: int, started_at: datetime = T0, number: str = NUMBER) -> CallRecord:
    return CallRecord(
        call_sid=sid(n),
        thread_id=caller_thread_id(number, SECRET),
        caller=redact_number(number),
        started_at=started_at,
    )


def texts(record: CallRecord | None) -> list[str]:
    assert record is not None
    return [turn.text for turn in record.turns]


@pytest.fixture
def pg_schema_url(pg_url: str) -> Iterator[str]:
    """A fresh schema per test in the module's throwaway database, so tests never collide."""
    import psycopg
    from psycopg import sql

    schema = f"calls_{secrets.token_hex(4)}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    yield f"{pg_url}?options=-csearch_path%3D{schema}"


def settings_for(backend: str, url: str | None) -> Settings:
    return make_settings(memory={"backend": backend, "url": url})


@pytest.fixture(
    params=[
        pytest.param("memory", marks=pytest.mark.unit),
        pytest.param("sqlite", marks=pytest.mark.integration),
        pytest.param("postgres", marks=pytest.mark.integration),
    ]
)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    if request.param == "postgres":
        return settings_for("postgres", request.getfixturevalue("pg_schema_url"))
    url = str(tmp_path / "memory.sqlite") if request.param == "sqlite" else None
    return settings_for(request.param, url)


@pytest.fixture
async def store(backend: Settings) -> AsyncIterator[CallRecordStore]:
    async with open_call_records(backend) as opened:
        yield opened


# --- The contract every backend keeps -------------------------------------------------------


async def test_a_call_is_recorded_turn_by_turn(store: CallRecordStore) -> None:
    await store.start(new_call(1))
    await store.add_turn(sid(1), CallTurn("user", "A flat in Chamberí", at=T0))
    await store.add_turn(
        sid(1),
        CallTurn("tool", "search", at=T0 + timedelta(seconds=2), details={"results": 3}),
    )
    await store.add_turn(
        sid(1),
        CallTurn("agent", "I found three", at=T0 + timedelta(seconds=3), interrupted=True),
    )
    await store.finish(sid(1), "completed", ended_at=T0 + timedelta(minutes=2))

    record = await store.get(sid(1))
    assert record is not None
    assert record.outcome == "completed"
    assert record.ended_at == T0 + timedelta(minutes=2)
    assert [(t.role, t.text, t.interrupted, t.details) for t in record.turns] == [
        ("user", "A flat in Chamberí", False, {}),
        ("tool", "search", False, {"results": 3}),
        ("agent", "I found three", True, {}),
    ]


async def test_record_json_has_the_documented_shape_and_no_number(store: CallRecordStore) -> None:
    await store.start(new_call(1))
    await store.add_turn(sid(1), CallTurn("user", "Hola", at=T0))
    await store.add_turn(
        sid(1), CallTurn("agent", "Hello, I'm", at=T0 + timedelta(seconds=1), interrupted=True)
    )
    await store.add_turn(
        sid(1),
        CallTurn("tool", "search_property_tool", details={"query": "Retiro", "results": 2}),
    )
    record = await store.get(sid(1))
    assert record is not None
    data = record.as_json()

    assert list(data) == [
        "call_sid", "thread_id", "from", "started_at", "ended_at", "outcome", "turns",
    ]  # fmt: skip
    assert data["from"] == "+34*****1222"
    assert data["thread_id"].startswith("phone-")
    assert datetime.fromisoformat(data["started_at"]) == T0
    assert datetime.fromisoformat(data["started_at"]).utcoffset() == timedelta(0)
    assert data["ended_at"] is None
    assert data["outcome"] == "in-progress"
    assert data["turns"][0] == {"role": "user", "text": "Hola", "at": T0.isoformat()}
    assert data["turns"][1]["interrupted"] is True
    assert data["turns"][2]["query"] == "Retiro"
    assert data["turns"][2]["results"] == 2
    assert "600111222" not in json.dumps(data)


async def test_times_come_back_in_utc(store: CallRecordStore) -> None:
    madrid = timezone(timedelta(hours=2))
    await store.start(new_call(1, started_at=datetime(2025, 5, 1, 12, 0, tzinfo=madrid)))
    await store.add_turn(sid(1), CallTurn("user", "naive", at=datetime(2025, 5, 1, 10, 0, 5)))
    record = await store.get(sid(1))
    assert record is not None
    assert record.started_at == T0
    assert record.started_at.tzinfo is not None
    assert record.started_at.utcoffset() == timedelta(0)
    assert record.turns[0].at == T0 + timedelta(seconds=5)


async def test_a_second_start_is_ignored(store: CallRecordStore) -> None:
    await store.start(new_call(1))
    await store.add_turn(sid(1), CallTurn("user", "first"))
    await store.start(new_call(1, started_at=T0 + timedelta(hours=1), number="+447700900123"))

    record = await store.get(sid(1))
    assert record is not None
    assert record.caller == "+34*****1222"
    assert record.started_at == T0
    assert texts(record) == ["first"]


async def test_a_started_record_keeps_its_turns(store: CallRecordStore) -> None:
    record = new_call(1)
    record.turns.append(CallTurn("agent", "Hello, this is Ana"))
    await store.start(record)
    await store.add_turn(sid(1), CallTurn("user", "Hi"))
    assert texts(await store.get(sid(1))) == ["Hello, this is Ana", "Hi"]


async def test_an_unknown_call_is_ignored_with_a_warning(
    store: CallRecordStore, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="property_agent.telephony.record_stores"):
        await store.add_turn(sid(9), CallTurn("user", "anyone there?"))
        await store.finish(sid(9), "completed")

    assert await store.get(sid(9)) is None
    assert await store.recent(10) == []
    assert f"Call record {sid(9)} not found: turn ignored" in caplog.text
    assert f"Call record {sid(9)} not found: finish ignored" in caplog.text


async def test_the_first_finish_wins(store: CallRecordStore) -> None:
    await store.start(new_call(1))
    await store.finish(sid(1), "max-duration", ended_at=T0 + timedelta(minutes=30))
    await store.finish(sid(1), "completed", ended_at=T0 + timedelta(minutes=31))

    record = await store.get(sid(1))
    assert record is not None
    assert (record.outcome, record.ended_at) == ("max-duration", T0 + timedelta(minutes=30))


async def test_recent_lists_newest_first_up_to_the_limit(store: CallRecordStore) -> None:
    for n in (2, 0, 4, 1, 3):  # stored out of order
        await store.start(new_call(n, started_at=T0 + timedelta(minutes=n)))
    await store.add_turn(sid(4), CallTurn("user", "latest caller"))

    latest = await store.recent(3)
    assert [r.call_sid for r in latest] == [sid(4), sid(3), sid(2)]
    assert texts(latest[0]) == ["latest caller"]
    assert len(await store.recent(100)) == 5


async def test_recent_breaks_ties_by_arrival(store: CallRecordStore) -> None:
    for n in (1, 2, 3):
        await store.start(new_call(n, started_at=T0))
    assert [r.call_sid for r in await store.recent(3)] == [sid(3), sid(2), sid(1)]


async def test_twenty_concurrent_calls_keep_their_turns_in_order(store: CallRecordStore) -> None:
    async def one_call(n: int) -> None:
        await store.start(new_call(n, started_at=T0 + timedelta(seconds=n)))
        for i in range(10):
            await store.add_turn(sid(n), CallTurn("user" if i % 2 else "agent", f"{n}:{i}"))
            await asyncio.sleep(0)  # let the other calls interleave
        await store.finish(sid(n), "completed")

    await asyncio.gather(*(one_call(n) for n in range(20)))

    for n in range(20):
        record = await store.get(sid(n))
        assert texts(record) == [f"{n}:{i}" for i in range(10)]
        assert record is not None and record.outcome == "completed"
    assert len(await store.recent(50)) == 20


async def test_concurrent_appends_to_one_call_lose_nothing(store: CallRecordStore) -> None:
    await store.start(new_call(1))

    async def writer(w: int) -> None:
        for i in range(5):
            await store.add_turn(sid(1), CallTurn("tool", f"{w}:{i}"))
            await asyncio.sleep(0)

    await asyncio.gather(*(writer(w) for w in range(20)))

    stored = texts(await store.get(sid(1)))
    assert sorted(stored) == sorted(f"{w}:{i}" for w in range(20) for i in range(5))
    for w in range(20):
        assert [t for t in stored if t.startswith(f"{w}:")] == [f"{w}:{i}" for i in range(5)]


async def test_prune_forgets_calls_older_than_the_ttl(store: CallRecordStore) -> None:
    now = T0 + timedelta(hours=3)
    await store.start(new_call(1, started_at=T0))  # ended long ago
    await store.add_turn(sid(1), CallTurn("user", "old call"))
    await store.finish(sid(1), "completed", ended_at=T0 + timedelta(minutes=5))
    await store.start(new_call(2, started_at=T0))  # never finished (a crashed instance)
    await store.start(new_call(3, started_at=T0))  # long, but ended recently
    await store.finish(sid(3), "max-duration", ended_at=now - timedelta(minutes=30))
    await store.start(new_call(4, started_at=now - timedelta(minutes=1)))

    assert await store.prune_expired(ttl_hours=1, now=now) == 2
    assert {r.call_sid for r in await store.recent(10)} == {sid(3), sid(4)}
    assert await store.prune_expired(ttl_hours=1, now=now) == 0

    # A pruned call's turns went with it: the same CallSid starts clean.
    await store.start(new_call(1, started_at=now))
    assert texts(await store.get(sid(1))) == []


# --- Persistence and sharing ------------------------------------------------------------------


@pytest.mark.integration
async def test_sqlite_records_share_the_memory_file_and_survive_restart(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "memory.sqlite"
    settings = settings_for("sqlite", str(path))
    async with open_checkpointer(settings.memory), open_call_records(settings) as records:
        await records.start(new_call(1))
        await records.add_turn(sid(1), CallTurn("user", "Lavapiés, two bedrooms"))
        await records.finish(sid(1), "completed")

    with sqlite3.connect(path) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert {"checkpoints", "call_records", "call_turns"} <= tables

    # Restarted process, the same file as a `sqlite:///` URL.
    async with open_call_records(settings_for("sqlite", f"sqlite:///{path}")) as again:
        record = await again.get(sid(1))
        assert record is not None and record.outcome == "completed"
        assert texts(record) == ["Lavapiés, two bedrooms"]


@pytest.mark.integration
async def test_sqlite_defaults_to_the_memory_cache_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    async with open_call_records(settings_for("sqlite", None)) as records:
        await records.start(new_call(1))
    assert (tmp_path / ".cache" / "memory.sqlite").is_file()


@pytest.mark.integration
async def test_postgres_instances_share_calls_and_survive_restart(pg_schema_url: str) -> None:
    settings = settings_for("postgres", pg_schema_url)
    # Two instances starting at once both create-if-missing the tables without tripping.
    api_a, api_b = await asyncio.gather(
        PostgresCallRecords.open(pg_schema_url), PostgresCallRecords.open(pg_schema_url)
    )
    try:
        await api_a.start(new_call(1))
        await api_b.add_turn(sid(1), CallTurn("user", "A penthouse in Salamanca"))
        await api_a.add_turn(sid(1), CallTurn("agent", "One on Calle Serrano"))
        await api_b.finish(sid(1), "completed")
        record = await api_a.get(sid(1))
        assert record is not None and record.outcome == "completed"
        assert texts(record) == ["A penthouse in Salamanca", "One on Calle Serrano"]
        assert [r.call_sid for r in await api_b.recent(5)] == [sid(1)]
    finally:
        await api_a.aclose()
        await api_b.aclose()

    async with open_call_records(settings) as restarted:
        assert len(texts(await restarted.get(sid(1)))) == 2


@pytest.mark.unit
async def test_bad_sqlite_path_names_the_setting(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(CallRecordsUnavailable, match="MEMORY__URL"):
        async with open_call_records(settings_for("sqlite", str(blocker / "memory.sqlite"))):
            pass


@pytest.mark.unit
async def test_unreachable_postgres_names_the_setting_without_password() -> None:
    url = "postgresql://agent:s3cret-pw@127.0.0.1:1/agent"
    with pytest.raises(CallRecordsUnavailable) as caught:
        async with open_call_records(settings_for("postgres", url)):
            pass
    message = str(caught.value)
    assert "MEMORY__URL" in message and "MEMORY__BACKEND=memory" in message
    assert "agent:***@127.0.0.1:1" in message
    assert "s3cret-pw" not in message


@pytest.mark.integration
async def test_a_database_error_does_not_break_the_call(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "memory.sqlite"
    async with open_call_records(settings_for("sqlite", str(path))) as records:
        await records.start(new_call(1))
        with sqlite3.connect(path) as conn:
            conn.execute("DROP TABLE call_turns")  # the database breaks mid-call

        with caplog.at_level(logging.ERROR, logger="property_agent.telephony.record_stores"):
            await records.add_turn(sid(1), CallTurn("user", "still talking"))
            await records.finish(sid(1), "completed")

    assert f"Call record {sid(1)}: turn not saved (OperationalError)" in caplog.text


# --- The read API -----------------------------------------------------------------------------

API_KEY = "test-api-key"
AUTH = {"Authorization": f"Bearer {API_KEY}"}


async def api(records: InMemoryCallRecords, **settings: object) -> httpx.AsyncClient:
    app = FastAPI()
    app.include_router(router)
    app.state.settings = make_settings(**settings)
    app.state.call_records = records
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


@pytest.fixture
async def records() -> InMemoryCallRecords:
    store = InMemoryCallRecords()
    for n in range(3):
        await store.start(new_call(n, started_at=T0 + timedelta(minutes=n)))
        await store.add_turn(sid(n), CallTurn("user", f"caller {n}"))
    await store.add_turn(sid(2), CallTurn("agent", "Hello", interrupted=True))
    await store.finish(sid(0), "completed", ended_at=T0 + timedelta(minutes=1))
    return store


@pytest.fixture
async def client(records: InMemoryCallRecords) -> AsyncIterator[httpx.AsyncClient]:
    async with await api(records, api={"key": API_KEY}, telephony={"records_limit": 2}) as opened:
        yield opened


@pytest.mark.unit
@pytest.mark.parametrize("path", ["/calls", f"/calls/{sid(1)}", "/calls/not-a-sid"])
async def test_call_records_need_the_api_key(records: InMemoryCallRecords, path: str) -> None:
    async with await api(records) as no_key_set:
        closed = await no_key_set.get(path, headers=AUTH)
    assert closed.status_code == 503
    assert "API__KEY" in closed.json()["detail"]

    async with await api(records, api={"key": API_KEY}) as client:
        missing = await client.get(path)
        wrong = await client.get(path, headers={"Authorization": "Bearer nope"})
    for response in (missing, wrong):
        assert response.status_code == 401
        assert "Authorization: Bearer <API__KEY>" in response.json()["detail"]


@pytest.mark.unit
async def test_list_shows_the_latest_calls_without_turns(client: httpx.AsyncClient) -> None:
    response = await client.get("/calls", headers=AUTH)

    assert response.status_code == 200
    calls = response.json()["calls"]
    assert [c["call_sid"] for c in calls] == [sid(2), sid(1)]  # TELEPHONY__RECORDS_LIMIT=2
    assert calls[0] == {
        "call_sid": sid(2),
        "thread_id": caller_thread_id(NUMBER, SECRET),
        "from": "+34*****1222",
        "started_at": (T0 + timedelta(minutes=2)).isoformat(),
        "ended_at": None,
        "outcome": "in-progress",
        "turn_count": 2,
    }


@pytest.mark.unit
async def test_list_limit(client: httpx.AsyncClient) -> None:
    response = await client.get("/calls", params={"limit": 3}, headers=AUTH)
    assert [c["call_sid"] for c in response.json()["calls"]] == [sid(2), sid(1), sid(0)]
    assert response.json()["calls"][2]["outcome"] == "completed"

    for bad in ("0", "1001", "many"):
        refused = await client.get("/calls", params={"limit": bad}, headers=AUTH)
        assert refused.status_code == 422, bad
        assert refused.json()["detail"][0]["loc"] == ["query", "limit"]


@pytest.mark.unit
async def test_one_call_with_every_turn(
    client: httpx.AsyncClient, records: InMemoryCallRecords
) -> None:
    response = await client.get(f"/calls/{sid(2)}", headers=AUTH)

    assert response.status_code == 200
    record = await records.get(sid(2))
    assert record is not None
    assert response.json() == record.as_json()
    assert response.json()["from"] == "+34*****1222"
    assert [(t["role"], t["text"]) for t in response.json()["turns"]] == [
        ("user", "caller 2"),
        ("agent", "Hello"),
    ]
    assert response.json()["turns"][1]["interrupted"] is True


@pytest.mark.unit
async def test_unknown_call_is_404_with_a_reason(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/calls/{sid(99)}", headers=AUTH)
    assert response.status_code == 404
    assert sid(99) in response.json()["detail"]
    assert "MEMORY__TTL_HOURS" in response.json()["detail"]


@pytest.mark.unit
@pytest.mark.parametrize(
    "bad", ["CA123", "XX" + "0" * 32, "CA" + "g" * 32, "CA" + "0" * 33, sid(1) + "%20"]
)
async def test_a_malformed_call_sid_is_422(client: httpx.AsyncClient, bad: str) -> None:
    response = await client.get(f"/calls/{bad}", headers=AUTH)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "call_sid"]


# --- Redaction and caller threads -------------------------------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("+34600111222", "+34*****1222"),  # Spain
        ("+34 600 11 12 22", "+34*****1222"),  # spaced
        ("+14155550123", "+1******0123"),  # one-digit country code
        ("+447700900123", "+44******0123"),
        ("+35312345678", "+353****5678"),  # three-digit country code
        ("+3531234567", "+353****567"),  # short national number: half stays hidden
        ("Anonymous", "withheld"),
        ("restricted", "withheld"),
        ("+266696687", "withheld"),  # "ANONYMOUS" on a keypad, as carriers send it
        ("+7378742833", "withheld"),  # "RESTRICTED"
        ("", "unknown"),
        (None, "unknown"),
        ("12345", "****45"),  # short code
        ("600111222", "****22"),  # no country code
    ],
)
def test_redact_number(number: str | None, shown: str) -> None:
    assert redact_number(number) == shown


@pytest.mark.unit
def test_caller_thread_id_is_stable_keyed_and_hides_the_number() -> None:
    thread = caller_thread_id(NUMBER, SECRET)
    assert thread == caller_thread_id(NUMBER, SECRET)
    assert thread != caller_thread_id("+34600111223", SECRET)
    assert thread != caller_thread_id(NUMBER, "another-secret")
    assert thread.startswith("phone-")
    assert "600111222" not in thread and "1222" not in thread


@pytest.mark.unit
async def test_the_memory_janitor_prunes_call_records_with_the_conversations(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from langgraph.checkpoint.memory import InMemorySaver

    from property_agent.agent.memory import MemoryJanitor

    store = InMemoryCallRecords()
    await store.start(new_call(1, started_at=datetime.now(UTC) - timedelta(hours=2)))
    await store.start(new_call(2, started_at=datetime.now(UTC)))
    janitor = MemoryJanitor(InMemorySaver(), ttl_hours=1, interval_s=60, also=[store])
    with caplog.at_level(logging.INFO, logger="property_agent.agent.memory"):
        janitor.start()
        for _ in range(200):
            if await store.get(sid(1)) is None:
                break
            await asyncio.sleep(0.01)
        await janitor.stop()
    assert await store.get(sid(1)) is None and await store.get(sid(2)) is not None
    assert "pruned 0 expired conversation(s) and 1 call record(s)" in caplog.text
