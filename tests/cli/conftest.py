"""The running API the `--server` commands talk to."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest


@pytest.fixture
def unused_url() -> str:
    """A localhost URL nothing listens on (the port was free a moment ago)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


@pytest.fixture(scope="module")
def live_server(search_service: object) -> Iterator[str]:
    """The real app (no voice) on a free localhost port, served by uvicorn in a thread."""
    import uvicorn

    from property_agent.api.app import create_app
    from tests.support.settings import make_settings

    api = create_app(make_settings(), search_service=search_service, with_voice=False)  # type: ignore[arg-type]
    server = uvicorn.Server(uvicorn.Config(api, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
