"""`WS /voice/telephone/handler`: the Twilio Media Streams websocket, one `PhoneCall` per stream.

Dependencies come from `app.state`: `voice` (the `VoiceStack`), `settings`, `call_records` and
`phone_lines` (created here from the settings if the app did not set one).
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, WebSocket, status

logger = logging.getLogger(__name__)
router = APIRouter(tags=["phone"])


@router.websocket("/voice/telephone/handler")
async def telephone_handler(websocket: WebSocket) -> None:
    state = websocket.app.state
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
