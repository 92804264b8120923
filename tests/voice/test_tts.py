"""Text to speech: the registry, the offline Piper voice, the remote Orpheus providers against a
local server speaking their protocol, and the Piper fallback that keeps the caller from hearing
dead air."""

from __future__ import annotations

import asyncio
import base64
import importlib.machinery
import json
import logging
import os
import struct
import sys
import threading
import time
import types
import typing
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

from property_agent.avatars import get_avatar
from property_agent.config import Settings, TTSSettings
from property_agent.voice.tts import TTS_PROVIDERS, AudioChunk, TTSError, create_tts
from property_agent.voice.tts.base import TTS, split_sentences
from property_agent.voice.tts.fallback import FallbackTTS
from property_agent.voice.tts.kokoro import KokoroTTS
from property_agent.voice.tts.pcm import PcmDecoder
from property_agent.voice.tts.piper import PiperTTS, opening_clause
from property_agent.voice.tts.remote import RemoteOrpheusTTS, speech_url
from property_agent.voice.tts.together import TogetherOrpheusTTS
from tests.support.http_server import LocalHTTPServer, Request, Response
from tests.support.settings import make_settings

LISTING_LINE = "I found a flat in Chamberí for four hundred eighty thousand euros."
THREE_SENTENCES = (
    "I found a flat in Chamberí for four hundred eighty thousand euros. "
    "It has two bedrooms, a bright living room and a small terrace. "
    "Would you like me to book a viewing for this week?"
)
MIN_SPEECH_RMS = 500  # int16; Piper speech is in the thousands, silence is 0


@pytest.fixture(autouse=True)
def _no_developer_tts_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's TTS__* keys must not make the 'missing key' tests pass or fail."""
    for name in list(os.environ):
        if name.upper().startswith("TTS__"):
            monkeypatch.delenv(name)


def tts_settings(**tts: object) -> Settings:
    return make_settings(tts=tts)


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))


async def collect(stream: AsyncIterator[AudioChunk]) -> list[AudioChunk]:
    return [chunk async for chunk in stream]


def tone(rate: int, seconds: float, freq: float = 440.0) -> np.ndarray:
    t = np.arange(round(rate * seconds)) / rate
    return (8000 * np.sin(2 * np.pi * freq * t)).astype(np.int16)


# -- fakes: real subclasses of our base -----------------------------------------------------------


class ScriptedTTS(TTS):
    """Speaks each sentence as one tone chunk at `rate` (so tests can tell voices apart), and
    fails as scripted: `fail` before any audio, or `fail_on` a sentence containing that text,
    after `chunks_before_failure` chunks of it."""

    voice_keys: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        name: str,
        rate: int,
        fail: bool = False,
        fail_on: str | None = None,
        chunks_before_failure: int = 0,
    ) -> None:
        self.name = name
        self.rate = rate
        self.fail = fail
        self.fail_on = fail_on
        self.chunks_before_failure = chunks_before_failure
        self.calls: list[tuple[str, str | None]] = []
        self.closed = 0  # streams finished or closed (a connection released)

    @property
    def sample_rate(self) -> int:
        return self.rate

    async def _synthesize(self, text: str, voice: str | None) -> AsyncIterator[AudioChunk]:
        self.calls.append((text, voice))
        if self.fail:
            raise TTSError(f"{self.name}: scripted failure")
        try:
            for sentence in split_sentences(text):
                failing = self.fail_on is not None and self.fail_on in sentence
                chunks = self.chunks_before_failure if failing else 2
                for _ in range(chunks):
                    yield self.rate, tone(self.rate, 0.1)
                if failing:
                    raise TTSError(f"{self.name}: connection dropped")
        finally:
            self.closed += 1

    @property
    def texts(self) -> list[str]:
        return [text for text, _ in self.calls]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# -- registry -------------------------------------------------------------------------------------


@pytest.mark.unit
def test_registry_offers_every_engine_the_settings_accept() -> None:
    engines = set(typing.get_args(TTSSettings.model_fields["model"].annotation))
    assert set(TTS_PROVIDERS) == engines == {"piper", "kokoro", "together", "orpheus-remote"}


@pytest.mark.unit
def test_unknown_engine_fails_naming_the_valid_ones() -> None:
    settings = make_settings()
    bad = settings.model_copy(update={"tts": settings.tts.model_copy(update={"model": "espeak"})})
    with pytest.raises(ValueError, match="espeak") as info:
        create_tts(bad)
    for engine in TTS_PROVIDERS:
        assert engine in str(info.value)


