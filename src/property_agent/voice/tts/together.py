"""Orpheus on Together AI (`POST /v1/audio/speech`, streaming).

With `stream: true` Together answers with server-sent events whose `delta` fields hold base64
raw PCM (`response_format: raw`, `response_encoding: pcm_s16le`, 24 kHz), ending with
`data: [DONE]`. A plain octet-stream body (raw PCM or WAV) is accepted too.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import AsyncIterator
from typing import Any, Self

import httpx

from property_agent.config import Settings
from property_agent.voice.tts.base import AudioChunk, TTSError
from property_agent.voice.tts.http_client import HttpSpeechTTS

TOGETHER_URL = "https://api.together.xyz/v1/audio/speech"
_AUDIO_DELTA = "conversation.item.audio_output.delta"


class TogetherOrpheusTTS(HttpSpeechTTS):
    """Orpheus 3B on Together; the avatar's `together` (else `orpheus`) voice."""

    name = "together"
    voice_keys = ("together", "orpheus")

    def __init__(
        self,
        api_key: str | None,
        model: str = "canopylabs/orpheus-3b-0.1-ft",
        timeout_s: float = 20.0,
        url: str = TOGETHER_URL,
    ) -> None:
        if not api_key:
            raise TTSError(
                "together: TTS__MODEL=together needs TTS__TOGETHER_API_KEY "
                "(or set TTS__MODEL=piper, which works offline)"
            )
        super().__init__(url=url, model=model, api_key=api_key, timeout_s=timeout_s)

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        key = settings.tts.together_api_key
        return cls(
            api_key=key.get_secret_value() if key else None,
            model=settings.tts.together_model,
            timeout_s=settings.tts.timeout_s,
        )

    def _synthesize(self, text: str, voice: str | None) -> AsyncIterator[AudioChunk]:
        fields = {
            "response_format": "raw",
            "response_encoding": "pcm_s16le",
            "sample_rate": self.SAMPLE_RATE,
        }
        return self._speech(text, voice, fields, body=_audio_bytes)


async def _audio_bytes(response: httpx.Response) -> AsyncIterator[bytes]:
    """The audio bytes of a streamed response: decoded SSE deltas, or the raw body."""
    if not response.headers.get("content-type", "").startswith("text/event-stream"):
        async for data in response.aiter_bytes():
            yield data
        return
    async for line in response.aiter_lines():
        if not line.startswith("data:"):
            continue
        body = line.removeprefix("data:").strip()
        if body == "[DONE]":
            return
        event = _parse_event(body)
        if event.get("type") == _AUDIO_DELTA and event.get("delta"):
            try:
                yield base64.b64decode(event["delta"])
            except (binascii.Error, TypeError) as exc:
                raise TTSError(f"together: undecodable audio delta: {exc}") from exc


def _parse_event(data: str) -> dict[str, Any]:
    try:
        event = json.loads(data)
    except json.JSONDecodeError as exc:
        raise TTSError(f"together: malformed stream event: {data[:120]!r}") from exc
    if not isinstance(event, dict):
        return {}
    if event.get("type") == "error" or "error" in event:
        error = event.get("error", event)
        message = error.get("message", error) if isinstance(error, dict) else error
        raise TTSError(f"together: the stream reported an error: {message}")
    return event
