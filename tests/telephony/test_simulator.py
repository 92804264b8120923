"""The phone simulator's pieces that need no server: where a `--server` URL leads, and what a
caller's WAV file becomes on the line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.io import wavfile

from property_agent.telephony.simulator.dial import api_url, stream_url, twilio_signature
from property_agent.telephony.simulator.voice import CallerAudioError, read_wav
from tests.support.audio import espeak_wav, needs_espeak, rms

pytestmark = [pytest.mark.unit]


def test_server_urls_map_to_the_stream_and_back() -> None:
    stream = "ws://127.0.0.1:8000/voice/telephone/handler"
    for given in ("http://127.0.0.1:8000", "http://127.0.0.1:8000/", stream, stream + "/"):
        assert stream_url(given) == stream
        assert api_url(given) == "http://127.0.0.1:8000"
    assert (
        stream_url("https://agent.example.com") == "wss://agent.example.com/voice/telephone/handler"
    )
    assert api_url("wss://agent.example.com/voice/telephone/handler") == "https://agent.example.com"


@needs_espeak
def test_a_wav_at_any_rate_becomes_8_khz_mono_speech(tmp_path: Path) -> None:
    path = espeak_wav(tmp_path, "Hello there")
    rate, stereo = wavfile.read(path)

    speech = read_wav(path)

    assert speech.dtype == np.int16 and speech.ndim == 1
    voiced_s = np.count_nonzero(np.abs(stereo[:, 0].astype(np.int32)) > 100) / rate
    assert 0.5 < len(speech) / 8000 <= len(stereo) / rate  # trimmed to the speech, at 8 kHz
    assert len(speech) / 8000 >= voiced_s * 0.9
    assert rms(speech) > 500
    silent = tmp_path / "silent.wav"
    wavfile.write(silent, 16_000, np.zeros(16_000, dtype=np.int16))
    with pytest.raises(CallerAudioError, match="silent"):
        read_wav(silent)


def test_the_stream_is_signed_as_twilio_signs_it() -> None:
    """The server recomputes the signature over its public base (PUBLIC_BASE_URL, else the host
    it was called on) and the stream path; the simulator signs that same URL."""
    from twilio.request_validator import RequestValidator

    stream = "ws://127.0.0.1:8000/voice/telephone/handler"
    assert twilio_signature(stream, None) == {}
    [(header, signature)] = twilio_signature(stream, "tok").items()
    assert header == "X-Twilio-Signature"
    assert RequestValidator("tok").validate(stream, {}, signature)
    public = twilio_signature(stream, "tok", "https://agent.example.com")
    wss = "wss://agent.example.com/voice/telephone/handler"
    assert RequestValidator("tok").validate(wss, {}, public["X-Twilio-Signature"])


@pytest.mark.asyncio(loop_scope="session")
async def test_a_server_that_closes_the_line_is_reported_with_its_close_code() -> None:
    from websockets.asyncio.server import ServerConnection, serve

    from property_agent.telephony.simulator.dial import place_call

    async def refuse(ws: ServerConnection) -> None:
        await ws.recv()  # connected
        await ws.recv()  # start
        await ws.close(1011, "the agent is down")

    async with serve(refuse, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        result = await place_call(f"ws://127.0.0.1:{port}/voice/telephone/handler", [])

    assert result.server_hung_up and result.turns[0].first_audio_s is None
    assert result.hang_up_reason == "code 1011: the agent is down"