@pytest.mark.unit
def test_kokoro_without_model_files_says_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(TTSError) as info:
        create_tts(tts_settings(model="kokoro", kokoro_dir=str(tmp_path)))
    message = str(info.value)
    assert "kokoro-v1.0.onnx" in message and "voices-v1.0.bin" in message
    assert str(tmp_path) in message and "TTS__KOKORO_DIR" in message
    assert "TTS__MODEL=piper" in message
    try:
        import kokoro_onnx  # noqa: F401
    except ImportError:
        assert "pip install 'fastrtc[tts]'" in message


@pytest.mark.unit
def test_kokoro_never_downloads_when_the_cache_is_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("property_agent.voice.tts.kokoro._cached_file", lambda name: None)
    with pytest.raises(TTSError, match="TTS__KOKORO_DIR is unset"):
        create_tts(tts_settings(model="kokoro"))


class FakeKokoro:
    """Stands in for `kokoro_onnx.Kokoro` (not installed here): same constructor and `create`."""

    instances: ClassVar[list[FakeKokoro]] = []

    def __init__(self, model_path: str, voices_path: str) -> None:
        self.calls: list[dict[str, Any]] = []
        FakeKokoro.instances.append(self)

    def create(self, text: str, voice: str, speed: float, lang: str) -> tuple[np.ndarray, int]:
        assert voice in {"af_heart", "bf_emma"}, f"Voice {voice} not found in available voices"
        self.calls.append({"text": text, "voice": voice, "speed": speed, "lang": lang})
        return np.full(2400, 0.25, dtype=np.float32), 24000


@pytest.fixture
def kokoro_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    module = types.ModuleType("kokoro_onnx")
    module.__spec__ = importlib.machinery.ModuleSpec("kokoro_onnx", None)
    module.Kokoro = FakeKokoro  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "kokoro_onnx", module)
    for name in ("kokoro-v1.0.onnx", "voices-v1.0.bin"):
        (tmp_path / name).write_bytes(b"")
    return tmp_path


@pytest.mark.unit
async def test_kokoro_speaks_sentence_by_sentence_with_the_avatar_voice(kokoro_files: Path) -> None:
    settings = tts_settings(model="kokoro", kokoro_dir=str(kokoro_files), speed=3.0)
    tts = TTS_PROVIDERS["kokoro"](settings)
    assert isinstance(tts, KokoroTTS)
    chunks = await collect(tts.stream(THREE_SENTENCES, voice="bf_emma"))
    assert [rate for rate, _ in chunks] == [24000] * 3
    assert all(samples.dtype == np.int16 and samples.max() > 8000 for _, samples in chunks)
    calls = FakeKokoro.instances[-1].calls
    assert [c["text"] for c in calls] == split_sentences(THREE_SENTENCES)
    assert {(c["voice"], c["lang"], c["speed"]) for c in calls} == {("bf_emma", "en-gb", 2.0)}


@pytest.mark.unit
async def test_kokoro_rejecting_a_voice_is_a_tts_error(kokoro_files: Path) -> None:
    tts = KokoroTTS(kokoro_dir=kokoro_files)
    with pytest.raises(TTSError, match="not found"):
        await collect(tts.stream(LISTING_LINE, voice="xx_nobody"))


@pytest.mark.unit
def test_together_without_key_names_the_setting() -> None:
    with pytest.raises(TTSError, match="TTS__TOGETHER_API_KEY"):
        create_tts(tts_settings(model="together"))


@pytest.mark.unit
def test_together_placeholder_key_counts_as_missing() -> None:
    with pytest.raises(TTSError, match="TTS__TOGETHER_API_KEY"):
        create_tts(tts_settings(model="together", together_api_key="YOUR_KEY_HERE"))


@pytest.mark.unit
def test_remote_without_url_names_the_setting() -> None:
    with pytest.raises(TTSError, match="TTS__REMOTE_URL"):
        create_tts(tts_settings(model="orpheus-remote"))


@pytest.mark.integration  # loads the Piper voice
def test_remote_engines_come_with_piper_as_fallback() -> None:
    tts = create_tts(tts_settings(model="together", together_api_key="tgp-test"))
    assert isinstance(tts, FallbackTTS)
    assert isinstance(tts.primary, TogetherOrpheusTTS)
    assert isinstance(tts.fallback, PiperTTS)
    assert isinstance(create_tts(make_settings()), PiperTTS)


