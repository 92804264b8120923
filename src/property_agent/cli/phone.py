"""`property-agent phone`: ring a running server the way Twilio would (Media Streams, μ-law 8 kHz,
real-time pace, marks echoed), say each turn, and print what the avatar said and how soon it
started answering. No Twilio account, number or tunnel needed.

The simulator is imported when the command runs: it pulls in scipy, which `--help` should not
wait for.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from typer.core import TyperCommand

from property_agent.cli.common import api_key as resolve_key
from property_agent.cli.common import cli_settings, err, fail, local_server, out
from property_agent.config import Settings

if TYPE_CHECKING:
    from property_agent.telephony.simulator.dial import CallerTurn, CallResult, TurnTiming

Record = list[list[dict[str, Any]]]  # the call record's lines, grouped by turn
_TURN_OPTIONS = ("say", "wav")


class TurnsInOrder(TyperCommand):
    """Keeps the order in which `--say` and `--wav` were given (click collects each option's
    values in a list of its own): the parser's occurrence order, read before the normal parse."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # (typer's own click Context)
        _, _, order = self.make_parser(ctx).parse_args(args=list(args))
        ctx.meta["turn_order"] = [p.name for p in order if p.name in _TURN_OPTIONS]
        return super().parse_args(ctx, args)


def phone(
    ctx: typer.Context,
    say: Annotated[
        list[str] | None,
        typer.Option(help="A turn: what to say, in the packaged Piper voice. Repeat for more."),
    ] = None,
    wav: Annotated[
        list[Path] | None,
        typer.Option(help="A turn: a WAV file to say (any rate). Turns go in the order given."),
    ] = None,
    server: Annotated[
        str | None, typer.Option(help="The running API (default: http://API__HOST:API__PORT).")
    ] = None,
    api_key: Annotated[
        str | None,
        typer.Option(
            help="The server's API__KEY: prints what the avatar said, from the call record "
            "[API__KEY].",
            show_default=False,
        ),
    ] = None,
    save: Annotated[
        Path | None, typer.Option(help="Save what you heard (the avatar) to this WAV, 8 kHz.")
    ] = None,
    caller: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="Calling number, E.164 (default: a random Spanish mobile; the same number "
            "resumes its conversation).",
        ),
    ] = None,
    wait: Annotated[
        float, typer.Option(help="Seconds to wait for the avatar to start each answer.")
    ] = 30.0,
) -> None:
    """Call a running server over Twilio's Media Streams protocol, as a phone would."""
    from property_agent.telephony.simulator.dial import PhoneLineError, stream_url

    settings = cli_settings()
    order = ctx.meta.get("turn_order", [])
    if not order:
        fail("Say something: give one or more --say TEXT or --wav FILE (one turn each).", 2)
    base = server or local_server(settings)
    try:
        url = stream_url(base)
    except PhoneLineError as exc:
        fail(str(exc), 2)
    turns = asyncio.run(_turns(settings, order, list(say or []), list(wav or [])))
    out.print(f"Calling {url} …", highlight=False)
    result, record = asyncio.run(_call(url, turns, caller, wait, settings, api_key))
    _print_call(result, record)
    if save is not None:
        _save(save, result)
    if record is None:
        out.print(
            f"What the avatar said is in the call record, GET /calls/{result.call_sid}: pass "
            "--api-key with the server's API__KEY (a server without one serves no records: "
            "start it with `API__KEY=<a key> make run`).",
            highlight=False,
        )
    if len(result.answered) < len(turns) and not result.server_hung_up:
        fail(f"The avatar did not answer within {wait:.0f} s.")


async def _turns(
    settings: Settings, order: list[str], said: list[str], wavs: list[Path]
) -> list[CallerTurn]:
    """Every turn's audio, made before dialling (so synthesis is not counted as latency)."""
    from property_agent.telephony.simulator.dial import CallerTurn
    from property_agent.telephony.simulator.voice import CallerAudioError, read_wav, synthesise
    from property_agent.voice.tts.base import TTSError
    from property_agent.voice.tts.piper import PiperTTS

    turns: list[CallerTurn] = []
    tts: PiperTTS | None = None
    try:
        for option in order:
            if option == "wav":
                path = wavs.pop(0)
                turns.append(CallerTurn(path.name, read_wav(path)))
                continue
            if tts is None:
                with err.status("Loading the caller's voice (Piper)…"):
                    tts = PiperTTS.from_settings(settings)
            text = said.pop(0)
            turns.append(CallerTurn(text, await synthesise(tts, text)))
    except (CallerAudioError, TTSError) as exc:
        fail(str(exc), 2)
    return turns


async def _call(
    url: str,
    turns: list[CallerTurn],
    caller: str | None,
    wait: float,
    settings: Settings,
    api_key: str | None,
) -> tuple[CallResult, Record | None]:
    """The call (signed like Twilio's when TWILIO__AUTH_TOKEN is set here), then, with an API
    key, its record grouped by turn."""
    from property_agent.telephony.simulator.dial import (
        PhoneLineError,
        place_call,
        read_record,
        record_by_turn,
    )

    token = settings.twilio.auth_token
    try:
        result = await place_call(
            url,
            turns,
            caller=caller,
            twilio_auth_token=token.get_secret_value() if token else None,
            public_base_url=settings.public_base_url,
            answer_within_s=wait,
        )
    except PhoneLineError as exc:
        fail(str(exc))
    key = resolve_key(api_key, settings)
    if not key:
        return result, None
    try:
        record = await read_record(url, result.call_sid, key)
    except PhoneLineError as exc:
        err.print(f"[yellow]Could not read the call record:[/] {escape(str(exc))}")
        return result, None
    return result, record_by_turn(record, result.turns)


def _print_call(result: CallResult, record: Record | None) -> None:
    for index, timing in enumerate(result.turns):
        out.print(_timing_line(index, timing), highlight=False)
        for line in record[index] if record else []:
            out.print(f"    {_record_line(line)}", highlight=False)
    if result.server_hung_up:
        why = f" ({result.hang_up_reason})" if result.hang_up_reason else ""
        out.print(f"The server hung up{escape(why)}.")


def _timing_line(index: int, timing: TurnTiming) -> str:
    if index == 0:
        what, since = "[bold]greeting[/]", "after the line opened"
    else:
        what, since = f"[bold]turn {index}[/] you: {escape(timing.label)}", "after you stopped"
    if timing.first_audio_s is None:
        return f"{what}  [red]no answer audio[/]"
    return f"{what}  first audio {timing.first_audio_s:.2f} s {since}"


def _record_line(line: dict[str, Any]) -> str:
    text = escape(str(line.get("text", "")))
    if line.get("role") == "user":
        return f"[dim]heard as:[/] {text}"
    if line.get("role") == "tool":
        query = escape(str(line.get("args", {}).get("query", text)))
        return f"[dim]searched {query!r}: {line.get('count')} listing(s)[/]"
    cut = " [dim](interrupted)[/]" if line.get("interrupted") else ""
    return f"avatar: {text}{cut}"


def _save(path: Path, result: CallResult) -> None:
    from property_agent.telephony.codec import PHONE_RATE
    from property_agent.telephony.simulator.voice import write_wav

    try:
        write_wav(path, result.heard)
    except OSError as exc:
        fail(f"Cannot write {path}: {exc}")
    seconds = len(result.heard) / PHONE_RATE
    out.print(f"Saved what you heard ({seconds:.1f} s) to {path}", highlight=False)
