"""Test doubles. External HTTP services are faked as real local servers speaking their protocol."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import ConfigDict, Field

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


# -- chat models ----------------------------------------------------------------------------------
# A step: str (say it) | dict (a tool call's args) | Exception (raise it) | float (sleep first).
Step = Any


class ScriptedChatModel(BaseChatModel):
    """A remote chat model stand-in that plays a script, one step per model call.

    Steps: a string is said; `{"query": …}` is a `search_property_tool` call; an exception is
    raised (as a provider error would be); a float sleeps that long first (a slow provider).
    `calls` records the messages each call received.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    script: list[Step]
    calls: list[list[BaseMessage]] = Field(default_factory=list)
    position: int = 0

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> Any:
        return self

    def _next(self) -> Step:
        if self.position >= len(self.script):
            return "That is all I have."
        step = self.script[self.position]
        self.position += 1
        return step

    def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> ChatResult:
        raise NotImplementedError("ScriptedChatModel is async only")

    async def _agenerate(
        self, messages: list[BaseMessage], *args: Any, **kwargs: Any
    ) -> ChatResult:
        self.calls.append(list(messages))
        step = self._next()
        while isinstance(step, float):
            await asyncio.sleep(step)
            step = self._next()
        if isinstance(step, Exception):
            raise step
        if isinstance(step, dict):
            message = AIMessage(
                content="",
                tool_calls=[
                    {
                        "name": "search_property_tool",
                        "args": step,
                        "id": f"call_{self.position}",
                        "type": "tool_call",
                    }
                ],
            )
        else:
            message = AIMessage(content=str(step))
        return ChatResult(generations=[ChatGeneration(message=message)])
