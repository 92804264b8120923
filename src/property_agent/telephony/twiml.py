"""What Twilio hears back from our voice webhook: TwiML connecting the call to our Media Stream.

The stream URL must be the host Twilio reaches from the internet, which is rarely the host the
server sees behind a tunnel or proxy; `public_base_url` works it out.
"""

from __future__ import annotations

import re

from starlette.requests import HTTPConnection
from twilio.twiml.voice_response import Connect, Stream, VoiceResponse

from property_agent.config import Settings

INCOMING_PATH = "/voice/telephone/incoming"  # Twilio's voice webhook (POST, form-encoded)
STREAM_PATH = "/voice/telephone/handler"  # the Media Stream WebSocket
# Names the Media Stream handler reads from `start.customParameters`.
CALLER_PARAM = "caller"
CALL_SID_PARAM = "call_sid"

# A forwarded host is only trusted when it looks like one: `name[:port]` or `[v6][:port]`.
_HOST = re.compile(
    r"^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$"
)


def public_base_url(request: HTTPConnection, settings: Settings) -> str:
    """`https://host[/prefix]` as Twilio reaches us, without a trailing slash.

    `PUBLIC_BASE_URL` first, else the proxy's `X-Forwarded-Host`/`X-Forwarded-Proto` (first
    value of each; malformed ones are ignored), else the scheme and host of the request itself.
    """
    if settings.public_base_url:
        return settings.public_base_url.rstrip("/")
    host = _first(request.headers.get("x-forwarded-host"))
    proto = _first(request.headers.get("x-forwarded-proto")).lower()
    if proto not in ("http", "https"):
        proto = request.url.scheme
    if host and _HOST.match(host):
        return f"{proto}://{host}"
    return f"{proto}://{request.url.netloc}"


def websocket_url(base_url: str, path: str = STREAM_PATH) -> str:
    """`https://h/p` → `wss://h/p/voice/telephone/handler`; `http` → `ws` (local tunnels); a
    base taken from a websocket request (`wss://h`) keeps its scheme."""
    scheme, sep, rest = base_url.partition("://")
    ws_scheme = "wss" if scheme.lower() in ("https", "wss") else "ws"
    return f"{ws_scheme}{sep}{rest.rstrip('/')}{path}"


def media_stream_twiml(stream_url: str, caller: str | None, call_sid: str | None) -> str:
    """`<Connect><Stream>` to our handler with the caller and CallSid as `<Parameter>`s (a
    missing value is left out rather than sent empty). The builders escape every value."""
    stream = Stream(url=stream_url)
    for name, value in ((CALLER_PARAM, caller), (CALL_SID_PARAM, call_sid)):
        if value:
            stream.parameter(name=name, value=value)
    connect = Connect()
    connect.append(stream)
    response = VoiceResponse()
    response.append(connect)
    return str(response.to_xml())


def _first(header: str | None) -> str:
    """Proxies chain values (`a, b`): the first is what the client (Twilio) used."""
    return (header or "").split(",")[0].strip()
