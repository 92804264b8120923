"""Test doubles. External HTTP services are faked as real local servers speaking their protocol."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar

import numpy as np
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from numpy.typing import NDArray
from pydantic import ConfigDict, Field

from property_agent.voice.audio import STT_RATE
from property_agent.voice.stt.base import STT, Audio
from property_agent.voice.tts.base import TTS, AudioChunk
from property_agent.voice.turn_model import SmartTurnModel
from tests.support.http_server import LocalHTTPServer, Request, Response, ScriptedHTTPServer

Answer = Callable[[dict[str, Any]], dict[str, Any]]


class FakeOpenAIServer(ScriptedHTTPServer):
    """An OpenAI-compatible `/v1/chat/completions` endpoint on localhost.

    `answer(request) -> tool arguments` scripts what the "LLM" extracts; `mode` switches to
    failures: "error" (HTTP 500) or "slow" (answers after `delay_s`).
    """

    failure: ClassVar[dict[str, Any]] = {"error": {"message": "scripted failure", "type": "server"}}

    def __init__(self, answer: Answer, mode: str = "ok", delay_s: float = 5.0) -> None:
        super().__init__(mode, delay_s)
        self.answer = answer

    @property
    def requests(self) -> list[dict[str, Any]]:
        return [request.json() for request in self.recorded]

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    def reply(self, request: Request) -> Response:
        return Response.json(self.completion(request.json()))

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


class FakeOpikServer(LocalHTTPServer):
    """The Opik REST API on localhost, accepting every write (`paths` records what was sent)."""

    @property
    def paths(self) -> list[str]:
        return [request.path for request in self.recorded]

    @property
    def url(self) -> str:
        return f"{super().url}/api/"

    def respond(self, request: Request) -> Response:
        return Response.json({}) if request.method == "GET" else Response(204)


@contextmanager
def fake_opik() -> Iterator[FakeOpikServer]:
    """A `FakeOpikServer`, with the SDK's global client (the one `OpikTracer`, our voice tracing
    and `opik.record_traces_locally()` use) pointed at it for the duration."""
    import opik
    from opik.api_objects.opik_client import get_current_client_raw, reset_global_client

    previous = get_current_client_raw()
    with FakeOpikServer() as server:
        client = opik.Opik(host=server.url, project_name="property-phone-agent")
        opik.set_global_client(client)
        try:
            yield server
        finally:
            client.end()  # joins the SDK threads before the server goes away
            if previous is None:
                reset_global_client(end_client=False)
            else:
                opik.set_global_client(previous)


# -- voice ----------------------------------------------------------------------------------------
class FakeSTT(STT):
    """Hears `transcript` in whatever audio it is given, silence included (`heard` records the
    audio as the base hands it over: 16 kHz mono float32)."""

    name = "fake-stt"

    def __init__(self, transcript: str) -> None:
        self.transcript = transcript
        self.heard: list[Audio] = []

    def _too_quiet(self, samples: NDArray[np.float32]) -> bool:
        return False

    async def _transcribe(self, samples: NDArray[np.float32]) -> str:
        self.heard.append((STT_RATE, samples))
        return self.transcript


class FakeTTS(TTS):
    """Speaks any text as `chunks` pieces of silence, `chunk_s` seconds each (`said` records it)."""

    name = "fake-tts"

    def __init__(self, chunks: int = 2, chunk_s: float = 0.05, rate: int = 16_000) -> None:
        self.chunks = chunks
        self.chunk_s = chunk_s
        self.rate = rate
        self.said: list[str] = []

    @property
    def sample_rate(self) -> int:
        return self.rate

    async def _synthesize(self, text: str, voice: str | None) -> AsyncIterator[AudioChunk]:
        self.said.append(text)
        for _ in range(self.chunks):
            await asyncio.sleep(0)
            yield self.rate, np.zeros(round(self.chunk_s * self.rate), dtype=np.int16)


class ScriptedTurnModel(SmartTurnModel):
    """The Smart Turn model's interface with a fixed verdict (no ONNX session), recording the
    thread and the audio of each call: tests of what the detector does with a verdict."""

    def __init__(self, complete: bool, delay_s: float = 0.0) -> None:  # no super(): no model
        self.complete = complete
        self.delay_s = delay_s
        self.calls: list[tuple[str, int]] = []  # (thread name, samples heard)

    def probability(self, audio: NDArray[np.float32]) -> float:
        import threading

        self.calls.append((threading.current_thread().name, audio.size))
        time.sleep(self.delay_s)
        return 1.0 if self.complete else 0.0