@pytest.mark.unit
def test_each_engine_picks_the_avatars_voice_for_it() -> None:
    avatar = get_avatar("dan")
    together = TogetherOrpheusTTS(api_key="tgp-test")
    remote = RemoteOrpheusTTS(url="http://pod:5005")
    assert together.voice_for(avatar) == avatar.voices["together"]
    assert remote.voice_for(avatar) == avatar.voices["orpheus"]
    piper_fake = ScriptedTTS("piper", 22050)
    assert FallbackTTS(remote, piper_fake).voice_for(avatar) == avatar.voices["orpheus"]
    assert ScriptedTTS("kokoro", 24000).voice_for(avatar) == avatar.voices["kokoro"]


@pytest.mark.unit
@pytest.mark.parametrize(
    "base",
    [
        "http://pod:5005",
        "http://pod:5005/",
        "http://pod:5005/v1",
        "http://pod:5005/v1/audio/speech",
    ],
)
def test_remote_url_may_be_given_with_or_without_the_path(base: str) -> None:
    assert speech_url(base) == "http://pod:5005/v1/audio/speech"


# -- streamed PCM / WAV decoding ------------------------------------------------------------------


def wav_header(rate: int, channels: int = 1) -> bytes:
    """A streaming WAV header: placeholder sizes, and a LIST chunk before `data` as some servers
    write."""
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * 2 * channels, 2 * channels, 16)
    info = b"INFOISFT\x05\x00\x00\x00test\x00\x00"  # odd-sized text, padded
    return (
        b"RIFF\xff\xff\xff\xffWAVE"
        + b"fmt "
        + struct.pack("<I", len(fmt))
        + fmt
        + b"LIST"
        + struct.pack("<I", len(info))
        + info
        + b"data\xff\xff\xff\xff"
    )


@pytest.mark.unit
@pytest.mark.parametrize("wav", [False, True])
def test_decoder_reassembles_samples_split_anywhere(wav: bool) -> None:
    samples = tone(16000, 0.05)
    body = (wav_header(16000) if wav else b"") + samples.tobytes()
    decoder = PcmDecoder(24000, "test")
    out = []
    for start in range(0, len(body), 7):  # 7-byte reads split samples and the header
        piece = decoder.feed(body[start : start + 7])
        if piece is not None:
            out.append(piece)
    assert np.array_equal(np.concatenate(out), samples)
    assert decoder.sample_rate == (16000 if wav else 24000)


@pytest.mark.unit
def test_decoder_rejects_wav_that_is_not_16_bit_pcm() -> None:
    header = bytearray(wav_header(24000))
    header[20:22] = struct.pack("<H", 3)  # IEEE float
    with pytest.raises(TTSError, match="16-bit PCM"):
        PcmDecoder(24000, "test").feed(bytes(header))


# -- fallback -------------------------------------------------------------------------------------


@pytest.mark.unit
async def test_failing_primary_is_replaced_by_the_fallback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    primary = ScriptedTTS("orpheus-remote", 24000, fail=True)
    fallback = ScriptedTTS("piper", 22050)
    tts = FallbackTTS(primary, fallback)
    with caplog.at_level(logging.WARNING):
        chunks = await collect(tts.stream(LISTING_LINE, voice="tara"))
    assert chunks and {rate for rate, _ in chunks} == {22050}
    assert fallback.calls == [(LISTING_LINE, None)]  # the primary's voice name is not Piper's
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "orpheus-remote" in warnings[0].getMessage()


@pytest.mark.unit
async def test_primary_failing_mid_reply_hands_the_rest_to_the_fallback() -> None:
    primary = ScriptedTTS("together", 24000, fail_on="two bedrooms", chunks_before_failure=1)
    fallback = ScriptedTTS("piper", 22050)
    chunks = await collect(FallbackTTS(primary, fallback).stream(THREE_SENTENCES))
    rates = [rate for rate, _ in chunks]
    sentences = split_sentences(THREE_SENTENCES)
    # Sentence 1 from the primary (2 chunks), a chunk of sentence 2, then Piper speaks
    # sentence 2 again, whole, and sentence 3.
    assert rates == [24000, 24000, 24000, 22050, 22050, 22050, 22050]
    assert fallback.texts == [" ".join(sentences[1:])]
    assert primary.texts == sentences[:2]


