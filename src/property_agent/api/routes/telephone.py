"""`/voice/telephone`: Twilio's side of a phone call. `POST /voice/telephone/incoming` is the
voice webhook, answered with TwiML that connects the call to our Media Stream;
`WS /voice/telephone/handler` is that stream, one `PhoneCall` per stream."""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl

from fastapi import APIRouter, HTTPException, Request, Response, WebSocket, status
from starlette.datastructures import ImmutableMultiDict

from property_agent.api.deps import CallRecordsDep, PhoneLinesDep, SettingsDep, VoiceDep
from property_agent.config import Settings
from property_agent.telephony.records import redact_number
from property_agent.telephony.signature import SIGNATURE_HEADER, signature_problem, signed_url
from property_agent.telephony.twiml import (
    INCOMING_PATH,
    STREAM_PATH,
    media_stream_twiml,
    public_base_url,
    websocket_url,
)

logger = logging.getLogger(__name__)
router = APIRouter(tags=["telephony"])


@router.post(INCOMING_PATH, response_class=Response)
async def incoming_call(request: Request, settings: SettingsDep) -> Response:
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


@router.websocket(STREAM_PATH)
async def telephone_handler(
    websocket: WebSocket,
    settings: SettingsDep,
    voice: VoiceDep,
    records: CallRecordsDep,
    lines: PhoneLinesDep,
) -> None:
    problem = _signature_problem(websocket, settings)
    if problem is not None:  # not Twilio: nothing is started
        logger.warning("Phone stream refused: %s", problem)
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION, reason="invalid signature")
        return
    if voice is None or lines is None:  # `serve --no-voice`: no engines to answer with
        logger.warning("Phone call refused: the server runs without voice (serve --no-voice)")
        await websocket.close(code=status.WS_1013_TRY_AGAIN_LATER, reason="voice is disabled")
        return
    # Imported here: the voice layer takes seconds to import, and `serve --no-voice` needs none.
    from property_agent.telephony.call import PhoneCall

    await websocket.accept()
    call = PhoneCall(websocket, voice=voice, settings=settings, records=records, lines=lines)
    await call.run()


def _signature_problem(websocket: WebSocket, settings: Settings) -> str | None:
    """Twilio signs the stream's upgrade request like a webhook (the wss URL, no form fields).
    Without the check anyone could open a stream claiming any caller's number and hear that
    caller's conversation resumed; with TWILIO__AUTH_TOKEN unset nothing is checked."""
    token = settings.twilio.auth_token
    if token is None:
        return None
    base = websocket_url(public_base_url(websocket, settings), path="")
    url = signed_url(base, STREAM_PATH, websocket.url.query)
    return signature_problem(
        token.get_secret_value(), url, {}, websocket.headers.get(SIGNATURE_HEADER)
    )
