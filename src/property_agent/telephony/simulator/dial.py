"""Whole simulated calls against a running server: dial its stream websocket, hear the greeting,
take the caller's turns in order (each answer heard to its end), hang up, and read back what the
avatar said from the call record (`GET /calls/{call_sid}`, which needs the server's API key).

Latency is the caller's own: from the last frame of their speech to the first frame of the
avatar's audio, so it includes the end-of-turn wait, speech recognition and the first sentence.
"""

from __future__ import annotations

import asyncio
import bisect
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import numpy as np
from numpy.typing import NDArray
from websockets.exceptions import InvalidHandshake, InvalidStatus, InvalidURI

from property_agent.telephony.signature import SIGNATURE_HEADER, signed_url
from property_agent.telephony.simulator.caller import PhoneCaller
from property_agent.telephony.twiml import STREAM_PATH, websocket_url

QUIET_S = 1.5  # the avatar has finished when the line has been quiet this long
GREETING_WITHIN_S = 60.0  # the first call to a fresh server also loads its models
ANSWER_WITHIN_S = 30.0
RECORD_WITHIN_S = 15.0
_WS_SCHEMES = {"http": "ws", "https": "wss", "ws": "ws", "wss": "wss"}


class PhoneLineError(RuntimeError):
    """The call could not be placed or its record read; the message says what to check."""


@dataclass(frozen=True)
class CallerTurn:
    label: str  # what to show for the turn: the text said, or the WAV's name
    speech: NDArray[np.int16]  # 8 kHz, trimmed to the speech


@dataclass(frozen=True)
class TurnTiming:
    label: str  # "greeting" for the avatar's opening, else the caller turn's label
    began_at: float  # wall clock (time.time()): the line opened, or the caller began speaking
    first_audio_s: float | None  # line opened / caller stopped → first avatar audio; None: none


@dataclass
class CallResult:
    call_sid: str
    caller: str
    turns: list[TurnTiming] = field(default_factory=list)  # the greeting first
    heard: NDArray[np.int16] = field(default_factory=lambda: np.zeros(0, dtype=np.int16))
    server_hung_up: bool = False  # the server ended the call (busy, a limit, a goodbye)
    hang_up_reason: str | None = None  # its close code, or why the line failed

    @property
    def answered(self) -> list[float]:
        """The latency of every caller turn that was answered (the greeting aside)."""
        return [t.first_audio_s for t in self.turns[1:] if t.first_audio_s is not None]


def stream_url(server: str) -> str:
    """The stream websocket of the API at `server` (`http://host:port`, `ws://…`, with or
    without the stream path)."""
    parts = urlsplit(server.strip())
    scheme = _WS_SCHEMES.get(parts.scheme)
    if scheme is None or not parts.netloc:
        raise PhoneLineError(f"{server!r} is not a server URL; use e.g. http://127.0.0.1:8000")
    path = parts.path.rstrip("/")
    if not path.endswith(STREAM_PATH):
        path += STREAM_PATH
    return urlunsplit((scheme, parts.netloc, path, parts.query, ""))


def api_url(server: str) -> str:
    """The HTTP base of the API at `server`, where `GET /calls/{call_sid}` is served."""
    parts = urlsplit(stream_url(server))
    scheme = "https" if parts.scheme == "wss" else "http"
    return urlunsplit((scheme, parts.netloc, parts.path.removesuffix(STREAM_PATH), "", ""))


async def place_call(
    url: str,
    turns: list[CallerTurn],
    *,
    caller: str | None = None,
    twilio_auth_token: str | None = None,
    public_base_url: str | None = None,
    greeting_within_s: float = GREETING_WITHIN_S,
    answer_within_s: float = ANSWER_WITHIN_S,
    quiet_s: float = QUIET_S,
) -> CallResult:
    """Call the stream at `url` and take `turns` in order, each answer heard out. A line that
    stays silent (no greeting, or no answer to a turn) is hung up: the turns left are not said.
    With the server's `twilio_auth_token` (and its `public_base_url`, if set) the stream is signed
    as Twilio signs it."""
    headers = twilio_signature(url, twilio_auth_token, public_base_url)
    try:
        async with PhoneCaller(url, caller=caller, headers=headers) as call:
            result = CallResult(call.call_sid, call.caller)
            await _converse(call, turns, result, (greeting_within_s, answer_within_s), quiet_s)
    except InvalidStatus as exc:
        raise PhoneLineError(await _refused(url, exc.response.status_code)) from None
    except (OSError, InvalidURI, InvalidHandshake, TimeoutError) as exc:
        raise PhoneLineError(
            f"Cannot reach the phone line at {url} ({exc or type(exc).__name__}); is "
            "`property-agent serve` (`make run`) running there?"
        ) from None
    result.heard = call.audio()
    return result