@pytest.mark.unit
async def test_circuit_breaker_skips_the_primary_after_three_failures(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = FakeClock()
    primary = ScriptedTTS("kokoro", 24000, fail=True)
    fallback = ScriptedTTS("piper", 22050)
    tts = FallbackTTS(primary, fallback, clock=clock)
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            assert await collect(tts.stream("Let me look that up for you."))
    assert len(primary.calls) == 3 and tts.circuit_open
    assert "for 60 s" in caplog.records[-1].getMessage()

    clock.now += 30
    await collect(tts.stream("Still looking, one moment please."))
    assert len(primary.calls) == 3  # skipped while open
    assert len(fallback.calls) == 4

    clock.now += 31  # cooldown over: the primary gets another try
    primary.fail = False
    chunks = await collect(tts.stream("Here is what I found for you."))
    assert len(primary.calls) == 4 and {rate for rate, _ in chunks} == {24000}
    assert not tts.circuit_open


@pytest.mark.unit
async def test_a_success_resets_the_failure_count() -> None:
    primary = ScriptedTTS("kokoro", 24000, fail=True)
    tts = FallbackTTS(primary, ScriptedTTS("piper", 22050), clock=FakeClock())
    for fail in (True, True, False, True, True):
        primary.fail = fail
        await collect(tts.stream("Let me look that up for you."))
    assert not tts.circuit_open


@pytest.mark.unit
async def test_a_caller_who_stops_listening_closes_the_primary_stream() -> None:
    primary = ScriptedTTS("together", 24000)
    stream = FallbackTTS(primary, ScriptedTTS("piper", 22050)).stream(THREE_SENTENCES)
    assert isinstance(stream, AsyncGenerator)
    await anext(stream)
    await stream.aclose()  # barge-in
    assert primary.closed == 1 and len(primary.calls) == 1


@pytest.mark.unit
async def test_blank_text_is_silent_everywhere() -> None:
    primary, fallback = ScriptedTTS("kokoro", 24000), ScriptedTTS("piper", 22050)
    assert await collect(FallbackTTS(primary, fallback).stream("  ")) == []
    assert primary.calls == fallback.calls == []


# -- Piper, the real offline voice ----------------------------------------------------------------


@pytest.fixture(scope="module")
def piper() -> PiperTTS:
    return PiperTTS()


@pytest.mark.integration
async def test_piper_speaks_a_listing_line(piper: PiperTTS) -> None:
    chunks = await collect(piper.stream(LISTING_LINE))
    assert chunks and all(rate == piper.sample_rate == 22050 for rate, _ in chunks)
    audio = np.concatenate([samples for _, samples in chunks])
    assert audio.dtype == np.int16 and audio.ndim == 1
    assert rms(audio) > MIN_SPEECH_RMS
    assert 2.0 <= audio.size / piper.sample_rate <= 8.0


@pytest.mark.integration
async def test_piper_streams_the_first_sentence_before_the_rest_is_done(piper: PiperTTS) -> None:
    arrivals: list[float] = []
    sizes: list[int] = []
    async for _, samples in piper.stream(THREE_SENTENCES):
        arrivals.append(time.perf_counter())
        sizes.append(samples.size)
    done = time.perf_counter()
    assert len(sizes) == 3  # one chunk per sentence, not one for the whole reply
    assert arrivals[0] < arrivals[1] < arrivals[2] <= done
    assert sizes[0] < sum(sizes) / 2  # the first chunk is the first sentence only


class CountingPiper(PiperTTS):
    """The real Piper, noting each text it actually synthesises."""

    def __init__(self) -> None:
        super().__init__()
        self.synthesised: list[str] = []

    async def _synthesized(self, model: Path, text: str) -> AsyncIterator[AudioChunk]:
        self.synthesised.append(text)
        async for chunk in super()._synthesized(model, text):
            yield chunk


@pytest.mark.integration
async def test_a_line_every_caller_hears_is_synthesised_once() -> None:
    """The greeting is synthesised for the first caller; the callers after hear the same audio
    without Piper running again."""
    piper = CountingPiper()
    greeting = "Hi, this is Jess at Casa Madrid Homes. What's your name?"
    first = np.concatenate([samples for _, samples in await collect(piper.stream(greeting))])
    assert rms(first) > MIN_SPEECH_RMS
    later = await asyncio.gather(*(collect(piper.stream(greeting)) for _ in range(3)))
    for chunks in later:
        assert np.array_equal(np.concatenate([samples for _, samples in chunks]), first)
    assert piper.synthesised == [greeting]


@pytest.mark.integration
async def test_a_line_cut_off_by_a_barge_in_is_synthesised_again_in_full() -> None:
    piper = CountingPiper()
    stream = piper.stream(THREE_SENTENCES)
    await anext(stream)  # the caller speaks over the first sentence
    await stream.aclose()
    whole = await collect(piper.stream(THREE_SENTENCES))
    assert len(whole) == 3 and piper.synthesised == [THREE_SENTENCES, THREE_SENTENCES]


@pytest.mark.integration
@pytest.mark.parametrize("text", ["", "   ", "\n"])
async def test_piper_is_silent_for_empty_text(piper: PiperTTS, text: str) -> None:
    assert await collect(piper.stream(text)) == []


@pytest.mark.integration
async def test_two_callers_speaking_at_once_both_finish(piper: PiperTTS) -> None:
    first, second = await asyncio.gather(
        collect(piper.stream(THREE_SENTENCES)), collect(piper.stream(LISTING_LINE))
    )
    for chunks, min_s in ((first, 6.0), (second, 2.0)):
        audio = np.concatenate([samples for _, samples in chunks])
        assert audio.size / piper.sample_rate >= min_s
        assert rms(audio) > MIN_SPEECH_RMS


@pytest.mark.integration
async def test_piper_speed_shortens_speech() -> None:
    normal = np.concatenate([s for _, s in await collect(PiperTTS().stream(LISTING_LINE))])
    fast = np.concatenate([s for _, s in await collect(PiperTTS(speed=1.5).stream(LISTING_LINE))])
    assert fast.size < normal.size * 0.85


# -- remote providers against a local server speaking their protocol ------------------------------


class FakeSpeechServer(LocalHTTPServer):
    """`POST /v1/audio/speech` on localhost, streaming `chunks` of 24 kHz PCM with chunked
    transfer encoding.

    After each chunk the server waits until the client reports (`received`) that audio arrived,
    so a client that buffered the whole body instead of streaming makes `stalled` true.
    `mode`: "pcm" (raw bytes), "wav" (a WAV header first), "sse" (Together's server-sent events
    with base64 deltas) or "error" (HTTP 500).
    """

    protocol_version = "HTTP/1.1"

    def __init__(self, mode: str = "pcm", chunks: int = 4, rate: int = 24000) -> None:
        self.mode = mode
        self.rate = rate
        self.audio = tone(rate, 0.4)
        self.pieces = np.array_split(self.audio, chunks)
        self.stalled = False
        self._received = 0
        self._cond = threading.Condition()
        super().__init__()

    @property
    def requests(self) -> list[tuple[dict[str, Any], dict[str, str]]]:
        return [(json.loads(r.body), dict(r.headers)) for r in self.recorded]

    def respond(self, request: Request) -> Response:
        if self.mode == "error":
            return Response.json({"error": {"message": "CUDA out of memory"}}, 500)
        sse = self.mode == "sse"
        return Response(
            200, content_type="text/event-stream" if sse else "audio/pcm", chunks=self.stream(sse)
        )

    def stream(self, sse: bool) -> Iterator[bytes]:
        if self.mode == "wav":
            yield wav_header(self.rate)
        for index, piece in enumerate(self.pieces):
            yield self.event(piece.tobytes()) if sse else piece.tobytes()
            self.wait_for_client(index + 1)
        if sse:
            yield b"data: [DONE]\n\n"

    @staticmethod
    def event(pcm: bytes) -> bytes:
        delta = base64.b64encode(pcm).decode()
        payload = {"type": "conversation.item.audio_output.delta", "item_id": "tts_1"}
        return f"data: {json.dumps({**payload, 'delta': delta})}\n\n".encode()

    def wait_for_client(self, pieces: int) -> None:
        with self._cond:
            if not self._cond.wait_for(lambda: self._received >= pieces, timeout=3):
                self.stalled = True

    def received(self, pieces: int) -> None:
        with self._cond:
            self._received = pieces
            self._cond.notify_all()

    def close(self) -> None:
        self.received(10**9)
        super().close()


async def stream_through(server: FakeSpeechServer, tts: TTS, voice: str) -> list[AudioChunk]:
    """Collect the chunks, telling the server each time audio arrives (see `FakeSpeechServer`)."""
    chunks: list[AudioChunk] = []
    received = 0
    async for chunk in tts.stream(LISTING_LINE, voice=voice):
        chunks.append(chunk)
        received += chunk[1].size
        # Pieces the client has fully got; the server sends the next only after that.
        whole = np.searchsorted(np.cumsum([p.size for p in server.pieces]), received, "right")
        server.received(int(whole))
    await tts.aclose()
    return chunks


def remote_tts(server: FakeSpeechServer, key: str | None = "pod-secret") -> TTS:
    if server.mode == "sse":
        return TogetherOrpheusTTS(
            api_key=key, model="canopylabs/orpheus-3b-0.1-ft", url=f"{server.url}/v1/audio/speech"
        )
    return RemoteOrpheusTTS(url=f"{server.url}/v1", api_key=key, model="orpheus")


@pytest.mark.integration
@pytest.mark.parametrize("mode", ["pcm", "wav", "sse"])
async def test_remote_orpheus_audio_streams_in_as_it_is_made(mode: str) -> None:
    with FakeSpeechServer(mode, chunks=4) as server:
        chunks = await stream_through(server, remote_tts(server), voice="leo")
    assert not server.stalled, "the client waited for the whole body instead of streaming"
    assert len(chunks) >= 4
    assert all(rate == 24000 for rate, _ in chunks)
    assert np.array_equal(np.concatenate([s for _, s in chunks]), server.audio)
    request, headers = server.requests[0]
    assert request["input"] == LISTING_LINE
    assert request["voice"] == "leo"
    assert request["stream"] is True
    assert headers["Authorization"] == "Bearer pod-secret"
    if mode == "sse":
        assert request["model"] == "canopylabs/orpheus-3b-0.1-ft"
        assert request["response_format"] == "raw"
        assert request["response_encoding"] == "pcm_s16le"
    else:
        assert request["model"] == "orpheus"
        assert request["response_format"] == "pcm"


@pytest.mark.integration
async def test_remote_without_key_sends_no_authorization() -> None:
    with FakeSpeechServer("pcm") as server:
        await stream_through(server, remote_tts(server, key=None), voice="tara")
    assert "Authorization" not in server.requests[0][1]


@pytest.mark.integration
@pytest.mark.parametrize("mode", ["pcm", "sse"])
async def test_server_error_is_a_tts_error_naming_the_status(mode: str) -> None:
    with FakeSpeechServer(mode) as server:
        server.mode = "error"
        tts = remote_tts(server)
        with pytest.raises(TTSError, match="HTTP 500") as info:
            await collect(tts.stream(LISTING_LINE))
        await tts.aclose()
    assert "pod-secret" not in str(info.value)


@pytest.mark.integration
async def test_unreachable_server_is_a_tts_error() -> None:
    with FakeSpeechServer() as server:
        url = server.url
    tts = RemoteOrpheusTTS(url=url)
    with pytest.raises(TTSError, match="orpheus-remote"):
        await collect(tts.stream(LISTING_LINE))
    await tts.aclose()


@pytest.mark.integration
async def test_server_error_through_the_fallback_is_spoken_by_piper(piper: PiperTTS) -> None:
    with FakeSpeechServer("error") as server:
        tts = FallbackTTS(remote_tts(server), piper)
        chunks = await collect(tts.stream(LISTING_LINE, voice="tara"))
        await tts.primary.aclose()
    assert server.requests, "the remote engine was tried first"
    assert chunks and all(rate == 22050 for rate, _ in chunks)
    assert rms(np.concatenate([s for _, s in chunks])) > MIN_SPEECH_RMS


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("Okay, searching for homes in Retiro.", ["Okay,", "searching for homes in Retiro."]),
        (
            "I found one in Sole: two bedrooms and a view.",
            ["I found one in Sole:", "two bedrooms and a view."],
        ),
        ("Yes, sure.", ["Yes, sure."]),  # the rest is too short to be worth a second job
        ("Hello.", ["Hello."]),
        ("Is it quiet? Yes, very quiet indeed.", ["Is it quiet? Yes, very quiet indeed."]),
        (
            "The flat on the top floor of the old building, facing south, is bright.",
            ["The flat on the top floor of the old building, facing south, is bright."],
        ),  # the opening is more than eight words: no gain in splitting it
    ],
)
def test_piper_speaks_a_short_opening_clause_first(text: str, pieces: list[str]) -> None:
    assert opening_clause(text) == pieces


@pytest.mark.integration
async def test_piper_first_chunk_is_the_opening_clause() -> None:
    piper = PiperTTS()
    chunks = [chunk async for chunk in piper.stream("Okay, searching for flats in Retiro.")]
    assert len(chunks) == 2
    first_s, rest_s = (samples.size / rate for rate, samples in chunks)
    assert first_s < rest_s / 2  # "Okay," alone, then the long rest
