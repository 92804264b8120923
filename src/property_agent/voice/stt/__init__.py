"""Speech to text: one base class, one file per provider, chosen by `STT__MODEL`."""

from property_agent.voice.stt.base import (
    STT,
    STTError,
    is_no_speech,
    is_silent,
)
from property_agent.voice.stt.registry import STT_PROVIDERS, create_stt
from property_agent.voice.stt.whisper_local import prepare_whisper_model

__all__ = [
    "STT",
    "STT_PROVIDERS",
    "STTError",
    "create_stt",
    "is_no_speech",
    "is_silent",
    "prepare_whisper_model",
]
