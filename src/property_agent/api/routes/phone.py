"""`WS /voice/telephone/handler`: the Twilio Media Streams websocket, one `PhoneCall` per stream.

Dependencies come from `app.state`: `voice` (the `VoiceStack`), `settings`, `call_records` and
`phone_lines` (created here from the settings if the app did not set one).
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, WebSocket, status

from property_agent.config import Settings
from property_agent.telephony.signature import SIGNATURE_HEADER, signature_problem, signed_url
from property_agent.telephony.twiml import STREAM_PATH, public_base_url, websocket_url

logger = logging.getLogger(__name__)
router = APIRouter(tags=["phone"])


@router.websocket("/voice/telephone/handler")
async def telephone_handler(websocket: WebSocket) -> None:
    state = websocket.app.state
    problem = _signature_problem(websocket, state.settings)
    if problem is not None:  # not Twilio: nothing is started
        logger.warning("Phone stream refused: %s", problem)
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION, reason="invalid signature")
        return
    if getattr(state, "voice", None) is None:  # `serve --no-voice`: no engines to answer with
        logger.warning("Phone call refused: the server runs without voice (serve --no-voice)")
        await websocket.close(code=status.WS_1013_TRY_AGAIN_LATER, reason="voice is disabled")
        return
    # Imported here: the voice layer takes seconds to import, and `serve --no-voice` needs none.
    from property_agent.telephony.call import PhoneCall
    from property_agent.telephony.lines import PhoneLines

    await websocket.accept()
    lines = getattr(state, "phone_lines", None)
    if lines is None:  # one counter per app, made on the first call
        lines = state.phone_lines = PhoneLines(state.settings.telephony.max_calls)
    call = PhoneCall(
        websocket,
        voice=state.voice,
        settings=state.settings,
        records=state.call_records,
        lines=lines,
    )
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
