"""Twilio over HTTP: the inbound webhook's TwiML and signature check, and `POST /call`.

Twilio is a paid API and is never called: webhooks are signed here with twilio's own
`RequestValidator`, and outbound calls go to a capturing `twilio.http.HttpClient` or to a local
server speaking Twilio's REST protocol (via TWILIO__API_BASE_URL).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from twilio.http import HttpClient
from twilio.http.response import Response as TwilioResponse
from twilio.request_validator import RequestValidator
from typer.testing import CliRunner

from property_agent.api.deps import get_twilio_http_client
from property_agent.api.routes import call, telephone
from property_agent.cli import app as cli_app
from property_agent.config import Settings
from property_agent.telephony.outbound import place_call
from tests.support.http_server import LocalHTTPServer, Request, Response
from tests.support.settings import ROOT, make_settings

pytestmark = pytest.mark.unit

TOKEN = "0123456789abcdef0123456789abcdef"
ACCOUNT = "AC" + "0" * 32
API_KEY = "test-api-key-123"
PUBLIC = "https://agent.example.com"
INCOMING = "/voice/telephone/incoming"
CALLER = "+34600111222"
CALL_SID = "CA" + "1" * 32
FORM = {"From": CALLER, "To": "+15005550006", "CallSid": CALL_SID, "AccountSid": ACCOUNT}
CALL_BODY = {
    "from_number": "+15005550006",
    "to_number": CALLER,
    "voice_agent_url": PUBLIC + INCOMING,
}
NEW_SID = "CA" + "f" * 32


@pytest.fixture(autouse=True)
def _no_twilio_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """conftest clears the older groups; the telephony ones must not leak in either."""
    for name in list(os.environ):
        if name.upper().startswith(("TWILIO", "TELEPHONY__", "PUBLIC_BASE_URL")):
            monkeypatch.delenv(name)


class CapturingTwilioHttp(HttpClient):
    """What twilio's REST client would send, kept instead of sent; answers with a canned reply."""

    def __init__(self, status: int = 201, body: dict[str, Any] | None = None) -> None:
        super().__init__(logging.getLogger(__name__), is_async=False)
        self.status = status
        self.body = body if body is not None else {"sid": NEW_SID, "status": "queued"}
        self.requests: list[dict[str, Any]] = []
        self.threads: list[threading.Thread] = []

    def request(self, method: str, uri: str, **kwargs: Any) -> TwilioResponse:
        self.requests.append({"method": method, "url": uri, **kwargs})
        self.threads.append(threading.current_thread())
        return TwilioResponse(self.status, json.dumps(self.body))


def twilio_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "api": {"key": API_KEY},
        "twilio": {"account_sid": ACCOUNT, "auth_token": TOKEN},
    }
    values.update(overrides)
    return make_settings(**values)


def make_app(settings: Settings, twilio_http: HttpClient | None = None) -> FastAPI:
    """The Twilio webhook and `POST /call` routers alone, as `create_app` mounts them."""
    app = FastAPI()
    app.state.settings = settings
    app.include_router(telephone.router)
    app.include_router(call.router)
    if twilio_http is not None:
        app.dependency_overrides[get_twilio_http_client] = lambda: twilio_http
    return app


def sign(url: str, params: dict[str, str], token: str = TOKEN) -> str:
    return str(RequestValidator(token).compute_signature(url, params))


def parse_stream(xml: str) -> tuple[str, dict[str, str]]:
    """The `<Stream url>` and its `<Parameter>`s, as Twilio would read them."""
    root = ET.fromstring(xml)
    assert root.tag == "Response"
    stream = root.find("./Connect/Stream")
    assert stream is not None, xml
    params = {p.attrib["name"]: p.attrib["value"] for p in stream.findall("Parameter")}
    return stream.attrib["url"], params


# -- inbound TwiML ---------------------------------------------------------------------------------


