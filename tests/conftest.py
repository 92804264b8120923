"""Shared fixtures. Tests never read a developer's `.env` or inherit their provider keys."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import pytest

from property_agent.config import Settings
from tests.support.settings import DATA_CSV, OUR_PREFIXES, make_settings

if TYPE_CHECKING:
    from property_agent.agent.runtime import AgentRuntime
    from property_agent.search.service import PropertySearchService
    from property_agent.voice.stack import VoiceStack


def pytest_configure(config: pytest.Config) -> None:
    # Tests use the packaged weights only; a download attempt must fail, not hang.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """No `.env` file and none of the developer's provider settings leak into a test."""
    monkeypatch.setitem(Settings.model_config, "env_file", None)
    for name in list(os.environ):
        if name.upper().startswith(OUR_PREFIXES):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def search_service() -> Iterator[object]:
    """One real service over the shipped 600 listings (Superlinked + MiniLM, in memory).

    Built once per test session: indexing takes seconds, importing Superlinked more.
    """
    from property_agent.search.service import IndexState, PropertySearchService

    service = PropertySearchService(make_settings())
    loop = asyncio.new_event_loop()
    loop.run_until_complete(service.start(DATA_CSV))
    status = service.status()
    assert status.state is IndexState.READY, status.message
    yield service
    loop.run_until_complete(service.aclose())
    loop.close()


@pytest.fixture(scope="module")
async def runtime(search_service: PropertySearchService) -> AsyncIterator[AgentRuntime]:
    """The agent as `serve` starts it with no keys: the offline policy over the real index."""
    from property_agent.agent.runtime import AgentRuntime

    runtime = AgentRuntime(make_settings(), search_service)
    await runtime.start()
    assert runtime.offline  # no keys in tests: the offline policy answers
    yield runtime
    await runtime.aclose()


@pytest.fixture(scope="module")
async def real_voice(runtime: AgentRuntime) -> AsyncIterator[VoiceStack]:
    """Whisper base on the CPU and Piper, as a fresh install runs them."""
    from property_agent.voice.stack import VoiceStack

    voice = VoiceStack(make_settings(), runtime)
    assert (voice.stt.name, voice.tts.name) == ("whisper-local", "piper")
    await voice.warm_up()
    yield voice
    await voice.aclose()


@pytest.fixture(scope="module")
async def fake_voice(runtime: AgentRuntime) -> VoiceStack:
    """The voice layer over the real agent with scripted speech engines (no audio models)."""
    from property_agent.voice.stack import VoiceStack
    from tests.support.fakes import FakeSTT, FakeTTS

    return VoiceStack(make_settings(), runtime, stt=FakeSTT("hello"), tts=FakeTTS())


PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    """A throwaway database on the machine's PostgreSQL (CI has one too), dropped afterwards;
    the test is skipped, with the reason, when PostgreSQL is not reachable."""
    psycopg = pytest.importorskip("psycopg")
    from psycopg import sql

    name = f"agent_test_{secrets.token_hex(4)}"
    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc}")
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
