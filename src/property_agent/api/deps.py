"""FastAPI dependencies: the services live on `app.state`, created once by the app factory."""

from __future__ import annotations

import hmac

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from property_agent.agent.runtime import AgentRuntime
from property_agent.config import Settings
from property_agent.search.service import PropertySearchService

_bearer = HTTPBearer(auto_error=False)


def get_search_service(request: Request) -> PropertySearchService:
    service: PropertySearchService = request.app.state.search_service
    return service


def get_agent_runtime(request: Request) -> AgentRuntime:
    runtime: AgentRuntime = request.app.state.agent_runtime
    return runtime


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def require_api_key(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
) -> None:
    """`Authorization: Bearer <API__KEY>`, compared in constant time. Without API__KEY set,
    these endpoints are closed (503 naming the setting): an open dialler or call log is never
    the default."""
    key = get_settings(request).api.key
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
