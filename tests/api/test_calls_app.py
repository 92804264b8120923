"""The telephony routes are served by the app itself, with call records opened beside the
conversation memory."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect
from twilio.request_validator import RequestValidator

from property_agent.agent.runtime import AgentRuntime
from property_agent.api.app import create_app
from property_agent.search.service import PropertySearchService
from property_agent.telephony.record_stores import InMemoryCallRecords
from property_agent.telephony.records import CallRecord, CallTurn
from tests.support.settings import make_settings

pytestmark = [pytest.mark.integration]
SID = "CA" + "0" * 31 + "1"


def test_the_app_serves_twiml_and_the_call_log(search_service: PropertySearchService) -> None:
    settings = make_settings(api={"key": "secret"}, public_base_url="https://agent.example.com")
    runtime = AgentRuntime(settings, search_service)
    loop = asyncio.new_event_loop()
    app = create_app(
        settings, search_service=search_service, agent_runtime=runtime, with_voice=False
    )
    loop.run_until_complete(runtime.start())
    try:
        with TestClient(app) as client:
            twiml = client.post(
                "/voice/telephone/incoming", data={"From": "+34600111222", "CallSid": SID}
            )
            assert twiml.status_code == 200
            assert "wss://agent.example.com/voice/telephone/handler" in twiml.text

            assert client.get("/calls").status_code == 401
            # The app opened the call records itself, beside the (in-process) memory.
            records = app.state.call_records
            assert isinstance(records, InMemoryCallRecords)
            loop.run_until_complete(
                records.start(CallRecord(SID, "phone-x", "+34*****1222", datetime.now(UTC)))
            )
            loop.run_until_complete(records.add_turn(SID, CallTurn("user", "Hola")))
            auth = {"Authorization": "Bearer secret"}
            listed = client.get("/calls", headers=auth).json()["calls"]
            assert [call["call_sid"] for call in listed] == [SID]
            record = client.get(f"/calls/{SID}", headers=auth).json()
            assert record["from"] == "+34*****1222" and record["turns"][0]["text"] == "Hola"
    finally:
        loop.run_until_complete(runtime.aclose())
        loop.close()


def test_the_media_stream_only_opens_for_twilio(search_service: PropertySearchService) -> None:
    """With TWILIO__AUTH_TOKEN set, the stream's upgrade request must carry Twilio's signature
    (over the wss URL): a stranger cannot open a stream claiming a caller's number."""
    token = "twilio-token"
    settings = make_settings(
        twilio={"auth_token": token}, public_base_url="https://agent.example.com"
    )
    runtime = AgentRuntime(settings, search_service)
    loop = asyncio.new_event_loop()
    loop.run_until_complete(runtime.start())
    app = create_app(
        settings, search_service=search_service, agent_runtime=runtime, with_voice=False
    )
    url = "wss://agent.example.com/voice/telephone/handler"
    good = RequestValidator(token).compute_signature(url, {})
    bad = RequestValidator("another-token").compute_signature(url, {})
    try:
        with TestClient(app) as client:
            for headers, code in (({}, 1008), ({"X-Twilio-Signature": bad}, 1008)):
                with (
                    pytest.raises(WebSocketDisconnect) as refused,
                    client.websocket_connect("/voice/telephone/handler", headers=headers) as ws,
                ):
                    ws.receive_text()
                assert refused.value.code == code
            # Signed: past the check; this app serves no voice, so it is refused for that.
            with (
                pytest.raises(WebSocketDisconnect) as no_voice,
                client.websocket_connect(
                    "/voice/telephone/handler", headers={"X-Twilio-Signature": good}
                ) as ws,
            ):
                ws.receive_text()
            assert no_voice.value.code == 1013
    finally:
        loop.run_until_complete(runtime.aclose())
        loop.close()
