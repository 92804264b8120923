"""`STT__MODEL` value → provider. Providers import lazily, so an optional SDK that is missing
only matters to the provider that needs it."""

from __future__ import annotations

from collections.abc import Callable

from property_agent.config import Settings
from property_agent.voice.stt.base import STT


def _whisper_local(settings: Settings) -> STT:
    from property_agent.voice.stt.whisper_local import LocalWhisperSTT

    return LocalWhisperSTT(settings)


def _whisper_groq(settings: Settings) -> STT:
    from property_agent.voice.stt.groq import GroqWhisperSTT

    return GroqWhisperSTT(settings)


def _faster_whisper_remote(settings: Settings) -> STT:
    from property_agent.voice.stt.remote import RemoteFasterWhisperSTT

    return RemoteFasterWhisperSTT(settings)


def _moonshine(settings: Settings) -> STT:
    from property_agent.voice.stt.moonshine import MoonshineSTT

    return MoonshineSTT(settings)


STT_PROVIDERS: dict[str, Callable[[Settings], STT]] = {
    "whisper-local": _whisper_local,
    "whisper-groq": _whisper_groq,
    "faster-whisper-remote": _faster_whisper_remote,
    "moonshine": _moonshine,
}


def create_stt(settings: Settings) -> STT:
    """The configured provider, ready to use; raises at start-up when it cannot work."""
    try:
        factory = STT_PROVIDERS[settings.stt.model]
    except KeyError:
        valid = ", ".join(STT_PROVIDERS)
        raise ValueError(
            f"STT__MODEL={settings.stt.model!r} is not a speech-to-text provider; use one of: "
            f"{valid}"
        ) from None
    return factory(settings)
