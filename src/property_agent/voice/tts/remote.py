"""Orpheus on your own server (an Orpheus-FastAPI pod on RunPod, or any OpenAI-compatible
`/v1/audio/speech`), streamed as raw 24 kHz 16-bit PCM; a WAV answer is read from its header."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Self

from property_agent.config import Settings
from property_agent.voice.tts.base import AudioChunk, TTSError
from property_agent.voice.tts.http_client import HttpSpeechTTS


def speech_url(base_url: str) -> str:
    """`http://pod:5005`, `…/v1` and `…/v1/audio/speech` all mean the speech endpoint."""
    url = base_url.rstrip("/")
    if url.endswith("/audio/speech"):
        return url
    return f"{url}/audio/speech" if url.endswith("/v1") else f"{url}/v1/audio/speech"


class RemoteOrpheusTTS(HttpSpeechTTS):
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
        super().__init__(url=speech_url(url), model=model, api_key=api_key, timeout_s=timeout_s)
        self._speed = speed

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

    def _synthesize(self, text: str, voice: str | None) -> AsyncIterator[AudioChunk]:
        return self._speech(text, voice, {"response_format": "pcm", "speed": self._speed})
