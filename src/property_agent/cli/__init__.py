"""`property-agent`: serve the API, search from the terminal, ingest listings, chat with an
avatar, place a call through Twilio, or ring the phone line without Twilio.

One module per command, each a thin shell over the modules below it (settings from `config`,
search from `PropertySearchService`, validation from `listings_csv`, the phone simulator from
`telephony.simulator`); `common` holds what they share, `remote` the HTTP calls to a running API.
Commands are imported only when they run (`lazy`), so `--help` answers at once.
"""

from __future__ import annotations

import sys

import typer

from property_agent.cli.lazy import LazyCommand, LazyGroup


def _command(name: str, summary: str, cls: str | None = None) -> LazyCommand:
    return LazyCommand(name, f"property_agent.cli.{name}", summary, cls)


class Commands(LazyGroup):
    """Every command, in the order `--help` lists them."""

    commands_registry = (
        _command("serve", "Start the API server and the voice web page."),
        _command("search", "Search listings, as POST /superlinked/search would."),
        _command("ingest", "Validate a listings CSV and upsert its good rows by id."),
        _command("chat", "Talk to an avatar in the terminal (--server: through a running API)."),
        _command("call", "Place an outbound call through the running API (POST /call)."),
        _command("phone", "Call a running server as a phone would (no Twilio).", "TurnsInOrder"),
    )


app = typer.Typer(
    cls=Commands,
    help="Realtime voice agent for Madrid property search.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # rich costs a tenth of a second to import; plain help is enough
)


@app.callback()
def _root() -> None:
    """Realtime voice agent for Madrid property search."""


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - interactive
        sys.exit(130)


if __name__ == "__main__":
    main()