def test_twiml_connects_the_stream_at_public_base_url_with_caller_and_call_sid() -> None:
    client = TestClient(make_app(make_settings(public_base_url=PUBLIC)))
    reply = client.post(INCOMING, data=FORM)
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("application/xml")
    url, params = parse_stream(reply.text)
    assert url == "wss://agent.example.com/voice/telephone/handler"
    assert params == {"caller": CALLER, "call_sid": CALL_SID}


def test_http_public_base_with_a_path_streams_over_ws() -> None:
    client = TestClient(make_app(make_settings(public_base_url="http://10.0.0.5:8000/agent/")))
    url, _ = parse_stream(client.post(INCOMING, data=FORM).text)
    assert url == "ws://10.0.0.5:8000/agent/voice/telephone/handler"


def test_stream_host_from_forwarded_headers_behind_a_tunnel() -> None:
    client = TestClient(make_app(make_settings()))
    headers = {"X-Forwarded-Host": "abc.ngrok.app, proxy.internal", "X-Forwarded-Proto": "https"}
    url, _ = parse_stream(client.post(INCOMING, data=FORM, headers=headers).text)
    assert url == "wss://abc.ngrok.app/voice/telephone/handler"


def test_public_base_url_wins_over_forwarded_headers() -> None:
    client = TestClient(make_app(make_settings(public_base_url=PUBLIC)))
    headers = {"X-Forwarded-Host": "evil.example.net", "X-Forwarded-Proto": "http"}
    url, _ = parse_stream(client.post(INCOMING, data=FORM, headers=headers).text)
    assert url == "wss://agent.example.com/voice/telephone/handler"


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("http://testserver", "ws://testserver/voice/telephone/handler"),
        ("https://voice.local:8443", "wss://voice.local:8443/voice/telephone/handler"),
    ],
)
def test_stream_host_from_the_request_itself(base_url: str, expected: str) -> None:
    client = TestClient(make_app(make_settings()), base_url=base_url)
    url, _ = parse_stream(client.post(INCOMING, data=FORM).text)
    assert url == expected


def test_a_malformed_forwarded_host_is_ignored() -> None:
    client = TestClient(make_app(make_settings()))
    headers = {"X-Forwarded-Host": 'evil"/><Hangup/>', "X-Forwarded-Proto": "gopher"}
    url, _ = parse_stream(client.post(INCOMING, data=FORM, headers=headers).text)
    assert url == "ws://testserver/voice/telephone/handler"


def test_parameters_are_xml_escaped() -> None:
    client = TestClient(make_app(make_settings(public_base_url=PUBLIC)))
    caller = "+346<0&0>\"'</Stream><Hangup/>"
    reply = client.post(INCOMING, data={**FORM, "From": caller})
    assert "<Hangup" not in reply.text
    assert "&lt;" in reply.text and "&amp;" in reply.text
    _, params = parse_stream(reply.text)
    assert params["caller"] == caller  # Twilio reads back exactly what was sent


def test_missing_caller_is_left_out_not_sent_empty() -> None:
    client = TestClient(make_app(make_settings(public_base_url=PUBLIC)))
    _, params = parse_stream(client.post(INCOMING, data={"CallSid": CALL_SID}).text)
    assert params == {"call_sid": CALL_SID}


# -- webhook signature -----------------------------------------------------------------------------


def signed_client(**overrides: Any) -> TestClient:
    settings = make_settings(twilio={"auth_token": TOKEN}, **overrides)
    return TestClient(make_app(settings))


def test_valid_signature_is_accepted() -> None:
    client = signed_client(public_base_url=PUBLIC)
    signature = sign(PUBLIC + INCOMING, FORM)
    reply = client.post(INCOMING, data=FORM, headers={"X-Twilio-Signature": signature})
    assert reply.status_code == 200, reply.text
    assert parse_stream(reply.text)[1]["call_sid"] == CALL_SID


