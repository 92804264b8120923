"""Orpheus on your own server (an Orpheus-FastAPI pod on RunPod, or any OpenAI-compatible
`/v1/audio/speech`), streamed as raw 24 kHz 16-bit PCM; a WAV answer is read from its header."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Self

from property_agent.config import Settings
from property_agent.voice.tts.base import TTS, AudioChunk, TTSError
from property_agent.voice.tts.http_client import SpeechClient

DEFAULT_VOICE = "tara"
SAMPLE_RATE = 24_000


def speech_url(base_url: str) -> str:
    """`http://pod:5005`, `…/v1` and `…/v1/audio/speech` all mean the speech endpoint."""
    url = base_url.rstrip("/")
    if url.endswith("/audio/speech"):
        return url
    return f"{url}/audio/speech" if url.endswith("/v1") else f"{url}/v1/audio/speech"


class RemoteOrpheusTTS(TTS):
    """Orpheus behind an OpenAI-compatible speech endpoint; the avatar's `orpheus` voice."""

    name = "orpheus-remote"
    voice_keys = ("orpheus",)

    def __init__(
        self,
        url: str | None,
        api_key: str | None = None,
        model: str = "orpheus",
        speed: float = 1.0,
        timeout_s: float = 20.0,
    ) -> None:
        if not url:
            raise TTSError(
                "orpheus-remote: TTS__MODEL=orpheus-remote needs TTS__REMOTE_URL, the base URL of "
                "an OpenAI-compatible /v1/audio/speech server (or set TTS__MODEL=piper, which "
                "works offline)"
            )
        self._url = speech_url(url)
        self._api_key = api_key
        self._model = model
        self._speed = speed
        self._client = SpeechClient(self.name, timeout_s)

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        key = settings.tts.remote_api_key
        return cls(
            url=settings.tts.remote_url,
            api_key=key.get_secret_value() if key else None,
            model=settings.tts.remote_model,
            speed=settings.tts.speed,
            timeout_s=settings.tts.timeout_s,
        )

    @property
    def sample_rate(self) -> int:
        return SAMPLE_RATE

    def _synthesize(self, text: str, voice: str | None) -> AsyncIterator[AudioChunk]:
        payload = {
            "model": self._model,
            "input": text,
            "voice": voice or DEFAULT_VOICE,
            "response_format": "pcm",
            "stream": True,
            "speed": self._speed,
        }
        headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
        return self._client.pcm(self._url, payload, headers, sample_rate=SAMPLE_RATE)

    async def aclose(self) -> None:
        await self._client.aclose()
