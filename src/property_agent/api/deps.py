"""FastAPI dependencies: the services live on `app.state`, created once by the app factory."""

from __future__ import annotations

from fastapi import Request

from property_agent.agent.runtime import AgentRuntime
from property_agent.search.service import PropertySearchService


def get_search_service(request: Request) -> PropertySearchService:
    service: PropertySearchService = request.app.state.search_service
    return service


def get_agent_runtime(request: Request) -> AgentRuntime:
    runtime: AgentRuntime = request.app.state.agent_runtime
    return runtime
