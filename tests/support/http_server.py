"""A real HTTP server on localhost, the base of every faked external service (OpenAI, Opik,
Twilio, the transcription and speech engines): our clients talk to it over real sockets, as they
would to the service, and each fake only says how it answers."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Self


@dataclass(frozen=True)
class Request:
    """One request as the server received it (`headers` look names up case-insensitively)."""

    method: str
    path: str
    headers: Message
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"{}")


@dataclass(frozen=True)
class Response:
    """What to answer. `chunks`, when given, are streamed with chunked transfer encoding, one
    write each, so a fake can pace them; otherwise `body` is sent with its length."""

    status: int = 200
    body: bytes = b""
    content_type: str | None = None
    chunks: Iterable[bytes] | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, payload: Any, status: int = 200) -> Response:
        return cls(status, json.dumps(payload).encode(), "application/json")


class LocalHTTPServer:
    """Listens on a free port from construction, in a thread, and records every request in
    `recorded`; subclasses answer in `respond` (called on the server's thread, one per request)."""

    protocol_version = "HTTP/1.0"

    def __init__(self) -> None:
        self.recorded: list[Request] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def respond(self, request: Request) -> Response:
        raise NotImplementedError

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = fake.protocol_version

            def log_message(self, *args: object) -> None:
                pass

            def _answer(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                request = Request(self.command, self.path, self.headers, body)
                fake.recorded.append(request)
                _send(self, fake.respond(request))

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

        return Handler


class ScriptedHTTPServer(LocalHTTPServer):
    """A service that answers, fails or is slow as the test says: `mode` "ok" answers with
    `reply`, "error" with HTTP 500 and `failure`, "slow" with `reply` after `delay_s`."""

    failure: ClassVar[dict[str, Any]] = {"error": {"message": "scripted failure"}}

    def __init__(self, mode: str = "ok", delay_s: float = 3.0) -> None:
        super().__init__()
        self.mode = mode
        self.delay_s = delay_s

    def reply(self, request: Request) -> Response:
        raise NotImplementedError

    def respond(self, request: Request) -> Response:
        if self.mode == "error":
            return Response.json(self.failure, 500)
        if self.mode == "slow":
            time.sleep(self.delay_s)
        return self.reply(request)


def _send(handler: BaseHTTPRequestHandler, response: Response) -> None:
    handler.send_response(response.status)
    if response.content_type:
        handler.send_header("content-type", response.content_type)
    for name, value in response.headers.items():
        handler.send_header(name, value)
    if response.chunks is None:
        if response.body or response.content_type:
            handler.send_header("content-length", str(len(response.body)))
        handler.end_headers()
        handler.wfile.write(response.body)
        return
    handler.send_header("transfer-encoding", "chunked")
    handler.end_headers()
    for chunk in _ended(response.chunks):
        handler.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        handler.wfile.flush()


def _ended(chunks: Iterable[bytes]) -> Iterable[bytes]:
    """The chunks, then the empty one that ends a chunked body."""
    yield from chunks
    yield b""
