"""`STT__MODEL` value → provider (imported only when chosen)."""

from __future__ import annotations

from property_agent.config import Settings
from property_agent.voice.providers import ProviderRegistry
from property_agent.voice.stt.base import STT

_PACKAGE = "property_agent.voice.stt"
STT_PROVIDERS: ProviderRegistry[STT] = ProviderRegistry(
    "STT__MODEL",
    "speech-to-text",
    {
        "whisper-local": f"{_PACKAGE}.whisper_local:LocalWhisperSTT",
        "whisper-groq": f"{_PACKAGE}.groq:GroqWhisperSTT",
        "faster-whisper-remote": f"{_PACKAGE}.remote:RemoteFasterWhisperSTT",
        "moonshine": f"{_PACKAGE}.moonshine:MoonshineSTT",
    },
)


def create_stt(settings: Settings) -> STT:
    """The configured provider, ready to use; raises at start-up when it cannot work."""
    return STT_PROVIDERS.create(settings.stt.model, settings)
