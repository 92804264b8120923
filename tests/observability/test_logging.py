"""What `make run`'s log shows: API requests, not the health probes and static files a browser
fetches on its own (unless LOG__ACCESS=all; LOG__ACCESS=none shows no requests); other
libraries' INFO chatter is quiet; LOG__LEVEL sets the level, the old LOG_LEVEL still works."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from property_agent.config import LogSettings
from property_agent.observability.logging import setup_logging
from tests.support.settings import make_settings

pytestmark = [pytest.mark.unit]

ACCESS = logging.getLogger("uvicorn.access")
REQUESTS = [
    ("GET", "/health", 200),
    ("GET", "/health", 503),
    ("GET", "/assets/index-DputZZxm.js", 200),
    ("GET", "/gradio_api/file=/tmp/gradio/typing.wav", 200),
    ("GET", "/favicon.ico", 200),
    ("GET", "/config", 200),
    ("POST", "/gradio_api/component_server", 200),  # the WebRTC handshake, ~20 per call
    ("GET", "/gradio_api/heartbeat/3f2a", 200),
    ("POST", "/gradio_api/queue/join", 200),  # a typed turn on the page
    ("POST", "/agent/chat", 200),
    ("POST", "/superlinked/search?limit=3", 200),
    ("GET", "/", 200),
]


@pytest.fixture(autouse=True)
def uvicorn_loggers_as_at_start() -> Iterator[None]:
    """Other tests run uvicorn servers (`log_level="warning"`), which leaves its loggers at
    WARNING for the rest of the process: here they start as `property-agent serve` has them."""
    loggers = [logging.getLogger(name) for name in ("uvicorn", "uvicorn.error", "uvicorn.access")]
    saved = [(logger.level, logger.disabled) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.NOTSET)
        logger.disabled = False
    yield
    for logger, (level, disabled) in zip(loggers, saved, strict=True):
        logger.setLevel(level)
        logger.disabled = disabled


@contextmanager
def lines_of(logger: logging.Logger) -> Iterator[list[str]]:
    """What `logger` lets through to the process log (after its filters)."""
    seen: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    keep = Keep()
    logger.addHandler(keep)
    try:
        yield seen
    finally:
        logger.removeHandler(keep)
        setup_logging()


def requests_logged(settings: LogSettings) -> list[str]:
    setup_logging(settings)
    with lines_of(ACCESS) as seen:
        for method, path, status in REQUESTS:
            # The exact call uvicorn's access logger makes for each request.
            ACCESS.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:50522", method, path, "1.1", status)
    return seen


def test_by_default_health_probes_static_files_and_page_plumbing_are_not_logged() -> None:
    seen = requests_logged(LogSettings())

    assert seen == [
        '127.0.0.1:50522 - "POST /gradio_api/queue/join HTTP/1.1" 200',
        '127.0.0.1:50522 - "POST /agent/chat HTTP/1.1" 200',
        '127.0.0.1:50522 - "POST /superlinked/search?limit=3 HTTP/1.1" 200',
        '127.0.0.1:50522 - "GET / HTTP/1.1" 200',
    ]


def test_log_access_all_keeps_every_request() -> None:
    seen = requests_logged(LogSettings(access="all"))

    assert len(seen) == len(REQUESTS)
    assert '127.0.0.1:50522 - "GET /health HTTP/1.1" 503' in seen


def test_log_access_none_logs_no_request() -> None:
    assert requests_logged(LogSettings(access="none")) == []


def test_webrtc_and_gradio_chatter_is_quiet_but_their_warnings_show() -> None:
    setup_logging(LogSettings())

    for name in ("aioice.ice", "websockets.server", "gradio", "fastrtc.tracks"):
        quiet = logging.getLogger(name)
        assert not quiet.isEnabledFor(logging.INFO), name
        assert quiet.isEnabledFor(logging.WARNING), name
    assert logging.getLogger("property_agent.voice.turns").isEnabledFor(logging.INFO)


def test_uvicorn_start_up_and_websocket_notes_give_way_to_the_ready_line() -> None:
    setup_logging(LogSettings())
    uvicorn = logging.getLogger("uvicorn.error")

    with lines_of(uvicorn) as seen:
        uvicorn.info("Started server process [%d]", 7672)
        uvicorn.info("Uvicorn running on %s://%s:%d (Press CTRL+C)", "http", "127.0.0.1", 80)
        uvicorn.info("connection open")
        uvicorn.info('%s - "WebSocket %s" [accepted]', "127.0.0.1:40618", "/voice/telephone")
        uvicorn.info("connection closed")
        uvicorn.error("Application startup failed. Exiting.")

    assert seen == [
        '127.0.0.1:40618 - "WebSocket /voice/telephone" [accepted]',
        "Application startup failed. Exiting.",
    ]


@pytest.mark.parametrize(
    ("env", "level", "access"),
    [
        ({}, "INFO", "api"),
        ({"LOG__LEVEL": "debug", "LOG__ACCESS": "ALL"}, "DEBUG", "all"),
        ({"LOG_LEVEL": "warning"}, "WARNING", "api"),  # the old name still works
        ({"LOG_LEVEL": "warning", "LOG__LEVEL": "error"}, "ERROR", "api"),  # the new one wins
    ],
)
def test_log_settings_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], level: str, access: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    log = make_settings().log

    assert (log.level, log.access) == (level, access)


def test_a_wrong_access_mode_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from property_agent.config import SettingsError, load_settings

    monkeypatch.setenv("LOG__ACCESS", "some")

    with pytest.raises(SettingsError, match="LOG__ACCESS"):
        load_settings(_env_file=None)
