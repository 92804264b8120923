"""Request and response bodies of the public API. The search body, `SearchResponse`, lives with
the search models in `domain` (the agent's tool returns it too); it is re-exported here."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, StrictStr, StringConstraints

from property_agent.avatars import load_avatars
from property_agent.domain import Backend, PhoneNumber
from property_agent.domain import SearchResponse as SearchResponse  # re-exported for the CLI

HealthStatus = Literal["healthy", "loading", "unhealthy"]


class IndexInfo(BaseModel):
    backend: Backend
    properties: int


class HealthResponse(BaseModel):
    status: HealthStatus
    message: str
    index: IndexInfo


ThreadId = Annotated[
    StrictStr,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=r"^[\w.:@+-]+$"),
]
Message = Annotated[
    StrictStr, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)
]


def _known_avatar(name: str) -> str:
    key = name.strip().lower()
    avatars = load_avatars()
    if key not in avatars:
        raise ValueError(f"unknown avatar {name!r}; valid avatars: {', '.join(sorted(avatars))}")
    return key


AvatarName = Annotated[StrictStr, AfterValidator(_known_avatar)]


class ChatRequest(BaseModel):
    """The body of `POST /agent/chat`; strict like the search endpoint."""

    model_config = ConfigDict(extra="forbid")

    thread_id: ThreadId
    message: Message
    avatar: AvatarName | None = None  # the server's configured avatar when left out


class AvatarOut(BaseModel):
    key: str  # what `avatar` takes in `POST /agent/chat`
    name: str
    description: str


class AvatarsResponse(BaseModel):
    default: str
    avatars: list[AvatarOut]


class ToolCallOut(BaseModel):
    name: str
    args: dict[str, Any]


class ChatResponse(BaseModel):
    reply: str
    tool_calls: list[ToolCallOut]
    thread_id: str
    fallback: bool = False


class TranscriptEntry(BaseModel):
    role: Literal["user", "agent", "tool"]
    text: str
    at: str
    name: str | None = None
    args: dict[str, Any] | None = None
    count: int | None = None
    latency_ms: dict[str, float] | None = None


class TranscriptResponse(BaseModel):
    thread_id: str
    turns: list[TranscriptEntry]


def _http_url(url: str) -> str:
    if not re.match(r"^https?://[^\s/]+\S*$", url):
        raise ValueError("must be an http:// or https:// URL Twilio can fetch TwiML from")
    return url


TwimlUrl = Annotated[
    StrictStr, StringConstraints(strip_whitespace=True, max_length=2000), AfterValidator(_http_url)
]


class CallRequest(BaseModel):
    """The body of `POST /call`: Twilio rings `to_number` from `from_number` (a Twilio number
    or verified caller id) and, on answer, fetches TwiML from `voice_agent_url`."""

    model_config = ConfigDict(extra="forbid")

    from_number: PhoneNumber
    to_number: PhoneNumber
    voice_agent_url: TwimlUrl


class CallResponse(BaseModel):
    sid: str
