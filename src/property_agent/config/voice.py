"""How the avatar hears and speaks, on the web page and on the phone: STT, TTS, end of turn,
the search filler, web sessions and phone-call limits."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr

from property_agent.config.base import Group, url_setting


def _cores(most: int) -> int:
    """This machine's cores, at most `most`."""
    return max(1, min(most, os.cpu_count() or 1))


class STTSettings(Group):
    """Speech to text. `whisper-local` runs the packaged Whisper base offline."""

    model: Literal["whisper-local", "whisper-groq", "faster-whisper-remote", "moonshine"] = (
        "whisper-local"
    )
    language: str = "en"
    # CPU threads for local inference: one transcription (or batch) runs at a time, on every core.
    threads: int = Field(default_factory=lambda: _cores(4), ge=1, le=32)
    # Beam width of the local model, and how many readings of a turn it weighs for the place
    # named (voice/stt/hypotheses.py). Phone bench, dev split: 1 → 58%, 3 → 70%, 5 → 75%,
    # 8 → 78% of requests searched in the right place; 5 costs ~60 ms a turn more than 3.
    beam_size: int = Field(default=5, ge=1, le=10)
    # Turns from several calls go through the local model as one batch (voice/stt/batching.py):
    # a turn that ends while the model is idle waits this long for others ending with it.
    batch_window_ms: int = Field(default=50, ge=0, le=1000)
    max_batch: int = Field(default=8, ge=1, le=64)  # turns per batch at most
    model_dir: Path = Path.home() / ".cache" / "property-agent" / "whisper-base"
    groq_model: str = "whisper-large-v3-turbo"
    remote_url: str | None = None  # OpenAI-compatible /v1/audio/transcriptions (e.g. RunPod)
    remote_api_key: SecretStr | None = None
    remote_model: str = "Systran/faster-whisper-large-v3"
    timeout_s: float = Field(default=15.0, gt=0, le=120)

    _check_url = url_setting("remote_url", "STT__REMOTE_URL")


class TTSSettings(Group):
    """Text to speech. `piper` speaks with the packaged en_US joe voice offline; the others fall
    back to Piper when they fail."""

    model: Literal["piper", "kokoro", "together", "orpheus-remote"] = "piper"
    speed: float = Field(default=1.0, gt=0.25, le=4.0)
    # CPU threads for Piper's ONNX session: half the cores, so a sentence being synthesised
    # leaves room for Whisper and the calls' voice detection running at the same time.
    threads: int = Field(default_factory=lambda: max(1, _cores(8) // 2), ge=1, le=32)
    kokoro_dir: Path | None = None  # folder holding kokoro-v1.0.onnx and voices-v1.0.bin
    together_api_key: SecretStr | None = None
    together_model: str = "canopylabs/orpheus-3b-0.1-ft"
    remote_url: str | None = None  # OpenAI-compatible /v1/audio/speech (e.g. an Orpheus pod)
    remote_api_key: SecretStr | None = None
    remote_model: str = "orpheus"
    timeout_s: float = Field(default=20.0, gt=0, le=120)

    _check_url = url_setting("remote_url", "TTS__REMOTE_URL")


class VADSettings(Group):
    """End-of-turn detection (Silero on every 32 ms, voice/turn_detection.py). `silence`: the
    turn ends after `min_silence_ms` of silence. `smart-turn`: after `turn_check_ms` of silence
    the Smart Turn model judges whether the caller has finished; if not, the turn ends only
    after `max_pause_ms` of silence."""

    turn_model: Literal["smart-turn", "silence"] = "silence"
    turn_check_ms: int = Field(default=200, ge=64, le=2000)
    max_pause_ms: int = Field(default=1800, ge=200, le=10000)
    threshold: float = Field(default=0.5, gt=0, lt=1)
    min_silence_ms: int = Field(default=450, ge=100, le=5000)
    speech_pad_ms: int = Field(default=200, ge=0, le=2000)  # kept before the detected start
    started_talking_s: float = Field(default=0.2, ge=0, le=5)  # speech that opens a turn
    max_turn_s: float = Field(default=60.0, ge=1, le=600)  # a longer monologue is cut here


class FillerSettings(Group):
    """What the caller hears while a search runs: the avatar's tool line, then typing."""

    enabled: bool = True
    max_s: float = Field(default=6.0, ge=0, le=60)


class WebSettings(Group):
    """The voice web page: how many browser sessions at once, and for how long each."""

    max_sessions: int = Field(default=8, ge=1, le=1000)
    time_limit_s: float = Field(default=900.0, gt=0)


class TelephonySettings(Group):
    """Phone calls over Twilio Media Streams: limits and who resumes where."""

    max_calls: int = Field(default=20, ge=1, le=1000)  # simultaneous calls; more hear "busy"
    max_call_s: float = Field(default=1800.0, gt=0)  # a call this long ends with a goodbye
    silence_timeout_s: float = Field(default=60.0, gt=0)  # caller silent this long: goodbye
    resume_caller: bool = True  # a returning number resumes its conversation
    records_limit: int = Field(default=50, ge=1, le=1000)  # calls listed by GET /calls
