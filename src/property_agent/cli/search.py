"""`property-agent search`: the listings a request finds, as `POST /superlinked/search` answers,
from an index loaded here or from a running server (`--server`: the standard library only, so it
answers in well under a second)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from property_agent.cli.common import cli_settings, fail, loading, local_only
from property_agent.cli.remote import RemoteError, Server
from property_agent.cli.results import print_response

# `property_agent.domain.MAX_LIMIT`, written out so `--help` need not import pydantic;
# tests/cli check the two agree.
MAX_LIMIT_SHOWN = 20


def search(
    query: Annotated[str, typer.Argument(help='What you are looking for, e.g. "3 bed in Retiro".')],
    limit: Annotated[int, typer.Option(help=f"Listings to return (1-{MAX_LIMIT_SHOWN}).")] = 3,
    data: Annotated[Path | None, typer.Option(help="Listings CSV (memory mode).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the API's JSON.")] = False,
    server: Annotated[
        str | None,
        typer.Option(help="Ask a running API (e.g. http://127.0.0.1:8000) instead of loading."),
    ] = None,
) -> None:
    """Search listings from the terminal, as POST /superlinked/search would.

    Without --server this loads the index itself (about 20-30 s: Superlinked and the embeddings).
    """
    local_only(data, server)
    if server:
        try:
            body = Server(server).post("/superlinked/search", {"query": query, "limit": limit})
        except RemoteError as exc:
            fail(str(exc), exc.code)
    else:
        body = _search_here(query, limit, data)
    if as_json:
        # Plain text, not rich: rich wraps long strings at the terminal width.
        typer.echo(json.dumps(body, indent=2, ensure_ascii=False))
    else:
        print_response(body)


def _search_here(query: str, limit: int, data: Path | None) -> dict[str, Any]:
    """The endpoint's body, from an index built in this process."""
    from pydantic import ValidationError

    from property_agent.domain import SearchRequest

    try:
        request = SearchRequest(query=query, limit=limit)
    except ValidationError as exc:
        fail("; ".join(f"{e['loc'][0]}: {e['msg']}" for e in exc.errors()), 2)
    with loading("Loading the listings index (about 30 s; --server asks a running API)"):
        from property_agent.api.app import check_data_path
        from property_agent.config import SettingsError
        from property_agent.domain import SearchResponse, SearchResult
        from property_agent.observability.logging import setup_logging
        from property_agent.search.service import IndexState, PropertySearchService

        settings = cli_settings()
        setup_logging("WARNING")
        try:
            path = check_data_path(settings, data)
        except SettingsError as exc:
            fail(str(exc), 2)

        async def run() -> SearchResult:
            service = PropertySearchService(settings)
            try:
                await service.start(path)
                status = service.status()
                if status.state is not IndexState.READY:
                    fail(status.message)
                return await service.search(request.query, request.limit)
            finally:
                await service.aclose()

        result = asyncio.run(run())
    return SearchResponse.from_result(result).model_dump(mode="json")
