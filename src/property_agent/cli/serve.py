"""`property-agent serve`: the API and the voice web page under uvicorn."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from property_agent.cli.common import cli_settings, fail
from property_agent.config import SettingsError
from property_agent.observability.logging import setup_logging
from property_agent.observability.stdout import gradio_prints_dropped


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
    from property_agent.api.serving import AnnouncingServer
    from property_agent.voice.stt.base import STTError
    from property_agent.voice.tts.base import TTSError

    settings = cli_settings()
    setup_logging(settings.log)
    if voice:
        typer.echo("Loading the speech engines and the voice page (about 15 s)...", err=True)
    with gradio_prints_dropped():
        try:
            api = create_app(settings, data_path=data, with_voice=voice)
        except (SettingsError, STTError, TTSError) as exc:
            fail(str(exc), 2)
        config = uvicorn.Config(
            api,
            host=host or settings.api.host,
            port=port if port is not None else settings.api.port,
            log_level=settings.log.level.lower(),
            log_config=None,
            access_log=settings.log.access != "none",
        )
        AnnouncingServer(config, api).run()
