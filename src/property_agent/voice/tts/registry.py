"""`TTS__MODEL` → a speech provider. Every engine but Piper is wrapped so Piper takes over
when it fails; a half-configured engine fails at start-up, naming the setting to fix."""

from __future__ import annotations

from collections.abc import Callable

from property_agent.config import Settings
from property_agent.voice.tts.base import TTS
from property_agent.voice.tts.fallback import FallbackTTS
from property_agent.voice.tts.kokoro import KokoroTTS
from property_agent.voice.tts.piper import PiperTTS
from property_agent.voice.tts.remote import RemoteOrpheusTTS
from property_agent.voice.tts.together import TogetherOrpheusTTS

TTS_PROVIDERS: dict[str, Callable[[Settings], TTS]] = {
    "piper": PiperTTS.from_settings,
    "kokoro": KokoroTTS.from_settings,
    "together": TogetherOrpheusTTS.from_settings,
    "orpheus-remote": RemoteOrpheusTTS.from_settings,
}


def create_tts(settings: Settings) -> TTS:
    """The configured engine; anything but Piper comes with Piper as its fallback."""
    engine = settings.tts.model
    factory = TTS_PROVIDERS.get(engine)
    if factory is None:
        raise ValueError(f"Unknown TTS__MODEL {engine!r}; valid: {', '.join(TTS_PROVIDERS)}")
    primary = factory(settings)
    if engine == "piper":
        return primary
    return FallbackTTS(primary, PiperTTS.from_settings(settings))
