"""The HTTP side shared by the remote speech providers: one client per provider, the streamed
body decoded to PCM as it arrives, errors as `TTSError` naming the provider and status, never
the API key."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx

from property_agent.voice.tts.base import TTS, AudioChunk, TTSError
from property_agent.voice.tts.pcm import PcmDecoder

_ERROR_BODY_CHARS = 300


class SpeechClient:
    """A lazily created `httpx.AsyncClient` (created inside the running loop) with one timeout."""

    def __init__(self, provider: str, timeout_s: float) -> None:
        self._provider = provider
        self._timeout = httpx.Timeout(timeout_s)
        self._client: httpx.AsyncClient | None = None

    @asynccontextmanager
    async def post(
        self, url: str, payload: dict[str, Any], headers: dict[str, str]
    ) -> AsyncIterator[httpx.Response]:
        """POST `payload` and hand over the streaming response; HTTP and network failures,
        including ones while the body streams, raise `TTSError`."""
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self._timeout)
        try:
            async with self._client.stream("POST", url, json=payload, headers=headers) as response:
                if response.status_code >= 400:
                    body = (await response.aread()).decode("utf-8", errors="replace")
                    raise TTSError(
                        f"{self._provider}: HTTP {response.status_code} from {url}: "
                        f"{' '.join(body.split())[:_ERROR_BODY_CHARS]}"
                    )
                yield response
        except httpx.HTTPError as exc:
            raise TTSError(f"{self._provider}: {type(exc).__name__} from {url}: {exc}") from exc

    async def pcm(
        self,
        url: str,
        payload: dict[str, Any],
        headers: dict[str, str],
        *,
        sample_rate: int,
        body: Callable[[httpx.Response], AsyncIterator[bytes]] = httpx.Response.aiter_bytes,
    ) -> AsyncIterator[AudioChunk]:
        """POST `payload` and yield its audio as it streams in: `body` picks the audio bytes
        out of the response (raw PCM or WAV by default); an answer with no audio is an error."""
        decoder = PcmDecoder(sample_rate, self._provider)
        async with self.post(url, payload, headers) as response:
            async for data in body(response):
                samples = decoder.feed(data)
                if samples is not None:
                    yield decoder.sample_rate, samples
        if decoder.samples_out == 0:
            raise TTSError(f"{self._provider}: no audio came back from {url}")

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


class HttpSpeechTTS(TTS):
    """A voice behind an HTTP speech endpoint (OpenAI's `/audio/speech` shape) that streams
    16-bit PCM at `SAMPLE_RATE`: one pooled client per provider, closed with it."""

    SAMPLE_RATE = 24_000
    DEFAULT_VOICE = "tara"

    def __init__(self, *, url: str, model: str, api_key: str | None, timeout_s: float) -> None:
        self._url = url
        self._model = model
        self._api_key = api_key
        self._client = SpeechClient(self.name, timeout_s)

    def _speech(
        self,
        text: str,
        voice: str | None,
        fields: dict[str, Any],
        body: Callable[[httpx.Response], AsyncIterator[bytes]] = httpx.Response.aiter_bytes,
    ) -> AsyncIterator[AudioChunk]:
        """Ask for `text` in `voice` (with the provider's own `fields`) and stream the audio."""
        payload = {
            "model": self._model,
            "input": text,
            "voice": voice or self.DEFAULT_VOICE,
            "stream": True,
            **fields,
        }
        headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
        return self._client.pcm(
            self._url, payload, headers, sample_rate=self.SAMPLE_RATE, body=body
        )

    @property
    def sample_rate(self) -> int:
        return self.SAMPLE_RATE

    async def aclose(self) -> None:
        await self._client.aclose()
