"""`GET /avatars`: the avatars a conversation can have (the page's picker, `chat --avatar`)."""

from __future__ import annotations

from fastapi import APIRouter

from property_agent.api.deps import RuntimeDep
from property_agent.api.schemas import AvatarOut, AvatarsResponse

router = APIRouter(tags=["agent"])


@router.get("/avatars", response_model=AvatarsResponse)
async def avatars(runtime: RuntimeDep) -> AvatarsResponse:
    """Every avatar, the configured one first; `key` is what `POST /agent/chat` takes."""
    listed = [
        AvatarOut(key=key, name=a.name, description=a.description)
        for key, a in runtime.avatars.items()
    ]
    return AvatarsResponse(default=listed[0].key, avatars=listed)
