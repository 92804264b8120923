"""A running API as the `--server` commands see it: JSON over HTTP with the standard library only,
so asking a server starts in a fraction of a second (no httpx, pydantic or settings to import)."""

from __future__ import annotations

import http.client
import json
import socket
from typing import Any
from urllib.parse import urlsplit


class RemoteError(Exception):
    """The server could not be asked or refused; `code` is the exit code (2: fix the command or
    start the server, 1: the server failed)."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def reply_message(text: str) -> str:
    """The API's error sentence (`message` or `detail`) rather than its raw JSON."""
    try:
        data = json.loads(text)
    except ValueError:
        return text[:300]
    if isinstance(data, dict):
        message = data.get("message") or data.get("detail")
        if isinstance(message, str):
            return message
    return text[:300]


class Server:
    """`Server("http://127.0.0.1:8000").post("/agent/chat", {...})` → the decoded JSON reply."""

    def __init__(self, url: str, timeout_s: float = 60.0) -> None:
        self.url = url.rstrip("/")
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise RemoteError(f"--server {url!r} is not an http:// or https:// URL", 2)
        self._parts = parts
        self._timeout_s = timeout_s

    def get(self, path: str) -> Any:
        return self._request("GET", path, None)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self._request("POST", path, body)

    def _connection(self) -> http.client.HTTPConnection:
        cls = (
            http.client.HTTPSConnection
            if self._parts.scheme == "https"
            else http.client.HTTPConnection
        )
        return cls(self._parts.hostname or "", self._parts.port, timeout=self._timeout_s)

    def _request(self, method: str, path: str, body: dict[str, Any] | None) -> Any:
        payload = None if body is None else json.dumps(body).encode()
        headers = {"Accept": "application/json"}
        if payload is not None:
            headers["Content-Type"] = "application/json"
        connection = self._connection()
        try:
            connection.request(method, self._parts.path + path, payload, headers)
            reply = connection.getresponse()
            text = reply.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            reason = (
                "timed out" if isinstance(exc, socket.timeout) else str(exc) or type(exc).__name__
            )
            raise RemoteError(
                f"Cannot reach the API at {self.url} ({reason}); "
                "is `property-agent serve` running?",
                2,
            ) from exc
        finally:
            connection.close()
        if reply.status != 200:
            code = 2 if reply.status in (401, 403, 404, 422) else 1
            raise RemoteError(
                f"{self.url}{path} answered {reply.status}: {reply_message(text)}", code
            )
        try:
            return json.loads(text)
        except ValueError as exc:
            raise RemoteError(f"{self.url}{path} did not answer JSON: {text[:200]}", 1) from exc
