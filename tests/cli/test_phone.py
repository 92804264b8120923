"""`property-agent phone`: the phone simulator rings the real app (`create_app`, served by uvicorn
on localhost) over Twilio's Media Streams protocol, turn by turn, and prints what the avatar said
(from the call record) and how soon each answer started. The command runs in a worker thread, as
in a terminal; the server runs on the test's event loop."""

from __future__ import annotations

import asyncio
import re
import socket
import wave
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from click.testing import Result
from fastapi import FastAPI
from typer.testing import CliRunner

from property_agent.api.app import create_app
from property_agent.cli import app
from property_agent.config import Settings
from property_agent.search.service import PropertySearchService
from property_agent.voice.stack import VoiceStack
from tests.support.audio import espeak_wav, needs_espeak
from tests.support.fakes import FakeSTT, FakeTTS
from tests.support.local_server import LocalServer
from tests.support.settings import make_settings

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]
runner = CliRunner()
API_KEY = "phone-cli-key"
HEARD = "Two bedrooms in Retiro please"  # what the fake STT hears in every utterance
FIRST_AUDIO = re.compile(r"first audio (\d+\.\d\d) s")


async def phone(*args: str) -> Result:
    """`property-agent phone …` in a worker thread (it runs its own event loop)."""
    return await asyncio.to_thread(runner.invoke, app, ["phone", *args])


def with_fake_voice(settings: Settings, search_service: PropertySearchService) -> FastAPI:
    """The real app and its own agent (started by its lifespan), behind voice engines that hear
    `HEARD` in any utterance and speak 0.4 s of silence a sentence: fast, and what was said is
    still in the call record."""
    api = create_app(settings, search_service=search_service, with_voice=False)
    tts = FakeTTS(chunks=2, chunk_s=0.2)
    api.state.voice = VoiceStack(settings, api.state.agent_runtime, stt=FakeSTT(HEARD), tts=tts)
    return api


@pytest.fixture(scope="module")
async def fake_voice_app(search_service: PropertySearchService) -> AsyncIterator[LocalServer]:
    settings = make_settings(api={"key": API_KEY})
    async with LocalServer(with_fake_voice(settings, search_service), lifespan="on") as server:
        yield server


