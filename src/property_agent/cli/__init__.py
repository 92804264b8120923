"""`property-agent`: serve the API, search from the terminal, ingest listings, chat with an
avatar, place a call through Twilio, or ring the phone line without Twilio.

One module per command, each a thin shell over the modules below it (settings from `config`,
search from `PropertySearchService`, validation from `listings_csv`, the phone simulator from
`telephony.simulator`); `common` holds what they share.
"""

from __future__ import annotations

import sys

import typer

from property_agent.cli import call, chat, ingest, phone, search, serve

app = typer.Typer(
    help="Realtime voice agent for Madrid property search.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command()(serve.serve)
app.command()(search.search)
app.command()(ingest.ingest)
app.command()(chat.chat)
app.command()(call.call)
app.command(cls=phone.TurnsInOrder)(phone.phone)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - interactive
        sys.exit(130)


if __name__ == "__main__":
    main()
