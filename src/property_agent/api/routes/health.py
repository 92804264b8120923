"""`GET /health`: 200 when the index can answer, 503 while it loads or after it failed."""

from __future__ import annotations

from fastapi import APIRouter, Response

from property_agent.api.deps import SearchServiceDep
from property_agent.api.schemas import HealthResponse, HealthStatus, IndexInfo
from property_agent.search.service import IndexState

router = APIRouter(tags=["health"])
_STATUS: dict[IndexState, HealthStatus] = {
    IndexState.READY: "healthy",
    IndexState.LOADING: "loading",
    IndexState.FAILED: "unhealthy",
}


@router.get("/health", response_model=HealthResponse)
async def health(response: Response, service: SearchServiceDep) -> HealthResponse:
    status = service.status()
    if status.state is not IndexState.READY:
        response.status_code = 503
        response.headers["Retry-After"] = "5"
    return HealthResponse(
        status=_STATUS[status.state],
        message=status.message,
        index=IndexInfo(backend=status.backend, properties=status.properties),
    )