# -- the command against the real app -------------------------------------------------------------
@needs_espeak
async def test_each_turn_is_said_in_order_and_the_answers_printed_from_the_record(
    fake_voice_app: LocalServer, tmp_path: Path
) -> None:
    request = espeak_wav(tmp_path, "I would like two bedrooms in Retiro")
    saved = tmp_path / "heard.wav"

    result = await phone(
        "--server", fake_voice_app.http_url, "--api-key", API_KEY,
        "--say", "Two bedrooms in Retiro please", "--wav", str(request), "--say", "Thank you",
        "--save", str(saved),
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    out = result.stdout
    timings = [line for line in out.splitlines() if FIRST_AUDIO.search(line)]
    assert len(timings) == 4, out  # the greeting and three turns, each answered
    assert timings[0].startswith("greeting")
    assert timings[1].startswith("turn 1 you: Two bedrooms in Retiro please")
    assert timings[2].startswith("turn 2 you: request.wav")
    assert timings[3].startswith("turn 3 you: Thank you")
    for line in timings[1:]:  # end of speech → answer: the end-of-turn wait, then a sentence
        assert 0.2 < float(FIRST_AUDIO.search(line).group(1)) < 10, line  # type: ignore[union-attr]
    # What the avatar said, under the turn that it answered.
    runtime = fake_voice_app.app.state.agent_runtime
    greeting, first_turn = (
        out.split("turn 1 you:")[0],
        out.split("turn 1 you:")[1].split("turn 2")[0],
    )
    assert f"avatar: {runtime.avatar.intro}" in " ".join(greeting.split())
    assert f"heard as: {HEARD}" in first_turn
    assert "searched" in first_turn and "listing(s)" in first_turn
    answer = [line for line in first_turn.splitlines() if line.strip().startswith("avatar:")]
    assert answer and any("Retiro" in line for line in answer), first_turn
    assert out.count(f"heard as: {HEARD}") == 3
    # The avatar's audio, as heard: the greeting and every answer (0.4 s of speech a sentence).
    with wave.open(str(saved)) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (8000, 1, 2)
        assert wav.getnframes() / 8000 >= 4 * 0.4
    assert f"to {saved}" in out


async def test_without_an_api_key_it_says_how_to_see_what_the_avatar_said(
    fake_voice_app: LocalServer,
) -> None:
    result = await phone("--server", fake_voice_app.http_url, "--say", "Hello")

    assert result.exit_code == 0, result.output
    assert len(FIRST_AUDIO.findall(result.stdout)) == 2
    assert "avatar:" not in result.stdout
    assert "--api-key" in result.stdout and "API__KEY" in result.stdout
    assert re.search(r"GET /calls/CA[0-9a-f]{32}", result.stdout)


async def test_a_wrong_api_key_still_prints_the_timings_and_says_what_failed(
    fake_voice_app: LocalServer,
) -> None:
    result = await phone("--server", fake_voice_app.http_url, "--say", "Hello", "--api-key", "no")

    assert result.exit_code == 0, result.output
    assert len(FIRST_AUDIO.findall(result.stdout)) == 2
    assert "Could not read the call record" in result.output and "401" in result.output


async def test_a_server_checking_twilio_signatures_takes_a_call_signed_with_its_token(
    search_service: PropertySearchService, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(twilio={"auth_token": "the-token"})
    async with LocalServer(with_fake_voice(settings, search_service), lifespan="on") as server:
        monkeypatch.setenv("TWILIO__AUTH_TOKEN", "another-token")
        refused = await phone("--server", server.http_url, "--say", "Hello")
        monkeypatch.setenv("TWILIO__AUTH_TOKEN", "the-token")
        signed = await phone("--server", server.http_url, "--say", "Hello")

    assert refused.exit_code == 1
    assert "did not match" in refused.output and "TWILIO__AUTH_TOKEN" in refused.output
    assert signed.exit_code == 0, signed.output
    assert len(FIRST_AUDIO.findall(signed.stdout)) == 2


# -- clear errors ---------------------------------------------------------------------------------
async def test_no_server_there_names_the_url_and_the_command_to_start() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"

    result = await phone("--server", url, "--say", "Hello")

    assert result.exit_code == 1
    assert (
        "Cannot reach the phone line" in result.output and url.removeprefix("http") in result.output
    )
    assert "make run" in result.output


async def test_a_url_that_is_not_the_api_root_says_so(fake_voice_app: LocalServer) -> None:
    result = await phone("--server", fake_voice_app.http_url + "/docs", "--say", "Hello")

    assert result.exit_code == 1
    assert "is not the agent's API" in result.output and "http://127.0.0.1:8000" in result.output


async def test_a_server_without_voice_refuses_and_says_why(
    search_service: PropertySearchService,
) -> None:
    api = create_app(make_settings(), search_service=search_service, with_voice=False)
    async with LocalServer(api, lifespan="on") as server:
        result = await phone("--server", server.http_url, "--say", "Hello")

    assert result.exit_code == 1
    assert "--no-voice" in result.output and "TWILIO__AUTH_TOKEN" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "--say TEXT or --wav FILE"),
        (["--server", "localhost:8000", "--say", "Hi"], "http://127.0.0.1:8000"),
        (["--server", "http://127.0.0.1:1", "--wav", "missing.wav"], "missing.wav: no such file"),
    ],
)
async def test_bad_input_is_a_usage_error_before_dialling(args: list[str], message: str) -> None:
    result = await phone(*args)

    assert result.exit_code == 2
    assert message in result.output
