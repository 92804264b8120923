"""Moonshine base (FastRTC's ONNX speech model), only when its weights are already on disk.

FastRTC's own loader downloads the weights from the Hugging Face Hub on first use; this provider
refuses instead, because nothing may download weights at run time. It looks in the local Hub
cache (without touching the network) for either file layout the moonshine packages have used.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import threading
from pathlib import Path
from typing import Any, Self

from huggingface_hub import try_to_load_from_cache

from property_agent.config import Settings
from property_agent.voice.stt.base import STT, STTError

logger = logging.getLogger(__name__)

REPO_ID = "UsefulSensors/moonshine"
FLAVOUR = "base"
# Newer moonshine_onnx: merged encoder/decoder per precision; older: four graphs per flavour.
LAYOUTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (f"onnx/merged/{FLAVOUR}/float", ("encoder_model.onnx", "decoder_model_merged.onnx")),
    (
        f"onnx/{FLAVOUR}",
        ("preprocess.onnx", "encode.onnx", "uncached_decode.onnx", "cached_decode.onnx"),
    ),
)
_FALLBACK = "use STT__MODEL=whisper-local (the packaged Whisper base, offline)"


def find_moonshine_weights(cache_dir: Path | str | None = None) -> Path | None:
    """The local folder holding a complete set of Moonshine base graphs, or None."""
    for subfolder, files in LAYOUTS:
        found = [
            try_to_load_from_cache(REPO_ID, f"{subfolder}/{name}", cache_dir=cache_dir)
            for name in files
        ]
        paths = [Path(p) for p in found if isinstance(p, str)]
        if len(paths) == len(files) and len({p.parent for p in paths}) == 1:
            return paths[0].parent
    return None


def _import_moonshine() -> Any:
    try:
        return importlib.import_module("moonshine_onnx")
    except ImportError:
        raise STTError(
            "STT__MODEL=moonshine needs FastRTC's speech extra: pip install 'fastrtc[stt]' "
            f"(and its weights in the Hugging Face cache); or {_FALLBACK}"
        ) from None


class MoonshineSTT(STT):
    """Moonshine base on the CPU through onnxruntime, from weights already cached locally."""

    name = "moonshine"

    def __init__(self, cache_dir: Path | str | None = None) -> None:
        moonshine = _import_moonshine()
        folder = find_moonshine_weights(cache_dir)
        if folder is None:
            wanted = " or ".join(f"{sub}/{{{','.join(files)}}}" for sub, files in LAYOUTS)
            raise STTError(
                f"STT__MODEL=moonshine: the Moonshine {FLAVOUR} weights are not in the local "
                f"Hugging Face cache (looked for {REPO_ID}: {wanted}) and are never downloaded "
                f"at run time; {_FALLBACK}"
            )
        self._model = moonshine.MoonshineOnnxModel(models_dir=str(folder), model_name=FLAVOUR)
        self._tokenizer = moonshine.load_tokenizer()
        self._lock = threading.Lock()  # one onnxruntime decode loop at a time per model
        logger.info("Loaded Moonshine %s from %s", FLAVOUR, folder)

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        return cls()  # the weights come from the Hugging Face cache, whatever the settings

    async def _transcribe(self, samples: Any) -> str:
        return await asyncio.to_thread(self._run, samples)

    def _run(self, samples: Any) -> str:
        with self._lock:
            tokens = self._model.generate(samples.reshape(1, -1))
        return str(self._tokenizer.decode_batch(tokens)[0])
