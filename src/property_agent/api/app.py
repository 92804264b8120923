"""The FastAPI app factory. The index loads in the background so `/health` answers at once
(503 "loading" until the listings are searchable)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse

from property_agent import __version__
from property_agent.api.routes import health, search
from property_agent.config import Settings, SettingsError
from property_agent.search.service import PropertySearchService, SearchUnavailable

logger = logging.getLogger(__name__)


def check_data_path(settings: Settings, data_path: Path | None = None) -> Path:
    """In memory mode the CSV is the index: if it is missing, fail at start naming the setting."""
    path = Path(data_path or settings.data.path)
    if not settings.qdrant.url and not path.is_file():
        raise SettingsError(
            f"Listings file {path} does not exist. Pass --data PATH or set DATA__PATH "
            "(the repository ships data/properties.csv; run from the repository root)."
        )
    return path


def create_app(
    settings: Settings,
    *,
    search_service: PropertySearchService | None = None,
    data_path: Path | None = None,
) -> FastAPI:
    """Build the app. A `search_service` passed in is used as is (its owner starts and closes
    it); otherwise the app creates one and loads the index in the background at start-up."""
    path = check_data_path(settings, data_path)
    owned = search_service is None
    service = search_service or PropertySearchService(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if not owned:
            yield
            return
        loading = asyncio.create_task(service.start(path), name="load-index")
        try:
            yield
        finally:
            loading.cancel()
            await service.aclose()

    app = FastAPI(
        title="property-phone-agent",
        version=__version__,
        description="Realtime voice agent for Madrid property search: search API.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.search_service = service
    app.include_router(health.router)
    app.include_router(search.router)

    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse("/docs")

    @app.exception_handler(SearchUnavailable)
    async def unavailable(_: Request, exc: SearchUnavailable) -> JSONResponse:
        return JSONResponse(
            {"status": "unavailable", "message": str(exc)},
            status_code=503,
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        fields = [".".join(str(p) for p in e["loc"] if p != "body") or "body" for e in errors]
        message = "; ".join(f"{f}: {e['msg']}" for f, e in zip(fields, errors, strict=True))
        return JSONResponse(
            {"status": "error", "message": message, "detail": _jsonable(errors)},
            status_code=422,
        )

    return app


def _jsonable(errors: Sequence[Any]) -> list[dict[str, object]]:
    return [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in errors]
