"""The FastAPI app factory. The index loads in the background so `/health` answers at once
(503 "loading" until the listings are searchable)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse

from property_agent import __version__
from property_agent.agent.runtime import AgentRuntime
from property_agent.api.docs import add_offline_docs
from property_agent.api.routes import (
    agent,
    avatars,
    call,
    calls,
    health,
    superlinked,
    telephone,
)
from property_agent.config import Settings, SettingsError
from property_agent.search.service import PropertySearchService, SearchUnavailable
from property_agent.telephony.record_stores import open_call_records

if TYPE_CHECKING:
    from property_agent.voice.stack import VoiceStack

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
    agent_runtime: AgentRuntime | None = None,
    voice: VoiceStack | None = None,
    with_voice: bool = True,
    data_path: Path | None = None,
) -> FastAPI:
    """Build the app. Services passed in are used as they are (their owner starts and closes
    them); otherwise the app creates them: the agent (avatar, model, memory) and the voice
    engines are validated here, memory opens at start-up, the search index loads and the voice
    models warm up in the background. The app always opens the call records itself, beside the
    memory, for its lifespan. `with_voice=False` serves the API only."""
    path = check_data_path(settings, data_path)
    owned_search = search_service is None
    service = search_service or PropertySearchService(settings)
    owned_agent = agent_runtime is None
    runtime = agent_runtime or AgentRuntime(settings, service)
    owned_voice = voice is None and with_voice
    if owned_voice:
        from property_agent.voice.stack import VoiceStack

        voice = VoiceStack(settings, runtime)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async def load() -> None:
            await service.start(path)
            await runtime.warm_up()  # the intent head needs the index's encoder

        loading = asyncio.create_task(load(), name="load-index") if owned_search else None
        async with AsyncExitStack() as stack:
            # Phone-call records live with the conversation memory (same file or database); the
            # runtime's memory janitor prunes them with the conversations.
            records = await stack.enter_async_context(open_call_records(settings))
            app.state.call_records = records
            if owned_agent:
                await runtime.start(also_prune=[records])
            warming = (
                asyncio.create_task(voice.warm_up(), name="voice-warm-up")
                if owned_voice and voice is not None
                else None
            )
            try:
                yield
            finally:
                if warming is not None:
                    warming.cancel()
                if owned_voice and voice is not None:
                    await voice.aclose()
                if loading is not None:
                    loading.cancel()
                    await service.aclose()
                if owned_agent:
                    await runtime.aclose()

    app = FastAPI(
        title="property-phone-agent",
        version=__version__,
        description="Realtime voice agent for Madrid property search: search API.",
        lifespan=lifespan,
        docs_url=None,  # served from packaged assets instead of a CDN (api/docs.py)
        redoc_url=None,
    )
    add_offline_docs(app)
    app.state.settings = settings
    app.state.search_service = service
    app.state.agent_runtime = runtime
    # One module per URL prefix: /health, /superlinked, /agent, /avatars, /call, /calls,
    # /voice/telephone.
    for routes in (health, superlinked, agent, avatars, call, calls, telephone):
        app.include_router(routes.router)

    app.state.voice = voice

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

    if voice is not None:
        return voice.mount(app)  # the web page at "/", after the API routes

    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse("/docs")

    return app


def _jsonable(errors: Sequence[Any]) -> list[dict[str, object]]:
    return [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in errors]
