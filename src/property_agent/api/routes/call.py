"""`POST /call`: dial out through Twilio (API key only)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException

from property_agent.api.deps import SettingsDep, TwilioHttpDep, require_api_key
from property_agent.api.schemas import CallRequest, CallResponse
from property_agent.telephony.outbound import TwilioCallFailed, TwilioNotConfigured, place_call

router = APIRouter(prefix="/call", tags=["telephony"])


@router.post("", response_model=CallResponse, dependencies=[Depends(require_api_key)])
async def make_call(
    body: CallRequest, settings: SettingsDep, http_client: TwilioHttpDep
) -> CallResponse:
    """Place an outbound call through Twilio: when answered, Twilio fetches `voice_agent_url`
    (normally `<PUBLIC_BASE_URL>/voice/telephone/incoming`). Needs `Authorization: Bearer`."""
    try:
        sid = await place_call(
            settings, body.from_number, body.to_number, body.voice_agent_url, http_client
        )
    except TwilioNotConfigured as exc:
        raise HTTPException(status_code=503, detail=str(exc)) from None
    except TwilioCallFailed as exc:
        raise HTTPException(status_code=502, detail=str(exc)) from None
    return CallResponse(sid=sid)
