"""A faster-whisper server of our own (e.g. a RunPod pod) behind an OpenAI-compatible API."""

from __future__ import annotations

from typing import Self

from property_agent.config import Settings
from property_agent.voice.stt.base import STTError
from property_agent.voice.stt.openai_compat import OpenAICompatibleSTT
from property_agent.voice.stt.prompt import prompt_for


def transcriptions_url(base: str) -> str:
    """Accept the server root, its `/v1`, or the full endpoint as `STT__REMOTE_URL`."""
    base = base.rstrip("/")
    if base.endswith("/audio/transcriptions"):
        return base
    if base.endswith("/v1"):
        return f"{base}/audio/transcriptions"
    return f"{base}/v1/audio/transcriptions"


class RemoteFasterWhisperSTT(OpenAICompatibleSTT):
    """`/v1/audio/transcriptions` at `STT__REMOTE_URL`, with an optional bearer key."""

    name = "faster-whisper-remote"

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        stt = settings.stt
        if not stt.remote_url:
            raise STTError(
                "STT__MODEL=faster-whisper-remote needs STT__REMOTE_URL (the server's base URL, "
                "e.g. https://<pod>-8000.proxy.runpod.net); set it, or use STT__MODEL=whisper-local"
            )
        return cls(
            url=transcriptions_url(stt.remote_url),
            model=stt.remote_model,
            language=stt.language,
            api_key=stt.remote_api_key.get_secret_value() if stt.remote_api_key else None,
            timeout_s=stt.timeout_s,
            prompt=prompt_for(settings),
        )
