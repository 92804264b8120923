"""`POST /agent/chat`: talk to an avatar by text; `GET /agent/chat/{thread_id}`: the transcript."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from property_agent.api.deps import RuntimeDep
from property_agent.api.schemas import (
    ChatRequest,
    ChatResponse,
    ThreadId,
    ToolCallOut,
    TranscriptEntry,
    TranscriptResponse,
)

router = APIRouter(prefix="/agent", tags=["agent"])


@router.post("/chat", response_model=ChatResponse)
async def chat(body: ChatRequest, runtime: RuntimeDep) -> ChatResponse:
    """One turn of the conversation `thread_id` (the same id resumes it), with `avatar` (one of
    `GET /avatars`; the configured one when left out)."""
    turn = await runtime.conversation(body.thread_id, body.avatar).reply(body.message)
    return ChatResponse(
        reply=turn.text,
        tool_calls=[ToolCallOut(name=c.name, args=c.args) for c in turn.tool_calls],
        thread_id=body.thread_id,
        fallback=turn.fallback,
    )


@router.get("/chat/{thread_id}", response_model=TranscriptResponse)
async def transcript(
    thread_id: Annotated[ThreadId, Path()], runtime: RuntimeDep
) -> TranscriptResponse:
    """Every turn so far, with searches, result counts, times and stage latencies."""
    turns = await runtime.conversation(thread_id).transcript()
    return TranscriptResponse(
        thread_id=thread_id, turns=[TranscriptEntry.model_validate(t) for t in turns]
    )
