"""Kokoro 82M through `kokoro-onnx` (FastRTC's `tts` extra), only from model files already on
disk: `TTS__KOKORO_DIR`, or FastRTC's Hugging Face cache. Nothing is downloaded; without the
files start-up fails saying what is missing.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, Self

from property_agent.config import Settings
from property_agent.voice.tts.base import TTS, AudioChunk, TTSError, closing, split_sentences
from property_agent.voice.tts.blocking import engine_worker, iterate_in_executor

MODEL_FILE = "kokoro-v1.0.onnx"
VOICES_FILE = "voices-v1.0.bin"
HF_REPO = "fastrtc/kokoro-onnx"  # where FastRTC's get_tts_model("kokoro") caches them
DEFAULT_VOICE = "af_heart"
SAMPLE_RATE = 24_000
_MIN_SPEED, _MAX_SPEED = 0.5, 2.0  # kokoro-onnx rejects speeds outside this range

_models: dict[tuple[Path, Path], Any] = {}
_models_lock = threading.Lock()


def _cached_file(name: str) -> Path | None:
    """A file of FastRTC's Kokoro repo if it is in the Hugging Face cache (never downloads)."""
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return None
    found = try_to_load_from_cache(HF_REPO, name)
    return Path(found) if isinstance(found, str) else None


def find_model_files(kokoro_dir: Path | None) -> tuple[Path, Path]:
    """The model and voices files, or a `TTSError` naming everything that is missing."""
    problems = []
    if kokoro_dir is not None:
        model, voices = Path(kokoro_dir) / MODEL_FILE, Path(kokoro_dir) / VOICES_FILE
        missing = [p.name for p in (model, voices) if not p.is_file()]
        if missing:
            problems.append(f"{' and '.join(missing)} not found in {kokoro_dir} (TTS__KOKORO_DIR)")
    else:
        cached_model, cached_voices = _cached_file(MODEL_FILE), _cached_file(VOICES_FILE)
        if cached_model is None or cached_voices is None:
            problems.append(
                f"TTS__KOKORO_DIR is unset and {MODEL_FILE} + {VOICES_FILE} are not in the "
                f"Hugging Face cache ({HF_REPO}); put both files in a folder and set "
                "TTS__KOKORO_DIR to it"
            )
        else:
            model, voices = cached_model, cached_voices
    if importlib.util.find_spec("kokoro_onnx") is None:
        problems.append("the kokoro_onnx module is not installed (pip install 'fastrtc[tts]')")
    if problems:
        raise TTSError(
            f"kokoro: {'; '.join(problems)}. Nothing is downloaded at run time; "
            "TTS__MODEL=piper works offline."
        )
    return model, voices


def _load(model: Path, voices: Path) -> Any:
    with _models_lock:
        if (model, voices) not in _models:
            from kokoro_onnx import Kokoro

            try:
                _models[model, voices] = Kokoro(str(model), str(voices))
            except Exception as exc:
                raise TTSError(f"kokoro: cannot load {model}: {exc}") from exc
        return _models[model, voices]


class KokoroTTS(TTS):
    """Kokoro on the CPU; the avatar's `kokoro` voice (British `b*` voices speak en-gb)."""

    name = "kokoro"

    def __init__(self, kokoro_dir: Path | None = None, speed: float = 1.0) -> None:
        self._kokoro = _load(*find_model_files(kokoro_dir))
        self._speed = min(max(speed, _MIN_SPEED), _MAX_SPEED)

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        return cls(kokoro_dir=settings.tts.kokoro_dir, speed=settings.tts.speed)

    @property
    def sample_rate(self) -> int:
        return SAMPLE_RATE

    async def _synthesize(self, text: str, voice: str | None) -> AsyncIterator[AudioChunk]:
        # kokoro-onnx reports bad voices and inputs with assert: the base names it a TTSError.
        sentences = split_sentences(text)
        blocking = self._blocking(sentences, voice or DEFAULT_VOICE)
        steps = iterate_in_executor(blocking, engine_worker("kokoro"))
        async with closing(steps):  # a barge-in stops the synthesis after this sentence
            async for chunk in steps:
                yield chunk

    def _blocking(self, sentences: list[str], voice: str) -> Iterator[tuple[int, Any]]:
        lang = "en-gb" if voice.startswith("b") else "en-us"
        for sentence in sentences:
            samples, rate = self._kokoro.create(sentence, voice=voice, speed=self._speed, lang=lang)
            yield int(rate), samples
