"""`property-agent call`: an outbound call placed through the running API's `POST /call`."""

from __future__ import annotations

from typing import Annotated

import typer

from property_agent.cli.common import api_key as resolve_key
from property_agent.cli.common import cli_settings, fail, local_server
from property_agent.cli.remote import reply_message


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

    settings = cli_settings()
    key = resolve_key(api_key, settings)
    if not key:
        fail("POST /call needs the API key: pass --api-key or set API__KEY.", 2)
    if url is None:
        if not settings.public_base_url:
            fail("Pass --url (where Twilio fetches TwiML) or set PUBLIC_BASE_URL.", 2)
        url = settings.public_base_url + INCOMING_PATH
    if server is None:
        server = local_server(settings)
    endpoint = server.rstrip("/") + "/call"
    body = {"from_number": from_, "to_number": to, "voice_agent_url": url}
    try:
        reply = httpx.post(
            endpoint, json=body, headers={"Authorization": f"Bearer {key}"}, timeout=30
        )
    except httpx.HTTPError as exc:
        fail(f"Cannot reach the API at {server} ({exc}); is `property-agent serve` running?")
    if reply.status_code != 200:
        fail(f"{endpoint} answered {reply.status_code}: {reply_message(reply.text)}")
    typer.echo(reply.json()["sid"])
