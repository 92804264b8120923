"""Fixtures for the tracing tests: the Opik SDK pointed at a local server, never at Comet."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.fakes import FakeOpikServer, fake_opik


@pytest.fixture
def opik_server() -> Iterator[FakeOpikServer]:
    """Make the SDK's client (which `OpikTracer` and the recording use) talk to a local server."""
    with fake_opik() as server:
        yield server
