"""Twilio voice: the inbound webhook that connects a call to our Media Stream, and `POST /call`
to dial out."""

from __future__ import annotations

import logging
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from starlette.datastructures import ImmutableMultiDict
from twilio.http import HttpClient

from property_agent.api.deps import get_settings, require_api_key
from property_agent.api.schemas import CallRequest, CallResponse
from property_agent.config import Settings
from property_agent.telephony.outbound import TwilioCallFailed, TwilioNotConfigured, place_call
from property_agent.telephony.records import redact_number
from property_agent.telephony.signature import SIGNATURE_HEADER, signature_problem, signed_url
from property_agent.telephony.twiml import (
    INCOMING_PATH,
    media_stream_twiml,
    public_base_url,
    websocket_url,
)

logger = logging.getLogger(__name__)
router = APIRouter(tags=["telephony"])


def get_twilio_http_client() -> HttpClient | None:
    """The HTTP client twilio's REST client uses; None is twilio's own. Tests override it."""
    return None


@router.post(INCOMING_PATH, response_class=Response)
async def incoming_call(
    request: Request, settings: Annotated[Settings, Depends(get_settings)]
) -> Response:
    """Twilio's voice webhook: answer with TwiML that streams the call to our handler, passing
    the caller's number and the CallSid. With TWILIO__AUTH_TOKEN set, unsigned requests get 403.
    """
    # Twilio posts application/x-www-form-urlencoded; parsing it here needs no multipart extra.
    body = (await request.body()).decode("utf-8", errors="replace")
    form: ImmutableMultiDict[str, str] = ImmutableMultiDict(parse_qsl(body, keep_blank_values=True))
    base = public_base_url(request, settings)
    token = settings.twilio.auth_token
    if token is not None:
        url = signed_url(base, request.url.path, request.url.query)
        problem = signature_problem(
            token.get_secret_value(), url, form, request.headers.get(SIGNATURE_HEADER)
        )
        if problem:
            logger.warning("Rejected voice webhook: %s", problem)
            raise HTTPException(status_code=403, detail=problem)
    else:
        logger.debug("TWILIO__AUTH_TOKEN is unset: voice webhook signatures are not checked")
    caller, call_sid = form.get("From") or None, form.get("CallSid") or None
    logger.info("Incoming call %s from %s", call_sid, redact_number(caller))
    twiml = media_stream_twiml(websocket_url(base), caller, call_sid)
    return Response(twiml, media_type="application/xml")


@router.post("/call", response_model=CallResponse, dependencies=[Depends(require_api_key)])
async def make_call(
    body: CallRequest,
    settings: Annotated[Settings, Depends(get_settings)],
    http_client: Annotated[HttpClient | None, Depends(get_twilio_http_client)],
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
