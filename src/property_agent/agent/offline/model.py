"""`OfflinePolicyModel`: the offline dialogue policy as a LangChain chat model.

A real `BaseChatModel` that supports `bind_tools`, so `create_agent` runs exactly the same loop
as with Groq: it answers with text or with a `search_property_tool` call, streaming word by word
so the first sentence is ready before the reply ends.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from pydantic import ConfigDict

from property_agent.agent.offline.policy import OfflinePolicy
from property_agent.agent.offline.replies import Reply, note_for, tool_call_id
from property_agent.agent.tools import TOOL_NAME


class OfflinePolicyModel(BaseChatModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    policy: OfflinePolicy

    @property
    def _llm_type(self) -> str:
        return "offline-policy"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": "offline-policy", "avatar": self.policy.avatar.name}

    def bind_tools(
        self, tools: Sequence[Any], *, tool_choice: Any = None, **kwargs: Any
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """The policy knows its one tool; binding checks it is the one offered."""
        names = {getattr(t, "name", None) or (t.get("name") if isinstance(t, dict) else None)
                 for t in tools}  # fmt: skip
        if TOOL_NAME not in names:
            raise ValueError(f"The offline policy needs {TOOL_NAME}; got {sorted(map(str, names))}")
        return self.bind(**kwargs)

    # -- one-shot --------------------------------------------------------------------------------
    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(
            generations=[ChatGeneration(message=_message(self.policy.reply(messages)))]
        )

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        # The policy embeds the caller's words (~10 ms of CPU): off the event loop.
        reply = await asyncio.to_thread(self.policy.reply, messages)
        return ChatResult(generations=[ChatGeneration(message=_message(reply))])

    # -- streaming -------------------------------------------------------------------------------
    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for chunk in _chunks(self.policy.reply(messages)):
            if run_manager:
                run_manager.on_llm_new_token(chunk.text, chunk=chunk)
            yield chunk

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        reply = await asyncio.to_thread(self.policy.reply, messages)
        for chunk in _chunks(reply):
            if run_manager:
                await run_manager.on_llm_new_token(chunk.text, chunk=chunk)
            yield chunk


def _message(reply: Reply) -> AIMessage:
    calls = []
    if reply.search is not None:
        calls.append(
            {"name": TOOL_NAME, "args": reply.search, "id": tool_call_id(), "type": "tool_call"}
        )
    return AIMessage(content=reply.text, tool_calls=calls, additional_kwargs=note_for(reply))


def _chunks(reply: Reply) -> Iterator[ChatGenerationChunk]:
    """Word-sized chunks like a remote model's token stream; the tool call comes last."""
    message = _message(reply)
    words = re.findall(r"\S+\s*", reply.text)
    for i, word in enumerate(words):
        extra = message.additional_kwargs if i == 0 else {}
        yield ChatGenerationChunk(message=AIMessageChunk(content=word, additional_kwargs=extra))
    if not words and message.additional_kwargs:
        yield ChatGenerationChunk(
            message=AIMessageChunk(content="", additional_kwargs=message.additional_kwargs)
        )
    for index, call in enumerate(message.tool_calls):
        yield ChatGenerationChunk(
            message=AIMessageChunk(
                content="",
                tool_call_chunks=[
                    {"name": call["name"], "args": json.dumps(call["args"]), "id": call["id"],
                     "index": index, "type": "tool_call_chunk"}
                ],
            )
        )  # fmt: skip
