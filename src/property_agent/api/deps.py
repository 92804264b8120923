"""FastAPI dependencies: the services live on `app.state`, created once by the app factory, and
routes read them only through these (`SettingsDep`, `CallRecordsDep`, …), so a test can build an
app with just the state a router needs. `HTTPConnection` serves HTTP routes and websockets alike.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.requests import HTTPConnection
from twilio.http import HttpClient

from property_agent.agent.runtime import AgentRuntime
from property_agent.config import Settings
from property_agent.search.service import PropertySearchService
from property_agent.telephony.records import CallRecords

if TYPE_CHECKING:  # the voice layer takes seconds to import; `serve --no-voice` needs none
    from property_agent.telephony.lines import PhoneLines
    from property_agent.voice.stack import VoiceStack

_bearer = HTTPBearer(auto_error=False)


def _state(name: str) -> Callable[[HTTPConnection], Any]:
    """A dependency returning `app.state.<name>`, set by the app factory."""

    def get(conn: HTTPConnection) -> Any:
        return getattr(conn.app.state, name)

    get.__name__ = get.__qualname__ = f"get_{name}"
    return get


get_settings: Callable[[HTTPConnection], Settings] = _state("settings")
get_search_service: Callable[[HTTPConnection], PropertySearchService] = _state("search_service")
get_agent_runtime: Callable[[HTTPConnection], AgentRuntime] = _state("agent_runtime")
# Kept with the conversation memory (`MEMORY__BACKEND`), opened in the app's lifespan.
get_call_records: Callable[[HTTPConnection], CallRecords] = _state("call_records")


def get_voice(conn: HTTPConnection) -> VoiceStack | None:
    """The voice engines; None when the server runs without voice (`serve --no-voice`)."""
    voice: VoiceStack | None = getattr(conn.app.state, "voice", None)
    return voice


if TYPE_CHECKING:
    VoiceDep = Annotated[VoiceStack | None, Depends(get_voice)]
else:  # FastAPI resolves annotations at run time, where the voice types are not imported
    VoiceDep = Annotated[Any, Depends(get_voice)]


def get_phone_lines(conn: HTTPConnection, voice: VoiceDep) -> PhoneLines | None:
    """One counter of calls in progress per app, made on first use; None without voice (no
    phone call can be answered, and nothing of the voice layer is imported)."""
    if voice is None:
        return None
    from property_agent.telephony.lines import PhoneLines

    state = conn.app.state
    lines: PhoneLines | None = getattr(state, "phone_lines", None)
    if lines is None:
        lines = state.phone_lines = PhoneLines(get_settings(conn).telephony.max_calls)
    return lines


if TYPE_CHECKING:
    PhoneLinesDep = Annotated[PhoneLines | None, Depends(get_phone_lines)]
else:
    PhoneLinesDep = Annotated[Any, Depends(get_phone_lines)]


def get_twilio_http_client() -> HttpClient | None:
    """The HTTP client twilio's REST client uses; None is twilio's own. Tests override it."""
    return None


SettingsDep = Annotated[Settings, Depends(get_settings)]
SearchServiceDep = Annotated[PropertySearchService, Depends(get_search_service)]
RuntimeDep = Annotated[AgentRuntime, Depends(get_agent_runtime)]
CallRecordsDep = Annotated[CallRecords, Depends(get_call_records)]
TwilioHttpDep = Annotated[HttpClient | None, Depends(get_twilio_http_client)]


def require_api_key(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """`Authorization: Bearer <API__KEY>`, compared in constant time. Without API__KEY set,
    these endpoints are closed (503 naming the setting): an open dialler or call log is never
    the default."""
    key = settings.api.key
    if key is None:
        raise HTTPException(
            status_code=503,
            detail="This endpoint needs API__KEY to be set on the server (clients then send "
            "'Authorization: Bearer <API__KEY>').",
        )
    given = credentials.credentials if credentials else ""
    if not hmac.compare_digest(given.encode(), key.get_secret_value().encode()):
        raise HTTPException(
            status_code=401,
            detail="Missing or wrong API key: send 'Authorization: Bearer <API__KEY>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
