"""`TTS__MODEL` → a speech provider (imported only when chosen). Every engine but Piper is
wrapped so Piper takes over when it fails; a half-configured engine fails at start-up, naming the
setting to fix."""

from __future__ import annotations

from property_agent.config import Settings
from property_agent.voice.providers import ProviderRegistry
from property_agent.voice.tts.base import TTS
from property_agent.voice.tts.fallback import FallbackTTS

_PACKAGE = "property_agent.voice.tts"
TTS_PROVIDERS: ProviderRegistry[TTS] = ProviderRegistry(
    "TTS__MODEL",
    "text-to-speech",
    {
        "piper": f"{_PACKAGE}.piper:PiperTTS",
        "kokoro": f"{_PACKAGE}.kokoro:KokoroTTS",
        "together": f"{_PACKAGE}.together:TogetherOrpheusTTS",
        "orpheus-remote": f"{_PACKAGE}.remote:RemoteOrpheusTTS",
    },
)


def create_tts(settings: Settings) -> TTS:
    """The configured engine; anything but Piper comes with Piper as its fallback."""
    engine = settings.tts.model
    primary = TTS_PROVIDERS.create(engine, settings)
    if engine == "piper":
        return primary
    return FallbackTTS(primary, TTS_PROVIDERS.create("piper", settings))
