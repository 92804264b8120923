"""Whisper large-v3-turbo on Groq: fast and accurate when `GROQ__API_KEY` is set."""

from __future__ import annotations

from typing import Self

from property_agent.config import Settings
from property_agent.voice.stt.base import STTError
from property_agent.voice.stt.openai_compat import OpenAICompatibleSTT
from property_agent.voice.stt.prompt import prompt_for

GROQ_BASE_URL = "https://api.groq.com/openai/v1"


class GroqWhisperSTT(OpenAICompatibleSTT):
    """Groq's OpenAI-compatible `/openai/v1/audio/transcriptions`."""

    name = "whisper-groq"

    @classmethod
    def from_settings(cls, settings: Settings, base_url: str = GROQ_BASE_URL) -> Self:
        if settings.groq.api_key is None:
            raise STTError(
                "STT__MODEL=whisper-groq needs GROQ__API_KEY; set it, or use "
                "STT__MODEL=whisper-local to transcribe offline"
            )
        return cls(
            url=f"{base_url.rstrip('/')}/audio/transcriptions",
            model=settings.stt.groq_model,
            language=settings.stt.language,
            api_key=settings.groq.api_key.get_secret_value(),
            timeout_s=settings.stt.timeout_s,
            prompt=prompt_for(settings),
        )
