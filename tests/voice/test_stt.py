"""Speech to text: the registry, the audio helpers, the local Whisper on real speech, and the HTTP
providers against a local OpenAI-compatible transcription server."""

from __future__ import annotations

import asyncio
import io
import os
import sys
import time
import types
import wave
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any, get_args

import numpy as np
import pytest
from numpy.typing import NDArray

from property_agent.config import STTSettings
from property_agent.search.parser import LocalQueryParser
from property_agent.voice.audio import to_stt_input
from property_agent.voice.stt import (
    STT,
    STT_PROVIDERS,
    STTError,
    create_stt,
    is_silent,
    prepare_whisper_model,
)
from property_agent.voice.stt.groq import GroqWhisperSTT
from property_agent.voice.stt.moonshine import REPO_ID, MoonshineSTT, find_moonshine_weights
from property_agent.voice.stt.openai_compat import transcript_from
from property_agent.voice.stt.prompt import prompt_for, vocabulary_prompt
from property_agent.voice.stt.remote import RemoteFasterWhisperSTT, transcriptions_url
from property_agent.voice.stt.whisper_local import LocalWhisperSTT
from tests.support.audio import ESPEAK, as_browser_mic, espeak, needs_espeak
from tests.support.http_server import Request, Response, ScriptedHTTPServer
from tests.support.settings import LOCATIONS, make_settings

REQUEST = (
    "I am looking for a flat with three bedrooms in Chamberí under five hundred thousand euros"
)


@pytest.fixture(autouse=True)
def _no_stt_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's STT__/GROQ__ variables must not choose providers for these tests."""
    for name in list(os.environ):
        if name.upper().startswith(("STT__", "GROQ__")):
            monkeypatch.delenv(name)


def tone(seconds: float = 1.0, rate: int = 16_000, amplitude: float = 0.3) -> NDArray[np.int16]:
    """Loud enough to pass the silence floor: stands in for speech where the words don't matter."""
    t = np.arange(int(seconds * rate)) / rate
    return (amplitude * 32767 * np.sin(2 * np.pi * 220 * t)).astype(np.int16)


# ---------------------------------------------------------------------------------------------
# Registry and start-up errors


@pytest.mark.unit
def test_registry_names_every_setting_value() -> None:
    assert set(STT_PROVIDERS) == {
        "whisper-local",
        "whisper-groq",
        "faster-whisper-remote",
        "moonshine",
    }
    assert set(STT_PROVIDERS) == set(get_args(STTSettings.model_fields["model"].annotation))


@pytest.mark.unit
def test_unknown_provider_error_lists_the_valid_ones() -> None:
    settings = make_settings()
    bad = settings.model_copy(update={"stt": settings.stt.model_copy(update={"model": "siri"})})
    with pytest.raises(ValueError, match="siri") as info:
        create_stt(bad)
    for name in STT_PROVIDERS:
        assert name in str(info.value)


@pytest.mark.unit
def test_groq_without_key_names_the_variable() -> None:
    with pytest.raises(STTError, match="GROQ__API_KEY"):
        create_stt(make_settings(stt={"model": "whisper-groq"}))


@pytest.mark.unit
def test_groq_placeholder_key_counts_as_missing() -> None:
    settings = make_settings(stt={"model": "whisper-groq"}, groq={"api_key": "YOUR_KEY_HERE"})
    with pytest.raises(STTError, match="GROQ__API_KEY"):
        create_stt(settings)


@pytest.mark.unit
def test_remote_without_url_names_the_variable() -> None:
    with pytest.raises(STTError, match="STT__REMOTE_URL"):
        create_stt(make_settings(stt={"model": "faster-whisper-remote"}))


@pytest.mark.unit
def test_moonshine_without_weights_says_what_is_missing_and_what_to_use() -> None:
    with pytest.raises(STTError) as info:
        create_stt(make_settings(stt={"model": "moonshine"}))
    message = str(info.value)
    assert "STT__MODEL=whisper-local" in message
    assert "fastrtc[stt]" in message or "weights" in message