async def _converse(
    call: PhoneCaller,
    turns: list[CallerTurn],
    result: CallResult,
    within_s: tuple[float, float],
    quiet_s: float,
) -> None:
    opened, opened_wall = time.monotonic(), time.time()
    first = await call.first_audio_after(opened, within_s[0])
    result.turns.append(TurnTiming("greeting", opened_wall, _since(opened, first)))
    for turn in turns:
        if first is None:
            break
        await call.until_quiet(quiet_s, 60)
        if call.closed.is_set():
            break
        began = time.time()
        ended = await call.say(turn.speech)
        first = await call.first_audio_after(ended, within_s[1])
        result.turns.append(TurnTiming(turn.label, began, _since(ended, first)))
    else:
        await call.until_quiet(quiet_s, 60)
    result.server_hung_up = call.closed.is_set()
    result.hang_up_reason = call.close_reason


def twilio_signature(
    url: str, auth_token: str | None, public_base_url: str | None = None
) -> dict[str, str]:
    """The `X-Twilio-Signature` header Twilio would send when opening the stream at `url`: the
    URL the server checks (its public base, else the host it was called on) signed with the
    token, with no form fields. No token, no header."""
    if not auth_token:
        return {}
    from twilio.request_validator import RequestValidator

    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc}"
    if public_base_url:
        base = websocket_url(public_base_url, path="")
    signed = signed_url(base, STREAM_PATH, parts.query)
    return {SIGNATURE_HEADER: RequestValidator(auth_token).compute_signature(signed, {})}


def _since(moment: float, then: float | None) -> float | None:
    return None if then is None else then - moment


async def _refused(url: str, status: int) -> str:
    """Why the stream was refused. Starlette refuses a websocket on an unknown path with the
    same 403 as our route's own refusals, so `GET /health` tells the two apart."""
    base = api_url(url)
    try:
        async with httpx.AsyncClient(timeout=5) as client:
            health = (await client.get(base + "/health")).json()
        ours = isinstance(health, dict) and "index" in health
    except (httpx.HTTPError, ValueError):
        ours = False
    if not ours:
        return (
            f"{url} refused the call (HTTP {status}) and {base} is not the agent's API: pass "
            "--server with the API's root URL, e.g. http://127.0.0.1:8000."
        )
    if status == 403:
        return (
            f"{url} refused the call (HTTP 403): the server runs without voice "
            "(`serve --no-voice`) or checks Twilio's signature and this one did not match "
            "(set the server's TWILIO__AUTH_TOKEN, and PUBLIC_BASE_URL if it has one, here too)."
        )
    return f"{url} refused the call (HTTP {status})."


async def read_record(
    server: str, call_sid: str, api_key: str, within_s: float = RECORD_WITHIN_S
) -> dict[str, Any]:
    """The call's record as `GET /calls/{call_sid}` serves it, once the call has ended (or as
    it stands after `within_s`)."""
    headers = {"Authorization": f"Bearer {api_key}"}
    deadline = time.monotonic() + within_s
    async with httpx.AsyncClient(base_url=api_url(server), headers=headers, timeout=10) as client:
        while True:
            try:
                reply = await client.get(f"/calls/{call_sid}")
            except httpx.HTTPError as exc:
                raise PhoneLineError(f"Cannot read the call record ({exc})") from None
            ended = reply.status_code == 200 and reply.json().get("outcome") != "in-progress"
            if ended or (reply.status_code == 200 and time.monotonic() > deadline):
                record: dict[str, Any] = reply.json()
                return record
            if reply.status_code != 404 or time.monotonic() > deadline:
                status = reply.status_code
                raise PhoneLineError(f"GET /calls/{call_sid} answered {status}: {_detail(reply)}")
            await asyncio.sleep(0.2)


def _detail(reply: httpx.Response) -> str:
    try:
        detail = reply.json().get("detail")
    except ValueError:
        detail = None
    return detail if isinstance(detail, str) else reply.text[:300]


def record_by_turn(record: dict[str, Any], timings: list[TurnTiming]) -> list[list[dict[str, Any]]]:
    """The record's lines grouped by the caller's turns: group k holds what happened from the
    start of turn k until the next began (group 0: the greeting). Grouped by time rather than by
    counting the caller's lines, as one thing said may be heard as two utterances, or none."""
    starts = [timing.began_at for timing in timings]
    groups: list[list[dict[str, Any]]] = [[] for _ in timings]
    for line in record.get("turns", []):
        at = datetime.fromisoformat(line["at"]).timestamp()
        groups[max(bisect.bisect_right(starts, at) - 1, 0)].append(line)
    return groups
