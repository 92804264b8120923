"""`property-agent search`: the listings a request finds, as `POST /superlinked/search` answers,
from an index loaded here or from a running server."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from property_agent.cli.common import cli_settings, err, fail, out
from property_agent.config import SettingsError
from property_agent.domain import MAX_LIMIT, SearchRequest, SearchResponse, SearchResult
from property_agent.observability.logging import setup_logging


def search(
    query: Annotated[str, typer.Argument(help='What you are looking for, e.g. "3 bed in Retiro".')],
    limit: Annotated[int, typer.Option(help=f"Listings to return (1-{MAX_LIMIT}).")] = 3,
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
    from property_agent.api.app import check_data_path
    from property_agent.search.service import IndexState, PropertySearchService

    try:
        request = SearchRequest(query=query, limit=limit)
    except ValidationError as exc:
        fail("; ".join(f"{e['loc'][0]}: {e['msg']}" for e in exc.errors()), 2)
    if server:
        response = _ask_server(server, request)
        if as_json:
            typer.echo(response.model_dump_json(indent=2))
        else:
            _print_response(response)
        return
    settings = cli_settings()
    setup_logging("WARNING")
    try:
        path = check_data_path(settings, data)
    except SettingsError as exc:
        fail(str(exc), 2)

    async def run() -> SearchResult:
        service = PropertySearchService(settings)
        try:
            with err.status("Loading the listings index…"):
                await service.start(path)
            status = service.status()
            if status.state is not IndexState.READY:
                fail(status.message)
            return await service.search(request.query, request.limit)
        finally:
            await service.aclose()

    response = SearchResponse.from_result(asyncio.run(run()))
    if as_json:
        # Plain text, not rich: rich wraps long strings at the terminal width.
        typer.echo(response.model_dump_json(indent=2))
    else:
        _print_response(response)


def _ask_server(server: str, request: SearchRequest) -> SearchResponse:
    import httpx

    url = server.rstrip("/") + "/superlinked/search"
    try:
        reply = httpx.post(url, json=request.model_dump(), timeout=30)
    except httpx.HTTPError as exc:
        fail(f"Cannot reach the API at {server} ({exc}); is `property-agent serve` running?")
    if reply.status_code != 200:
        fail(f"{url} answered {reply.status_code}: {reply.text[:300]}")
    return SearchResponse.model_validate(reply.json())


def _print_response(result: SearchResponse) -> None:
    stated = result.filters.model_dump(exclude_none=True)
    out.print(f"[bold]Understood[/] ({result.parser}): {stated or 'no constraints'}")
    if result.hint:
        out.print(f"[yellow]{result.hint}[/]")
    if not result.properties:
        for r in result.relaxations:
            if r.sentence not in (result.hint or ""):
                out.print(f"  • {r.sentence}")
        return
    table = Table(show_lines=True)
    for column in ("id", "location", "bed", "bath", "m²", "price", "description"):
        table.add_column(column, overflow="fold")
    for p in result.properties:
        text = p.description if len(p.description) <= 160 else p.description[:157] + "…"
        table.add_row(
            str(p.id), p.location, str(p.rooms), str(p.baths), str(p.sqft), f"€{p.price:,}", text
        )
    out.print(table)
