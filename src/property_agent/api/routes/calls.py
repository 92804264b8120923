"""`GET /calls` and `GET /calls/{call_sid}`: what the agency reads after a call (API key only).

The store is kept with the conversation memory (`MEMORY__BACKEND`), opened in the app's lifespan.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from property_agent.api.deps import CallRecordsDep, SettingsDep, require_api_key

router = APIRouter(prefix="/calls", tags=["calls"], dependencies=[Depends(require_api_key)])

CALL_SID_PATTERN = r"^CA[0-9a-fA-F]{32}$"
IsoTime = Annotated[str, Field(description="ISO 8601 with its UTC offset")]


class CallTurnOut(BaseModel):
    """One line of the call; agent turns may add `interrupted`, tool turns their details."""

    model_config = ConfigDict(extra="allow")

    role: Literal["user", "agent", "tool"]
    text: str
    at: IsoTime


class CallSummary(BaseModel):
    call_sid: str
    thread_id: str
    caller: str = Field(alias="from", description="Redacted, e.g. +34*****1222")
    started_at: IsoTime
    ended_at: IsoTime | None
    outcome: str


class CallListItem(CallSummary):
    turn_count: int


class CallList(BaseModel):
    calls: list[CallListItem]


class CallDetail(CallSummary):
    turns: list[CallTurnOut]


@router.get("", response_model=CallList)
async def list_calls(
    records: CallRecordsDep,
    settings: SettingsDep,
    limit: Annotated[
        int | None,
        Query(ge=1, le=1000, description="How many calls (default TELEPHONY__RECORDS_LIMIT)"),
    ] = None,
) -> dict[str, Any]:
    """The latest calls first, without their turns."""
    calls = await records.recent(limit or settings.telephony.records_limit)
    return {
        "calls": [
            {**call.as_json(with_turns=False), "turn_count": len(call.turns)} for call in calls
        ]
    }


@router.get("/{call_sid}", response_model=CallDetail)
async def get_call(
    call_sid: Annotated[
        str, Path(pattern=CALL_SID_PATTERN, description="Twilio CallSid: CA + 32 hex digits")
    ],
    records: CallRecordsDep,
) -> dict[str, Any]:
    """One call with every turn: what the caller said, what they heard, the searches run."""
    record = await records.get(call_sid)
    if record is None:
        raise HTTPException(
            status_code=404,
            detail=f"No record of call {call_sid}: it did not reach this agent or is older "
            "than MEMORY__TTL_HOURS.",
        )
    return record.as_json()