def _fake_moonshine_module(calls: list[dict[str, Any]]) -> types.ModuleType:
    """Stands in for `moonshine_onnx`: records how the model is loaded, decodes to fixed text."""

    class Model:
        def __init__(self, **kwargs: Any) -> None:
            calls.append(kwargs)

        def generate(self, audio: NDArray[np.float32]) -> list[list[int]]:
            assert audio.shape[0] == 1
            return [[1, 5, 2]]

    class Tokenizer:
        def decode_batch(self, tokens: list[list[int]]) -> list[str]:
            return ["  two bedrooms in Retiro  "]

    module = types.ModuleType("moonshine_onnx")
    module.MoonshineOnnxModel = Model  # type: ignore[attr-defined]
    module.load_tokenizer = Tokenizer  # type: ignore[attr-defined]
    return module


@pytest.mark.unit
def test_moonshine_installed_but_weights_not_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "moonshine_onnx", _fake_moonshine_module([]))
    with pytest.raises(STTError) as info:
        MoonshineSTT(cache_dir=tmp_path)
    message = str(info.value)
    assert REPO_ID in message and "never downloaded" in message
    assert "STT__MODEL=whisper-local" in message


def _cache_moonshine(cache: Path, files: list[str]) -> Path:
    """Lay files out as the Hugging Face cache does after a download."""
    repo = cache / f"models--{REPO_ID.replace('/', '--')}"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text("abc123")
    for name in files:
        path = repo / "snapshots" / "abc123" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"onnx")
    return repo / "snapshots" / "abc123"


