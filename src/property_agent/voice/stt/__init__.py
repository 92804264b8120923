"""Speech to text: one protocol, one file per provider, chosen by `STT__MODEL`."""

from property_agent.voice.stt.base import (
    STT,
    STTError,
    is_no_speech,
    is_silent,
    to_mono_float32_16k,
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
    "to_mono_float32_16k",
]
