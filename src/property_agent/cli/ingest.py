"""`property-agent ingest`: validate a listings CSV and upsert its good rows into Qdrant."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from property_agent.cli.common import cli_settings, err, fail, out
from property_agent.config import Settings
from property_agent.domain import Property
from property_agent.observability.logging import setup_logging


def ingest(
    csv_path: Annotated[Path, typer.Argument(help="Listings CSV to validate and upsert.")],
    dry_run: Annotated[bool, typer.Option(help="Validate only; store nothing.")] = False,
) -> None:
    """Validate a listings CSV and upsert its good rows by id (running it twice changes nothing).

    Exit code: 0 all rows stored, 1 some rows rejected (the good ones are still stored),
    2 the file or the configuration is unusable.
    """
    from property_agent.search.listings_csv import ListingsFileError, read_listings

    settings = cli_settings()
    setup_logging("WARNING")
    try:
        report = read_listings(csv_path)
    except ListingsFileError as exc:
        fail(str(exc), 2)
    for error in report.errors:
        out.print(f"[red]✗[/] {csv_path}: {error}", highlight=False)
    if report.ignored_columns:
        out.print(f"Ignored extra column(s): {', '.join(report.ignored_columns)}")
    out.print(
        f"{len(report.listings)} valid listing(s), {len(report.errors)} rejected, "
        f"{len(report.locations)} neighbourhoods."
    )
    code = 1 if report.errors else 0
    if dry_run:
        raise typer.Exit(code)
    if not settings.qdrant.url:
        out.print(
            "No QDRANT__URL is set, so there is no shared index to write to: the server builds "
            f"its index in memory at start from DATA__PATH (now {settings.data.path}).\n"
            f"To serve this file: property-agent serve --data {csv_path}  (or set DATA__PATH)."
        )
        raise typer.Exit(code)
    asyncio.run(_upsert(settings, report.listings))
    raise typer.Exit(code)


async def _upsert(settings: Settings, listings: list[Property]) -> None:
    from property_agent.search.service import IndexState, PropertySearchService

    service = PropertySearchService(settings)
    try:
        with err.status(f"Connecting to Qdrant at {settings.qdrant.url}…"):
            await service.start(load_data=False, fallback=False)
        if service.status().state is not IndexState.READY:
            fail(service.status().message)
        before = service.status().properties
        columns = (TextColumn("Upserting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=err) as progress:
            task = progress.add_task("upsert", total=len(listings))
            after = await service.ingest(listings, lambda n: progress.advance(task, n))
        out.print(
            f"Upserted {len(listings)} listing(s) into Qdrant at {settings.qdrant.url}: "
            f"the collection held {before}, now {after}."
        )
    finally:
        await service.aclose()