@pytest.mark.unit
async def test_moonshine_uses_cached_weights_without_the_hub(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert find_moonshine_weights(tmp_path) is None
    snapshot = _cache_moonshine(tmp_path, ["onnx/merged/base/float/encoder_model.onnx"])
    assert find_moonshine_weights(tmp_path) is None  # half a model is no model
    (snapshot / "onnx/merged/base/float/decoder_model_merged.onnx").write_bytes(b"onnx")
    folder = find_moonshine_weights(tmp_path)
    assert folder == snapshot / "onnx/merged/base/float"

    calls: list[dict[str, Any]] = []
    monkeypatch.setitem(sys.modules, "moonshine_onnx", _fake_moonshine_module(calls))
    stt = MoonshineSTT(cache_dir=tmp_path)
    assert calls == [{"models_dir": str(folder), "model_name": "base"}]
    assert await stt.transcribe((48_000, tone(rate=48_000))) == "two bedrooms in Retiro"


# ---------------------------------------------------------------------------------------------
# Audio and transcript rules


@pytest.mark.unit
@pytest.mark.parametrize("shape", [(1, 0), (0,)])
async def test_empty_audio_is_silent_not_nan(shape: tuple[int, ...]) -> None:
    """FastRTC hands over (1, 0) when a turn was triggered with no speech kept: no model call."""
    out = to_stt_input(48_000, np.zeros(shape, dtype=np.int16))
    assert out.size == 0
    assert is_silent(out)
    heard: list[int] = []

    class Counting(STT):
        name = "counting"

        async def _transcribe(self, samples: NDArray[np.float32]) -> str:
            heard.append(samples.size)
            return "phantom"

    assert await Counting().transcribe((48_000, np.zeros(shape, dtype=np.int16))) == ""
    assert heard == []


@pytest.mark.unit
def test_transcript_drops_segments_the_model_doubts() -> None:
    body = {
        "text": " Three bedrooms in Retiro. Thank you.",
        "segments": [
            {"text": " Three bedrooms in Retiro.", "no_speech_prob": 0.02, "avg_logprob": -0.2},
            {"text": " Thank you.", "no_speech_prob": 0.7, "avg_logprob": -1.6},
        ],
    }
    assert transcript_from(body) == "Three bedrooms in Retiro."
    assert transcript_from({"text": "  ...  "}) == ""
    assert transcript_from({"text": " Two   bedrooms \n"}) == "Two bedrooms"
    with pytest.raises(ValueError):
        transcript_from({"error": "nope"})


@pytest.mark.unit
def test_vocabulary_prompt_spells_the_hard_names_within_whisper_budget() -> None:
    from tokenizers import Tokenizer

    from property_agent.voice.stt.whisper_local import _sources

    prompt = prompt_for(make_settings())
    for word in ("Chamberí", "Malasaña", "Argüelles", "Lavapiés", "bedroom", "square metres"):
        assert word in prompt
    assert "Malasaña-Universidad" not in prompt  # callers say the short name
    tokenizer = Tokenizer.from_file(str(_sources()["tokenizer.json"][0]))
    assert len(tokenizer.encode(" " + prompt).ids) <= 223  # Whisper drops tokens past this


@pytest.mark.unit
def test_vocabulary_prompt_names_the_places_a_caller_can_be_offered_and_no_others() -> None:
    """Every name in the hint pulls what Whisper hears toward it: the hint holds each
    neighbourhood with listings (as callers say it) and none without ("Recoletos")."""
    prompt = prompt_for(make_settings())
    listed = prompt.removeprefix("Madrid neighbourhoods: ").split(". ")[0].split(", ")
    assert set(listed) == {part for place in LOCATIONS for part in place.split("-")}
    for unlisted in ("Recoletos", "Almagro", "Ciudad Jardín", "Bernabéu"):
        assert unlisted not in prompt


@pytest.mark.unit
def test_vocabulary_prompt_without_the_listings_file_names_the_catalogue(tmp_path: Path) -> None:
    """A server that only reads an index ingested elsewhere still hints the Madrid names."""
    prompt = prompt_for(make_settings(data={"path": tmp_path / "absent.csv"}))
    from property_agent.search.places import load_catalogue

    assert prompt == vocabulary_prompt(tuple(load_catalogue().neighbourhoods))
    assert "Chamberí" in prompt and "Retiro" in prompt


@pytest.mark.unit
def test_beam_size_out_of_range_fails_at_start_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from property_agent.config import SettingsError, load_settings

    monkeypatch.setenv("STT__BEAM_SIZE", "0")
    with pytest.raises(SettingsError, match="STT__BEAM_SIZE"):
        load_settings(_env_file=None)


@pytest.mark.unit
def test_remote_url_forms() -> None:
    endpoint = "https://pod-8000.proxy.runpod.net/v1/audio/transcriptions"
    assert transcriptions_url("https://pod-8000.proxy.runpod.net") == endpoint
    assert transcriptions_url("https://pod-8000.proxy.runpod.net/v1/") == endpoint
    assert transcriptions_url(endpoint) == endpoint


# ---------------------------------------------------------------------------------------------
# The HTTP providers against a local OpenAI-compatible transcription server


class FakeTranscriptionServer(ScriptedHTTPServer):
    """`POST …/audio/transcriptions` (multipart, as OpenAI, Groq and faster-whisper-server take
    it) on localhost. `mode`: "ok", "error" (HTTP 500) or "slow" (answers after `delay_s`)."""

    def __init__(self, answer: dict[str, Any], mode: str = "ok", delay_s: float = 3.0) -> None:
        super().__init__(mode, delay_s)
        self.answer = answer

    @property
    def requests(self) -> list[dict[str, Any]]:
        return [self.parse(r.path, dict(r.headers), r.body) for r in self.recorded]

    def reply(self, request: Request) -> Response:
        return Response.json(self.answer)

    @staticmethod
    def parse(path: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
        """The multipart form as fields and files, with the headers that matter."""
        head = f"Content-Type: {headers.get('Content-Type', '')}\r\n\r\n".encode()
        message = BytesParser(policy=HTTP).parsebytes(head + body)
        fields: dict[str, str] = {}
        files: dict[str, tuple[str | None, str, bytes]] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            assert isinstance(name, str) and isinstance(payload, bytes)
            if part.get_filename():
                files[name] = (part.get_filename(), part.get_content_type(), payload)
            else:
                fields[name] = payload.decode()
        return {
            "path": path,
            "authorization": headers.get("Authorization"),
            "fields": fields,
            "files": files,
        }


@pytest.fixture
def fake_server() -> Iterator[FakeTranscriptionServer]:
    server = FakeTranscriptionServer({"text": " Two bedrooms in Retiro. "})
    yield server
    server.close()


def assert_wav(data: bytes, seconds: float) -> None:
    with wave.open(io.BytesIO(data)) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (16_000, 1, 2)
        assert abs(wav.getnframes() / 16_000 - seconds) < 0.01


@pytest.mark.unit
async def test_groq_posts_wav_model_and_key(fake_server: FakeTranscriptionServer) -> None:
    settings = make_settings(stt={"model": "whisper-groq"}, groq={"api_key": "gsk_test123"})
    stt: STT = GroqWhisperSTT.from_settings(settings, base_url=f"{fake_server.url}/openai/v1")
    assert (
        await stt.transcribe((48_000, tone(seconds=1.5, rate=48_000))) == "Two bedrooms in Retiro."
    )
    [request] = fake_server.requests
    assert request["path"] == "/openai/v1/audio/transcriptions"
    assert request["authorization"] == "Bearer gsk_test123"
    assert request["fields"]["model"] == "whisper-large-v3-turbo"
    assert request["fields"]["language"] == "en"
    assert "Chamberí" in request["fields"]["prompt"]
    filename, content_type, data = request["files"]["file"]
    assert filename.endswith(".wav") and content_type == "audio/wav"
    assert_wav(data, 1.5)


@pytest.mark.unit
async def test_remote_posts_to_the_pod_with_its_model_and_key(
    fake_server: FakeTranscriptionServer,
) -> None:
    settings = make_settings(
        stt={
            "model": "faster-whisper-remote",
            "remote_url": fake_server.url,
            "remote_api_key": "pod-secret",
            "remote_model": "Systran/faster-whisper-small",
        }
    )
    stt = create_stt(settings)
    assert isinstance(stt, RemoteFasterWhisperSTT) and stt.name == "faster-whisper-remote"
    assert await stt.transcribe((16_000, tone(seconds=2.0))) == "Two bedrooms in Retiro."
    [request] = fake_server.requests
    assert request["path"] == "/v1/audio/transcriptions"
    assert request["authorization"] == "Bearer pod-secret"
    assert request["fields"]["model"] == "Systran/faster-whisper-small"
    assert_wav(request["files"]["file"][2], 2.0)
    await stt.aclose()


@pytest.mark.unit
async def test_remote_without_key_sends_no_authorization(
    fake_server: FakeTranscriptionServer,
) -> None:
    stt = RemoteFasterWhisperSTT.from_settings(
        make_settings(stt={"remote_url": fake_server.url + "/v1"})
    )
    await stt.transcribe((16_000, tone()))
    assert fake_server.requests[0]["authorization"] is None


@pytest.mark.unit
async def test_silence_never_reaches_the_server(fake_server: FakeTranscriptionServer) -> None:
    stt = RemoteFasterWhisperSTT.from_settings(make_settings(stt={"remote_url": fake_server.url}))
    assert await stt.transcribe((48_000, np.zeros(96_000, dtype=np.int16))) == ""
    assert fake_server.requests == []


@pytest.mark.unit
async def test_server_segments_the_model_doubts_are_dropped() -> None:
    server = FakeTranscriptionServer(
        {
            "text": " Thanks for watching!",
            "segments": [
                {"text": " Thanks for watching!", "no_speech_prob": 0.8, "avg_logprob": -1.4}
            ],
        }
    )
    try:
        stt = RemoteFasterWhisperSTT.from_settings(make_settings(stt={"remote_url": server.url}))
        assert await stt.transcribe((16_000, tone())) == ""
    finally:
        server.close()


@pytest.mark.unit
@pytest.mark.parametrize("provider", ["whisper-groq", "faster-whisper-remote"])
async def test_http_500_raises_stt_error_naming_the_provider(provider: str) -> None:
    server = FakeTranscriptionServer({}, mode="error")
    try:
        stt = _http_provider(provider, server.url, timeout_s=5)
        with pytest.raises(STTError, match=rf"{provider}: HTTP 500"):
            await stt.transcribe((16_000, tone()))
    finally:
        server.close()


@pytest.mark.unit
@pytest.mark.parametrize("provider", ["whisper-groq", "faster-whisper-remote"])
async def test_timeout_raises_stt_error_naming_the_provider(provider: str) -> None:
    server = FakeTranscriptionServer({"text": "late"}, mode="slow", delay_s=3.0)
    try:
        stt = _http_provider(provider, server.url, timeout_s=0.5)
        started = time.perf_counter()
        with pytest.raises(STTError, match=rf"{provider}: no answer .* within 0.5 s"):
            await stt.transcribe((16_000, tone()))
        assert time.perf_counter() - started < 2.5
    finally:
        server.close()


def _http_provider(provider: str, url: str, timeout_s: float) -> STT:
    if provider == "whisper-groq":
        settings = make_settings(stt={"timeout_s": timeout_s}, groq={"api_key": "gsk_test"})
        return GroqWhisperSTT.from_settings(settings, base_url=f"{url}/openai/v1")
    return RemoteFasterWhisperSTT.from_settings(
        make_settings(stt={"remote_url": url, "timeout_s": timeout_s})
    )


# ---------------------------------------------------------------------------------------------
# Whisper base, offline, on real speech


def _part_sizes() -> int:
    from property_agent.voice.stt.whisper_local import _sources

    return sum(p.stat().st_size for p in _sources()["model.bin"])


@pytest.mark.integration
def test_prepare_whisper_model_is_idempotent_and_safe_in_parallel(tmp_path: Path) -> None:
    target = tmp_path / "whisper-base"
    with ThreadPoolExecutor(max_workers=2) as pool:  # two start-ups racing on one folder
        folders = list(pool.map(prepare_whisper_model, [target, target]))
    assert folders == [target, target]
    assert (target / "model.bin").stat().st_size == _part_sizes()
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        assert (target / name).stat().st_size > 0
    assert sorted(p.name for p in target.iterdir()) == [
        "config.json",
        "model.bin",
        "tokenizer.json",
        "vocabulary.txt",
    ]  # no temp files left behind

    before = (target / "model.bin").stat()
    assert prepare_whisper_model(target) == target
    after = (target / "model.bin").stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)

    with (target / "model.bin").open("r+b") as handle:  # an interrupted copy is redone
        handle.truncate(1_000)
    prepare_whisper_model(target)
    assert (target / "model.bin").stat().st_size == _part_sizes()


@pytest.fixture(scope="module")
def local_whisper(tmp_path_factory: pytest.TempPathFactory) -> STT:
    model_dir = tmp_path_factory.mktemp("whisper-base")
    return create_stt(make_settings(stt={"model": "whisper-local", "model_dir": model_dir}))


@pytest.fixture(scope="module")
def request_audio(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, NDArray[np.int16]]:
    if ESPEAK is None:
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng; `make test` does)")
    return as_browser_mic(*espeak(REQUEST, tmp_path_factory.mktemp("espeak") / "request.wav"))


