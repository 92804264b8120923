"""`property-agent chat --server URL`: the same terminal conversation through a running API's
`POST /agent/chat`, one request a line, with the standard library only (see `remote`)."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Any

from property_agent.cli.common import err, fail, out
from property_agent.cli.farewell import QUIT_HINT, is_farewell, next_line
from property_agent.cli.remote import RemoteError, Server


def chosen_avatar(server: str, listed: dict[str, Any], wanted: str | None) -> dict[str, Any]:
    """The avatar of `GET /avatars` named `wanted` (its key or its name, any case), else the
    server's default; an unknown name is a usage error that lists the valid ones."""
    avatars: list[dict[str, Any]] = listed["avatars"]
    key = (wanted or listed["default"]).strip().lower()
    for avatar in avatars:
        if key in (avatar["key"].lower(), avatar["name"].lower()):
            return avatar
    valid = ", ".join(a["key"] for a in avatars)
    fail(f"Unknown avatar {wanted!r}: {server} has {valid}.", 2)


def chat_remote(url: str, wanted: str | None, thread_id: str) -> None:
    try:
        server = Server(url)
        avatar = chosen_avatar(server.url, server.get("/avatars"), wanted)
    except RemoteError as exc:
        fail(str(exc), exc.code)
    name = avatar["name"]
    out.print(f"[dim]Talking to {name} at {server.url}; thread {thread_id}. {QUIT_HINT}[/]")
    while (text := next_line()) is not None:
        body = {"thread_id": thread_id, "message": text, "avatar": avatar["key"]}
        try:
            with _thinking(name):
                turn = server.post("/agent/chat", body)
        except RemoteError as exc:
            fail(str(exc), exc.code)
        for call in turn.get("tool_calls", []):
            out.print(f"[dim]  → {call['name']}({call['args']})[/]", highlight=False)
        out.print(f"[bold]{name}:[/] {turn['reply']}", highlight=False)
        if is_farewell(text):
            break  # the avatar has said goodbye; so has the caller


def _thinking(name: str) -> AbstractContextManager[Any]:
    """A spinner while the server answers, on a terminal only (nothing in a pipe or a test)."""
    return err.status(f"{name} is thinking…") if err.is_terminal else nullcontext()
