"""Text to speech: one base, one module per provider, a registry and a Piper fallback."""

from property_agent.voice.tts.base import TTS, AudioChunk, TTSError
from property_agent.voice.tts.registry import TTS_PROVIDERS, create_tts

__all__ = ["TTS", "TTS_PROVIDERS", "AudioChunk", "TTSError", "create_tts"]
