"""What every command shares: the two consoles, failing with a message and an exit code, the
settings (a bad setting is a usage error naming it), where the local API listens, and the line
shown while something slow loads.

`property_agent.config` (pydantic-settings, half a second) is imported only by the commands that
read settings, so the `--server` commands start without it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, NoReturn

import typer
from rich.console import Console

if TYPE_CHECKING:
    from property_agent.config import Settings

# soft_wrap: paths and commands in messages stay on one line, so they can be copied and grepped.
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[bold red]Error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def local_only(data: object, server: str | None) -> None:
    """`--data` picks the listings of an index built here; a server has its own."""
    if data is not None and server:
        fail("--data is for the index this command builds; --server answers from its own.", 2)


def cli_settings() -> Settings:
    from property_agent.config import SettingsError, load_settings

    try:
        return load_settings()
    except SettingsError as exc:
        fail(str(exc), 2)


def local_server(settings: Settings) -> str:
    """The API this machine serves (`http://API__HOST:API__PORT`, a wildcard host as localhost)."""
    host = settings.api.host if settings.api.host not in ("0.0.0.0", "::") else "127.0.0.1"
    return f"http://{host}:{settings.api.port}"


def api_key(given: str | None, settings: Settings) -> str | None:
    """`--api-key`, else API__KEY."""
    return given or (settings.api.key.get_secret_value() if settings.api.key else None)


@contextmanager
def loading(message: str) -> Iterator[None]:
    """A spinner on a terminal; elsewhere (a pipe, a log) the message once, on stderr. Either way
    it shows before the slow imports start, not after."""
    if not err.is_terminal:
        err.print(f"{message}…", highlight=False)
        yield
        return
    with err.status(f"{message}…"):
        yield
