"""Test doubles. External HTTP services are faked as real local servers speaking their protocol."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = Callable[[dict[str, Any]], dict[str, Any]]


class FakeOpenAIServer:
    """An OpenAI-compatible `/v1/chat/completions` endpoint on localhost.

    `answer(request) -> tool arguments` scripts what the "LLM" extracts; `mode` switches to
    failures: "error" (HTTP 500) or "slow" (answers after `delay_s`).
    """

    def __init__(self, answer: Answer, mode: str = "ok", delay_s: float = 5.0) -> None:
        self.answer = answer
        self.mode = mode
        self.delay_s = delay_s
        self.requests: list[dict[str, Any]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                request = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append(request)
                if fake.mode == "error":
                    self._send(500, {"error": {"message": "scripted failure", "type": "server"}})
                    return
                if fake.mode == "slow":
                    time.sleep(fake.delay_s)
                self._send(200, fake.completion(request))

            def _send(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def completion(self, request: dict[str, Any]) -> dict[str, Any]:
        tool = (request.get("tools") or [{}])[0].get("function", {})
        arguments = json.dumps(self.answer(request))
        message: dict[str, Any] = {"role": "assistant", "content": None}
        if tool:
            message["tool_calls"] = [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": tool.get("name", "answer"), "arguments": arguments},
                }
            ]
        else:
            message["content"] = arguments
        return {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request.get("model", "fake"),
            "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }

    def __enter__(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