def assert_understood(text: str) -> None:
    lowered = text.lower()
    assert "flat" in lowered, text
    parsed = LocalQueryParser(LOCATIONS).parse(text)
    assert parsed.filters.min_rooms == 3, (text, parsed.filters)
    assert parsed.filters.location == "Chamberí", (text, parsed.filters)
    assert parsed.filters.price_smaller_than == 500_000, (text, parsed.filters)


@needs_espeak
@pytest.mark.integration
async def test_local_whisper_understands_a_spoken_request(
    local_whisper: STT, request_audio: tuple[int, NDArray[np.int16]]
) -> None:
    assert local_whisper.name == "whisper-local"
    assert_understood(await local_whisper.transcribe(request_audio))


@pytest.mark.integration
async def test_local_whisper_silence_and_noise_are_no_turn(local_whisper: STT) -> None:
    silence = np.zeros(2 * 48_000, dtype=np.int16)
    assert await local_whisper.transcribe((48_000, silence)) == ""
    hiss = np.random.default_rng(7).normal(0, 0.01 * 32767, 2 * 16_000).astype(np.int16)
    assert await local_whisper.transcribe((16_000, hiss)) == ""


@needs_espeak
@pytest.mark.integration
async def test_local_whisper_two_callers_at_once(
    local_whisper: STT, request_audio: tuple[int, NDArray[np.int16]], tmp_path: Path
) -> None:
    """Two callers who end their turns together go through Whisper as one batch, and each
    gets their own words back."""
    other = as_browser_mic(
        *espeak("Do you have anything with two bedrooms in Malasaña", tmp_path / "b.wav")
    )
    assert isinstance(local_whisper, LocalWhisperSTT)
    batches = len(local_whisper.queue.batch_sizes)
    first, second = await asyncio.gather(
        local_whisper.transcribe(request_audio), local_whisper.transcribe(other)
    )
    assert local_whisper.queue.batch_sizes[batches:] == [2]
    assert_understood(first)
    assert "two bedrooms" in second.lower() and "Malasaña" in second, second


