"""Process logging: one format, phone numbers redacted in every record (+34*****1222), the
access log without health probes and static files, and other libraries' chatter at WARNING.

Callers' numbers are personal data; they must never reach log files whole, whoever logs them.
"""

from __future__ import annotations

import logging
import re
from typing import Literal

from property_agent.config import LogSettings

AccessMode = Literal["api", "all", "none"]
# Libraries whose INFO lines say nothing a person running the server needs: WebRTC's ICE state
# changes (aioice, aiortc), websocket frames, Gradio's and FastRTC's own start-up notes, HTTP
# clients, model loading.
QUIET = (
    "aioice", "aiortc", "websockets", "gradio", "gradio_client", "fastrtc", "httpx", "httpcore",
    "urllib3", "sentence_transformers", "superlinked", "faster_whisper", "piper", "numba",
)  # fmt: skip
# What is fetched or polled on its own: health probes, the web page's static files (Gradio
# serves its scripts under /assets and /gradio_api/file=), and the page's plumbing: its config,
# its heartbeat, its event stream and the WebRTC handshake (about twenty component-server calls
# per call). Page events (`/gradio_api/queue/join`: a typed turn, a call) and the API stay.
_BACKGROUND = frozenset({
    "/health", "/config", "/gradio_api/info", "/gradio_api/component_server", "/favicon.ico",
    "/manifest.json", "/theme.css", "/robots.txt",
})  # fmt: skip
_BACKGROUND_UNDER = (
    "/health/", "/assets/", "/static/", "/gradio_api/file=", "/gradio_api/static/", "/file=",
    "/svelte/", "/custom_component/", "/gradio_api/heartbeat/", "/gradio_api/queue/data",
)  # fmt: skip
# Uvicorn's own start-up lines, which the one "Ready at …" line replaces, and its notes on every
# websocket (a phone call's media stream) opening and closing.
_UVICORN_NOTES = (
    "Started server process", "Waiting for application startup", "Application startup complete",
    "Uvicorn running on", "connection open", "connection closed",
)  # fmt: skip

# E.164 as Twilio sends it ("+34911231222"), with or without spaces. Unprefixed digit runs are
# left alone: listing ids and prices are long numbers too.
_PHONE = re.compile(r"(\+\d[\d\s().-]{6,}\d)(?!\w)")


def redact_phone_numbers(text: str) -> str:
    """Keep a leading + and country code hint and the last four digits: "+34*****1222"."""

    def mask(match: re.Match[str]) -> str:
        raw = match.group(1)
        digits = re.sub(r"\D", "", raw)
        if not 8 <= len(digits) <= 15:
            return raw
        return f"+{digits[:2]}{'*' * (len(digits) - 6)}{digits[-4:]}"

    return _PHONE.sub(mask, text) if any(c.isdigit() for c in text) else text


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(c.isdigit() for c in message):
            redacted = redact_phone_numbers(message)
            if redacted != message:
                record.msg, record.args = redacted, None
        return True


class AccessFilter(logging.Filter):
    """Uvicorn's access log as `LOG__ACCESS` asks: `api` drops health probes, static files and
    the web page's plumbing, `all` keeps every request, `none` drops them all."""

    def __init__(self, mode: AccessMode = "api") -> None:
        super().__init__()
        self.mode = mode

    def filter(self, record: logging.LogRecord) -> bool:
        if self.mode != "api":
            return self.mode == "all"
        path = _request_path(record)
        return path is None or not is_background_request(path)


def is_background_request(path: str) -> bool:
    """A health probe, a static file or the page's plumbing: nobody reading the log waits for
    these."""
    path = path.split("?", 1)[0]
    return path in _BACKGROUND or path.startswith(_BACKGROUND_UNDER)


def _request_path(record: logging.LogRecord) -> str | None:
    # uvicorn.access logs '%s - "%s %s HTTP/%s" %d' with (client, method, path, version, status)
    args = record.args
    if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
        return args[2]
    return None


class _UvicornNotes(logging.Filter):
    """Drops `_UVICORN_NOTES` (shown again at LOG__LEVEL=DEBUG)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.INFO or not record.getMessage().startswith(_UVICORN_NOTES)


def setup_logging(settings: LogSettings | str | None = None) -> None:
    """Log to stderr in one format for the whole process, before uvicorn starts. `settings`:
    the `LOG__*` group, or just a level (the one-shot commands log warnings only)."""
    if not isinstance(settings, LogSettings):
        settings = LogSettings(level=settings or "INFO")  # type: ignore[arg-type]
    handler = logging.StreamHandler()
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S")
    )
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.level)
    for noisy in QUIET:
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    _set_filter(logging.getLogger("uvicorn.access"), AccessFilter, AccessFilter(settings.access))
    startup = _UvicornNotes() if root.level > logging.DEBUG else None
    _set_filter(logging.getLogger("uvicorn.error"), _UvicornNotes, startup)


def _set_filter(logger: logging.Logger, kind: type, new: logging.Filter | None) -> None:
    """Replace this module's filter of `kind` (set-up may run more than once in a process)."""
    for old in [f for f in logger.filters if isinstance(f, kind)]:
        logger.removeFilter(old)
    if new is not None:
        logger.addFilter(new)