def test_valid_signature_covers_the_query_string() -> None:
    client = signed_client(public_base_url=PUBLIC)
    path = INCOMING + "?lang=es&agent=tara"
    signature = sign(PUBLIC + path, FORM)
    assert client.post(path, data=FORM, headers={"X-Twilio-Signature": signature}).is_success
    other = client.post(
        INCOMING + "?lang=en&agent=tara", data=FORM, headers={"X-Twilio-Signature": signature}
    )
    assert other.status_code == 403


def test_signature_is_checked_against_the_forwarded_public_url() -> None:
    client = signed_client()
    headers = {
        "X-Forwarded-Host": "abc.ngrok.app",
        "X-Forwarded-Proto": "https",
        "X-Twilio-Signature": sign("https://abc.ngrok.app" + INCOMING, FORM),
    }
    assert client.post(INCOMING, data=FORM, headers=headers).status_code == 200


def test_tampered_params_are_rejected() -> None:
    client = signed_client(public_base_url=PUBLIC)
    signature = sign(PUBLIC + INCOMING, FORM)
    tampered = {**FORM, "From": "+34911000000"}
    reply = client.post(INCOMING, data=tampered, headers={"X-Twilio-Signature": signature})
    assert reply.status_code == 403
    assert "Invalid X-Twilio-Signature" in reply.json()["detail"]
    assert "<Stream" not in reply.text


def test_missing_signature_is_rejected() -> None:
    reply = signed_client(public_base_url=PUBLIC).post(INCOMING, data=FORM)
    assert reply.status_code == 403
    assert "Missing X-Twilio-Signature" in reply.json()["detail"]


def test_signature_for_another_host_is_rejected() -> None:
    client = signed_client(public_base_url=PUBLIC)
    signature = sign("https://someone-else.example.com" + INCOMING, FORM)
    reply = client.post(INCOMING, data=FORM, headers={"X-Twilio-Signature": signature})
    assert reply.status_code == 403
    assert "PUBLIC_BASE_URL" in reply.json()["detail"]  # says what to check
    assert TOKEN not in reply.text


def test_signature_with_another_token_is_rejected() -> None:
    client = signed_client(public_base_url=PUBLIC)
    signature = sign(PUBLIC + INCOMING, FORM, token="f" * 32)
    reply = client.post(INCOMING, data=FORM, headers={"X-Twilio-Signature": signature})
    assert reply.status_code == 403


def test_without_auth_token_webhooks_are_accepted_unsigned() -> None:
    client = TestClient(make_app(make_settings(public_base_url=PUBLIC)))
    assert client.post(INCOMING, data=FORM).status_code == 200


# -- outbound: POST /call --------------------------------------------------------------------------

AUTH = {"Authorization": f"Bearer {API_KEY}"}


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong-key"}])
def test_call_without_the_right_bearer_is_401_and_dials_nothing(headers: dict[str, str]) -> None:
    twilio = CapturingTwilioHttp()
    client = TestClient(make_app(twilio_settings(), twilio))
    reply = client.post("/call", json=CALL_BODY, headers=headers)
    assert reply.status_code == 401
    assert "API__KEY" in reply.json()["detail"]
    assert twilio.requests == []


def test_call_is_closed_when_api_key_is_unset() -> None:
    twilio = CapturingTwilioHttp()
    client = TestClient(make_app(twilio_settings(api={}), twilio))
    reply = client.post("/call", json=CALL_BODY, headers=AUTH)
    assert reply.status_code == 503
    assert "API__KEY" in reply.json()["detail"]
    assert twilio.requests == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("to_number", "600111222"),
        ("to_number", "+34 600 111 222"),
        ("to_number", "+0600111222"),
        ("from_number", "call me"),
        ("from_number", 34600111222),
        ("voice_agent_url", "ftp://agent.example.com/voice"),
        ("voice_agent_url", "agent.example.com/voice/telephone/incoming"),
    ],
)
def test_call_validates_numbers_and_url(field: str, value: object) -> None:
    twilio = CapturingTwilioHttp()
    client = TestClient(make_app(twilio_settings(), twilio))
    reply = client.post("/call", json={**CALL_BODY, field: value}, headers=AUTH)
    assert reply.status_code == 422
    assert field in json.dumps(reply.json())
    assert twilio.requests == []


