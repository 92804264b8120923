"""The Twilio Media Streams wire format: the JSON text frames Twilio sends (`connected`, `start`,
`media`, `mark`, `dtmf`, `stop`) parsed into small typed events, and the frames we send back
(`media`, `mark`, `clear`).

Anything that does not parse raises `FrameError` with a short reason; the call logs it and goes on.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from typing import Any

_SID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class FrameError(ValueError):
    """A frame that cannot be used; the message says why (never the frame's content)."""


@dataclass(frozen=True)
class Connected:
    pass


@dataclass(frozen=True)
class Start:
    stream_sid: str
    call_sid: str
    caller: str | None  # from `customParameters.caller`, as our TwiML passes it
    parameters: dict[str, str] = field(default_factory=dict)
    media_format: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Media:
    payload: bytes  # μ-law 8 kHz
    track: str = "inbound"


@dataclass(frozen=True)
class Mark:
    name: str


@dataclass(frozen=True)
class Dtmf:
    digit: str


@dataclass(frozen=True)
class Stop:
    pass


Inbound = Connected | Start | Media | Mark | Dtmf | Stop


def parse(text: str) -> Inbound:
    try:
        message = json.loads(text)
    except (json.JSONDecodeError, TypeError) as exc:
        raise FrameError("not JSON") from exc
    if not isinstance(message, dict):
        raise FrameError("not a JSON object")
    event = message.get("event")
    if event == "media":
        return _media(message)
    if event == "mark":
        name = _object(message, "mark").get("name")
        if not isinstance(name, str) or not name:
            raise FrameError("mark without a name")
        return Mark(name)
    if event == "start":
        return _start(message)
    if event == "connected":
        return Connected()
    if event == "stop":
        return Stop()
    if event == "dtmf":
        return Dtmf(str(_object(message, "dtmf").get("digit", "")))
    raise FrameError(f"unknown event {str(event)[:20]!r}")


def _object(message: dict[str, Any], key: str) -> dict[str, Any]:
    value = message.get(key)
    if not isinstance(value, dict):
        raise FrameError(f"{message.get('event')} without a {key!r} object")
    return value


def _media(message: dict[str, Any]) -> Media:
    media = _object(message, "media")
    payload = media.get("payload")
    if not isinstance(payload, str):
        raise FrameError("media without a payload")
    try:
        audio = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise FrameError("media payload is not base64") from exc
    if not audio:
        raise FrameError("media without audio")
    return Media(audio, str(media.get("track", "inbound")))


def _start(message: dict[str, Any]) -> Start:
    start = _object(message, "start")
    stream_sid = start.get("streamSid") or message.get("streamSid")
    if not isinstance(stream_sid, str) or not _SID.match(stream_sid):
        raise FrameError("start without a valid streamSid")
    raw = start.get("customParameters")
    parameters = (
        {str(k): str(v) for k, v in raw.items() if isinstance(v, str | int)}
        if isinstance(raw, dict)
        else {}
    )
    # Our TwiML passes the CallSid as a parameter; Twilio's own `callSid` is the fallback.
    call_sid = next(
        (
            sid
            for sid in (parameters.get("call_sid"), start.get("callSid"))
            if isinstance(sid, str) and _SID.match(sid)
        ),
        stream_sid,
    )
    caller = parameters.get("caller") or None
    media_format = start.get("mediaFormat")
    return Start(
        stream_sid,
        call_sid,
        caller,
        parameters,
        media_format if isinstance(media_format, dict) else {},
    )


def is_phone_format(media_format: dict[str, Any]) -> bool:
    """Twilio's only format today; anything else is logged (we still treat it as μ-law)."""
    if not media_format:
        return True
    try:
        return (
            media_format.get("encoding") == "audio/x-mulaw"
            and int(media_format.get("sampleRate", 8000)) == 8000
            and int(media_format.get("channels", 1)) == 1
        )
    except (TypeError, ValueError):
        return False


# -- what we send ----------------------------------------------------------------------------------
def media_frame(stream_sid: str, payload: bytes) -> str:
    encoded = base64.b64encode(payload).decode("ascii")
    return json.dumps({"event": "media", "streamSid": stream_sid, "media": {"payload": encoded}})


def mark_frame(stream_sid: str, name: str) -> str:
    return json.dumps({"event": "mark", "streamSid": stream_sid, "mark": {"name": name}})


def clear_frame(stream_sid: str) -> str:
    return json.dumps({"event": "clear", "streamSid": stream_sid})
