"""`property-agent chat`: talk to an avatar in the terminal, through the same turn runner as the
phone and the web page: loaded here, or a running API's (`--server`, see `chat_remote`)."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from property_agent.cli.common import cli_settings, fail, loading, local_only, out
from property_agent.cli.farewell import QUIT_HINT, is_farewell, next_line

if TYPE_CHECKING:
    from property_agent.config import Settings


def chat(
    avatar: Annotated[str | None, typer.Option(help="Avatar to talk to [AVATAR_NAME].")] = None,
    thread: Annotated[
        str | None, typer.Option(help="Conversation id; the same id resumes it (sqlite/postgres).")
    ] = None,
    data: Annotated[Path | None, typer.Option(help="Listings CSV (memory mode).")] = None,
    server: Annotated[
        str | None,
        typer.Option(help="Talk through a running API (e.g. http://127.0.0.1:8000): no loading."),
    ] = None,
) -> None:
    """Talk to an avatar in the terminal: replies stream sentence by sentence, searches show.

    Without --server this loads the index and the agent itself (about 30 s).
    """
    thread_id = thread or f"cli-{uuid.uuid4().hex[:8]}"
    local_only(data, server)
    if server:
        from property_agent.cli.chat_remote import chat_remote

        chat_remote(server, avatar, thread_id)
        return
    with loading("Loading the search engine and the agent (about 30 s; --server URL skips this)"):
        # The slow imports, under the message; `_chat` then finds them loaded.
        import property_agent.agent.runtime
        import property_agent.search.service  # noqa: F401
        from property_agent.api.app import check_data_path
        from property_agent.config import SettingsError
        from property_agent.observability.logging import setup_logging

    settings = cli_settings()
    if avatar:
        settings = settings.model_copy(update={"avatar_name": avatar.lower()})
    setup_logging("WARNING")
    try:
        path = check_data_path(settings, data)
    except SettingsError as exc:
        fail(str(exc), 2)
    asyncio.run(_chat(settings, path, thread_id))


async def _chat(settings: Settings, path: Path, thread_id: str) -> None:
    from property_agent.agent.events import SentenceReady, ToolFinished, ToolStarted
    from property_agent.agent.runtime import AgentRuntime
    from property_agent.avatars import AvatarError
    from property_agent.search.service import IndexState, PropertySearchService

    search = PropertySearchService(settings)
    try:
        runtime = AgentRuntime(settings, search)
    except AvatarError as exc:
        fail(str(exc), 2)
    try:
        with loading("Building the listings index"):
            await search.start(path)
            await runtime.start()
        if search.status().state is not IndexState.READY:
            fail(search.status().message)
        mode = "offline policy" if runtime.offline else settings.llm_provider
        out.print(
            f"[dim]Talking to {runtime.avatar.name} ({mode}); thread {thread_id}. {QUIT_HINT}[/]"
        )
        conversation = runtime.conversation(thread_id)
        intro = await conversation.greet()
        if intro:
            out.print(f"[bold]{runtime.avatar.name}:[/] {intro}", highlight=False)
        else:
            out.print(f"[dim](resuming conversation {thread_id})[/]")
        while (text := await asyncio.to_thread(next_line)) is not None:
            async for event in conversation.respond(text):
                if isinstance(event, ToolStarted):
                    out.print(f"[dim]  → {event.name}({event.args})[/]", highlight=False)
                elif isinstance(event, ToolFinished):
                    out.print(f"[dim]  ← {event.count} listing(s)[/]")
                elif isinstance(event, SentenceReady):
                    out.print(f"[bold]{runtime.avatar.name}:[/] {event.text}", highlight=False)
            if is_farewell(text):
                break  # the avatar has said goodbye; so has the caller
    finally:
        await runtime.aclose()
        await search.aclose()
