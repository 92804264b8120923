"""What every command shares: the two consoles, failing with a message and an exit code, the
settings (a bad setting is a usage error naming it), and where the local API listens."""

from __future__ import annotations

import json
from typing import NoReturn

import typer
from rich.console import Console

from property_agent.config import Settings, SettingsError, load_settings

# soft_wrap: paths and commands in messages stay on one line, so they can be copied and grepped.
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[bold red]Error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def cli_settings() -> Settings:
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


def reply_message(text: str) -> str:
    """The API's error sentence (`detail` or `message`) rather than its raw JSON."""
    try:
        data = json.loads(text)
    except ValueError:
        return text[:300]
    if isinstance(data, dict):
        message = data.get("message") or data.get("detail")
        if isinstance(message, str):
            return message
    return text[:300]