def test_call_rejects_unknown_fields() -> None:
    client = TestClient(make_app(twilio_settings(), CapturingTwilioHttp()))
    reply = client.post("/call", json={**CALL_BODY, "record": True}, headers=AUTH)
    assert reply.status_code == 422


@pytest.mark.parametrize(
    ("twilio", "missing"),
    [
        ({}, ["TWILIO__ACCOUNT_SID", "TWILIO__AUTH_TOKEN"]),
        ({"account_sid": ACCOUNT}, ["TWILIO__AUTH_TOKEN"]),
        ({"auth_token": TOKEN}, ["TWILIO__ACCOUNT_SID"]),
    ],
)
def test_call_without_twilio_credentials_is_503_naming_them(
    twilio: dict[str, str], missing: list[str]
) -> None:
    capture = CapturingTwilioHttp()
    client = TestClient(make_app(twilio_settings(twilio=twilio), capture))
    reply = client.post("/call", json=CALL_BODY, headers=AUTH)
    assert reply.status_code == 503
    detail = reply.json()["detail"]
    for name in ("TWILIO__ACCOUNT_SID", "TWILIO__AUTH_TOKEN"):
        assert (name in detail) == (name in missing)
    assert capture.requests == []


def test_call_sends_twilios_create_call_request_and_returns_the_sid() -> None:
    twilio = CapturingTwilioHttp()
    client = TestClient(make_app(twilio_settings(), twilio))
    reply = client.post("/call", json=CALL_BODY, headers=AUTH)
    assert reply.status_code == 200, reply.text
    assert reply.json() == {"sid": NEW_SID}
    [sent] = twilio.requests
    assert sent["method"] == "POST"
    assert sent["url"] == f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Calls.json"
    assert sent["data"] == {"To": CALLER, "From": "+15005550006", "Url": PUBLIC + INCOMING}
    assert sent["auth"] == (ACCOUNT, TOKEN)
    assert sent["headers"]["Content-Type"] == "application/x-www-form-urlencoded"


def test_call_honours_twilio_api_base_url() -> None:
    twilio = CapturingTwilioHttp()
    settings = twilio_settings(
        twilio={"account_sid": ACCOUNT, "auth_token": TOKEN, "api_base_url": "http://fake:9/"}
    )
    client = TestClient(make_app(settings, twilio))
    assert client.post("/call", json=CALL_BODY, headers=AUTH).status_code == 200
    assert twilio.requests[0]["url"] == f"http://fake:9/2010-04-01/Accounts/{ACCOUNT}/Calls.json"


def test_twilio_error_is_502_with_twilios_message_and_no_secret() -> None:
    twilio = CapturingTwilioHttp(
        400,
        {
            "code": 21211,
            "message": "The 'To' number +34600111222 is not a valid phone number.",
            "more_info": "https://www.twilio.com/docs/errors/21211",
            "status": 400,
        },
    )
    client = TestClient(make_app(twilio_settings(), twilio))
    reply = client.post("/call", json=CALL_BODY, headers=AUTH)
    assert reply.status_code == 502
    detail = reply.json()["detail"]
    assert "is not a valid phone number" in detail and "HTTP 400" in detail
    assert TOKEN not in reply.text


def test_unreachable_twilio_is_502_naming_where() -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    settings = twilio_settings(
        twilio={"account_sid": ACCOUNT, "auth_token": TOKEN, "api_base_url": base}
    )
    reply = TestClient(make_app(settings)).post("/call", json=CALL_BODY, headers=AUTH)
    assert reply.status_code == 502
    assert f"Cannot reach Twilio at {base}" in reply.json()["detail"]


async def test_place_call_runs_twilios_blocking_client_off_the_event_loop() -> None:
    twilio = CapturingTwilioHttp()
    sid = await place_call(twilio_settings(), "+15005550006", CALLER, PUBLIC + INCOMING, twilio)
    assert sid == NEW_SID
    assert twilio.threads[0] is not threading.current_thread()


