"""`property-agent`: serve the API, search from the terminal, ingest listings.

Each command is a thin shell over the modules: settings from `config`, search from
`PropertySearchService`, validation from `listings_csv`.
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from property_agent.api.schemas import SearchResponse
from property_agent.config import Settings, SettingsError, load_settings
from property_agent.domain import MAX_LIMIT, Property, SearchRequest, SearchResult
from property_agent.observability.logging import setup_logging

app = typer.Typer(
    help="Realtime voice agent for Madrid property search.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# soft_wrap: paths and commands in messages stay on one line, so they can be copied and grepped.
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[bold red]Error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        _fail(str(exc), 2)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind [API__HOST].")] = None,
    port: Annotated[int | None, typer.Option(help="Port [API__PORT].")] = None,
    data: Annotated[
        Path | None, typer.Option(help="Listings CSV indexed at start in memory mode [DATA__PATH].")
    ] = None,
    voice: Annotated[
        bool, typer.Option(help="Serve the voice web page at / (--no-voice: the API only).")
    ] = True,
) -> None:
    """Start the API server and the voice web page."""
    import uvicorn

    from property_agent.api.app import create_app
    from property_agent.voice.stt.base import STTError
    from property_agent.voice.tts.base import TTSError

    settings = _settings()
    setup_logging(settings.log_level)
    if voice:
        typer.echo("Loading the speech engines and the voice page (about 15 s)...", err=True)
    try:
        api = create_app(settings, data_path=data, with_voice=voice)
    except (SettingsError, STTError, TTSError) as exc:
        _fail(str(exc), 2)
    uvicorn.run(
        api,
        host=host or settings.api.host,
        port=port or settings.api.port,
        log_level=settings.log_level.lower(),
        log_config=None,
    )


@app.command()
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
        _fail("; ".join(f"{e['loc'][0]}: {e['msg']}" for e in exc.errors()), 2)
    if server:
        response = _ask_server(server, request)
        if as_json:
            typer.echo(response.model_dump_json(indent=2))
        else:
            _print_response(response)
        return
    settings = _settings()
    setup_logging("WARNING")
    try:
        path = check_data_path(settings, data)
    except SettingsError as exc:
        _fail(str(exc), 2)

    async def run() -> SearchResult:
        service = PropertySearchService(settings)
        try:
            with err.status("Loading the listings index…"):
                await service.start(path)
            status = service.status()
            if status.state is not IndexState.READY:
                _fail(status.message)
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
        _fail(f"Cannot reach the API at {server} ({exc}); is `property-agent serve` running?")
    if reply.status_code != 200:
        _fail(f"{url} answered {reply.status_code}: {reply.text[:300]}")
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


@app.command()
def ingest(
    csv_path: Annotated[Path, typer.Argument(help="Listings CSV to validate and upsert.")],
    dry_run: Annotated[bool, typer.Option(help="Validate only; store nothing.")] = False,
) -> None:
    """Validate a listings CSV and upsert its good rows by id (running it twice changes nothing).

    Exit code: 0 all rows stored, 1 some rows rejected (the good ones are still stored),
    2 the file or the configuration is unusable.
    """
    from property_agent.search.listings_csv import ListingsFileError, read_listings

    settings = _settings()
    setup_logging("WARNING")
    try:
        report = read_listings(csv_path)
    except ListingsFileError as exc:
        _fail(str(exc), 2)
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
            _fail(service.status().message)
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


@app.command()
def chat(
    avatar: Annotated[str | None, typer.Option(help="Avatar to talk to [AVATAR_NAME].")] = None,
    thread: Annotated[
        str | None, typer.Option(help="Conversation id; the same id resumes it (sqlite/postgres).")
    ] = None,
    data: Annotated[Path | None, typer.Option(help="Listings CSV (memory mode).")] = None,
) -> None:
    """Talk to an avatar in the terminal: replies stream sentence by sentence, searches show."""
    from property_agent.api.app import check_data_path

    settings = _settings()
    if avatar:
        settings = settings.model_copy(update={"avatar_name": avatar.lower()})
    setup_logging("WARNING")
    try:
        path = check_data_path(settings, data)
    except SettingsError as exc:
        _fail(str(exc), 2)
    asyncio.run(_chat(settings, path, thread or f"cli-{uuid.uuid4().hex[:8]}"))


async def _chat(settings: Settings, path: Path, thread_id: str) -> None:
    from property_agent.agent.events import SentenceReady, ToolFinished, ToolStarted
    from property_agent.agent.runtime import AgentRuntime
    from property_agent.avatars import AvatarError
    from property_agent.search.service import IndexState, PropertySearchService

    search = PropertySearchService(settings)
    try:
        runtime = AgentRuntime(settings, search)
    except AvatarError as exc:
        _fail(str(exc), 2)
    try:
        with err.status("Loading the listings index…"):
            await search.start(path)
            await runtime.start()
        if search.status().state is not IndexState.READY:
            _fail(search.status().message)
        mode = "offline policy" if runtime.offline else settings.llm_provider
        out.print(
            f"[dim]Talking to {runtime.avatar.name} ({mode}); thread {thread_id}. "
            "Empty line or Ctrl-D to quit.[/]"
        )
        conversation = runtime.conversation(thread_id)
        intro = await conversation.greet()
        if intro:
            out.print(f"[bold]{runtime.avatar.name}:[/] {intro}", highlight=False)
        else:
            out.print(f"[dim](resuming conversation {thread_id})[/]")
        while True:
            try:
                text = await asyncio.to_thread(input, "you> ")
            except EOFError:
                break
            if not text.strip() or text.strip().lower() in {"quit", "exit"}:
                break
            async for event in conversation.respond(text):
                if isinstance(event, ToolStarted):
                    out.print(f"[dim]  → {event.name}({event.args})[/]", highlight=False)
                elif isinstance(event, ToolFinished):
                    out.print(f"[dim]  ← {event.count} listing(s)[/]")
                elif isinstance(event, SentenceReady):
                    out.print(f"[bold]{runtime.avatar.name}:[/] {event.text}", highlight=False)
    finally:
        await runtime.aclose()
        await search.aclose()


@app.command()
def call(
    to: Annotated[str, typer.Option("--to", help="Number to ring, E.164 (e.g. +34600111222).")],
    from_: Annotated[
        str, typer.Option("--from", help="Your Twilio number or verified caller id, E.164.")
    ],
    url: Annotated[
        str | None,
        typer.Option(
            help="Where Twilio fetches TwiML on answer "
            "(default: PUBLIC_BASE_URL + /voice/telephone/incoming)."
        ),
    ] = None,
    server: Annotated[
        str | None, typer.Option(help="The running API (default: http://API__HOST:API__PORT).")
    ] = None,
    api_key: Annotated[
        str | None, typer.Option(help="Bearer key of the API [API__KEY].", show_default=False)
    ] = None,
) -> None:
    """Place an outbound call through the running API (POST /call) and print Twilio's CallSid."""
    import httpx

    from property_agent.telephony.twiml import INCOMING_PATH

    settings = _settings()
    key = api_key or (settings.api.key.get_secret_value() if settings.api.key else None)
    if not key:
        _fail("POST /call needs the API key: pass --api-key or set API__KEY.", 2)
    if url is None:
        if not settings.public_base_url:
            _fail("Pass --url (where Twilio fetches TwiML) or set PUBLIC_BASE_URL.", 2)
        url = settings.public_base_url + INCOMING_PATH
    if server is None:
        host = settings.api.host if settings.api.host not in ("0.0.0.0", "::") else "127.0.0.1"
        server = f"http://{host}:{settings.api.port}"
    endpoint = server.rstrip("/") + "/call"
    body = {"from_number": from_, "to_number": to, "voice_agent_url": url}
    try:
        reply = httpx.post(
            endpoint, json=body, headers={"Authorization": f"Bearer {key}"}, timeout=30
        )
    except httpx.HTTPError as exc:
        _fail(f"Cannot reach the API at {server} ({exc}); is `property-agent serve` running?")
    if reply.status_code != 200:
        _fail(f"{endpoint} answered {reply.status_code}: {_reply_message(reply.text)}")
    typer.echo(reply.json()["sid"])


def _reply_message(text: str) -> str:
    """The API's error sentence (`detail` or `message`) rather than its raw JSON."""
    import json

    try:
        data = json.loads(text)
    except ValueError:
        return text[:300]
    if isinstance(data, dict):
        message = data.get("message") or data.get("detail")
        if isinstance(message, str):
            return message
    return text[:300]


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - interactive
        sys.exit(130)


if __name__ == "__main__":
    main()