@pytest.mark.unit
@pytest.mark.parametrize(
    ("frames", "window"),
    [(150, 1000), (400, 1000), (1200, 1300), (2899, 2999), (2900, None), (3500, None)],
)
def test_short_utterances_get_a_short_whisper_window(frames: int, window: int | None) -> None:
    """Whisper's encoder reads 10 s to 30 s of features, not always 30 s: a 3 s turn costs
    a third of the time (see whisper_nbest.py for the measurements). A turn too long for one
    window goes through faster-whisper's own loop."""
    from property_agent.voice.stt.whisper_nbest import window_frames

    assert window_frames(frames) == window


@needs_espeak
@pytest.mark.integration
@pytest.mark.parametrize("beam", [1, 3, 5])
def test_local_whisper_reads_a_turn_as_many_ways_as_its_beam_best_first(
    monkeypatch: pytest.MonkeyPatch, request_audio: tuple[int, NDArray[np.int16]], beam: int
) -> None:
    """The beam's readings come back best first (the first is the one faster-whisper would
    give); STT__BEAM_SIZE sets how many, and the hint for the listings is what it decodes with."""
    from property_agent.config import load_settings
    from property_agent.voice.stt import whisper_local

    monkeypatch.setenv("STT__BEAM_SIZE", str(beam))
    settings = load_settings(_env_file=None)
    stt = whisper_local.LocalWhisperSTT.from_settings(settings)
    decoder = stt._decoder
    assert decoder._prompt_text == prompt_for(settings)
    readings = decoder.readings(to_stt_input(*request_audio), max_new_tokens=60)
    assert 1 <= len(readings) <= beam
    assert [r.avg_logprob for r in readings] == sorted(
        (r.avg_logprob for r in readings), reverse=True
    )
    assert_understood(readings[0].text)
    assert decoder.readings(np.zeros(16_000, dtype=np.float32), max_new_tokens=20) == []


@needs_espeak
@pytest.mark.integration
def test_a_turn_longer_than_one_window_is_still_heard(
    request_audio: tuple[int, NDArray[np.int16]],
) -> None:
    """A caller who talks for over half a minute: faster-whisper's loop, one reading."""
    from property_agent.config import load_settings
    from property_agent.voice.stt import whisper_local

    stt = whisper_local.LocalWhisperSTT.from_settings(load_settings(_env_file=None))
    speech = to_stt_input(*request_audio)
    pause = np.zeros(16_000 * 4, dtype=np.float32)
    long_turn = np.concatenate([speech, pause] * max(2, int(34 / (speech.size / 16_000 + 4))))
    readings = stt._decoder.readings(long_turn, max_new_tokens=200)
    assert len(readings) == 1
    assert_understood(readings[0].text)