# -- `property-agent call` against a running server ------------------------------------------------


class FakeTwilioServer(LocalHTTPServer):
    """Twilio's `Calls.json` endpoint on localhost: records each request, answers 201."""

    @property
    def base_url(self) -> str:
        return self.url

    @property
    def requests(self) -> list[dict[str, Any]]:
        return [
            {
                "path": r.path,
                "form": parse_qs(r.body.decode()),
                "auth": r.headers.get("authorization"),
            }
            for r in self.recorded
        ]

    def respond(self, request: Request) -> Response:
        return Response.json({"sid": NEW_SID, "status": "queued"}, 201)


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """Run `app` with uvicorn on a free port in a thread; yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(5)
        sock.close()


@pytest.fixture(scope="module")
def live() -> Iterator[tuple[str, FakeTwilioServer]]:
    twilio = FakeTwilioServer()
    settings = twilio_settings(
        twilio={"account_sid": ACCOUNT, "auth_token": TOKEN, "api_base_url": twilio.base_url}
    )
    with serve(make_app(settings)) as url:
        yield url, twilio
    twilio.close()


def test_cli_call_prints_the_sid(live: tuple[str, FakeTwilioServer]) -> None:
    server, twilio = live
    args = ["call", "--to", CALLER, "--from", "+15005550006", "--url", PUBLIC + INCOMING]
    result = CliRunner().invoke(cli_app, [*args, "--server", server, "--api-key", API_KEY])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == NEW_SID
    sent = twilio.requests[-1]
    assert sent["path"] == f"/2010-04-01/Accounts/{ACCOUNT}/Calls.json"
    assert sent["form"] == {"To": [CALLER], "From": ["+15005550006"], "Url": [PUBLIC + INCOMING]}
    assert sent["auth"] == "Basic " + base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode()


def test_cli_call_defaults_to_public_base_url_and_api_key_from_env(
    live: tuple[str, FakeTwilioServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, twilio = live
    monkeypatch.setenv("API__KEY", API_KEY)
    monkeypatch.setenv("PUBLIC_BASE_URL", PUBLIC)
    args = ["call", "--to", CALLER, "--from", "+15005550006", "--server", server]
    result = CliRunner().invoke(cli_app, args)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == NEW_SID
    assert twilio.requests[-1]["form"]["Url"] == [PUBLIC + INCOMING]


def test_cli_call_reports_the_servers_reason(live: tuple[str, FakeTwilioServer]) -> None:
    server, _ = live
    args = ["call", "--to", "600111222", "--from", "+15005550006", "--url", PUBLIC + INCOMING]
    result = CliRunner().invoke(cli_app, [*args, "--server", server, "--api-key", API_KEY])
    assert result.exit_code == 1
    assert "422" in result.output and "E.164" in result.output
    wrong = CliRunner().invoke(cli_app, [*args, "--server", server, "--api-key", "nope"])
    assert wrong.exit_code == 1 and "401" in wrong.output


def test_cli_call_needs_an_api_key() -> None:
    args = ["call", "--to", CALLER, "--from", "+15005550006", "--url", PUBLIC + INCOMING]
    result = CliRunner().invoke(cli_app, args)
    assert result.exit_code == 2
    assert "API__KEY" in result.output


@pytest.mark.slow
def test_make_outbound_call_script(live: tuple[str, FakeTwilioServer], tmp_path: Path) -> None:
    server, _ = live
    script = ROOT / "scripts" / "make_outbound_call.py"
    args = ["--to", CALLER, "--from", "+15005550006", "--url", PUBLIC + INCOMING]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("API__", "TWILIO"))}
    done = subprocess.run(
        [sys.executable, str(script), *args, "--server", server, "--api-key", API_KEY],
        cwd=tmp_path,  # no developer .env
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == NEW_SID
