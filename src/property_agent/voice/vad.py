"""End-of-turn detection: FastRTC's Silero pause detection on the model the `silero-vad`
package ships (FastRTC's own VAD downloads its weights, and expects the older model interface).

The packaged model is Silero v5: 512-sample windows at 16 kHz, a 2×B×128 recurrent state, and
64 samples of context carried from the previous window. FastRTC's speech-timestamp logic is
reused unchanged; only loading and the per-window call differ.
"""

from __future__ import annotations

import logging
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np
from fastrtc import AlgoOptions, SileroVadOptions
from fastrtc.pause_detection.silero import SileroVADModel

from property_agent.config import VADSettings

logger = logging.getLogger(__name__)

WINDOW_16K = 512  # the v5 model's window at 16 kHz
_CONTEXT = 64


class PackagedSileroVAD(SileroVADModel):
    """A FastRTC `PauseDetectionModel` on `silero_vad/data/silero_vad.onnx`."""

    def __init__(self) -> None:  # no super().__init__(): that downloads the model
        import onnxruntime

        path = packaged_model_path()
        options = onnxruntime.SessionOptions()
        options.inter_op_num_threads = 1
        options.intra_op_num_threads = 1
        options.log_severity_level = 4
        self.session = onnxruntime.InferenceSession(
            str(path), providers=["CPUExecutionProvider"], sess_options=options
        )

    def get_initial_state(self, batch_size: int) -> Any:
        return (
            np.zeros((2, batch_size, 128), dtype=np.float32),
            np.zeros((batch_size, _CONTEXT), dtype=np.float32),
        )

    def __call__(self, x: np.ndarray, state: Any, sr: int) -> tuple[np.ndarray, Any]:
        if x.ndim == 1:
            x = x[np.newaxis, :]
        recurrent, context = state
        window = np.concatenate([context, x.astype(np.float32)], axis=1)
        out, recurrent = self.session.run(
            None, {"input": window, "state": recurrent, "sr": np.array(sr, dtype=np.int64)}
        )
        return out, (recurrent, window[:, -_CONTEXT:])


def packaged_model_path() -> Path:
    """The ONNX file inside the installed `silero-vad` package, found without importing the
    package (its `__init__` imports torch: 4 s of start-up for a file path)."""
    spec = find_spec("silero_vad")
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        candidate = Path(folder) / "data" / "silero_vad.onnx"
        if candidate.is_file():
            return candidate
    raise RuntimeError(
        "The Silero VAD model is missing: install the silero-vad package "
        "(a dependency of property-phone-agent)"
    )


@cache
def packaged_vad() -> PackagedSileroVAD:
    """One model per process (the ONNX session is thread-safe for inference)."""
    model = PackagedSileroVAD()
    model.warmup()  # type: ignore[no-untyped-call]  # FastRTC is untyped
    logger.debug("Silero VAD loaded from the silero-vad package")
    return model


def vad_options(settings: VADSettings) -> tuple[AlgoOptions, SileroVadOptions]:
    """FastRTC's options from our settings. The streaming detector (turn_detection.py) decides
    the end of a turn itself; FastRTC still reads `started_talking_threshold` and
    `max_continuous_speech_s` from these."""
    algo = AlgoOptions(
        started_talking_threshold=settings.started_talking_s,
        max_continuous_speech_s=settings.max_turn_s,
    )
    model = SileroVadOptions(
        threshold=settings.threshold,
        min_silence_duration_ms=settings.min_silence_ms,
        window_size_samples=WINDOW_16K,
        speech_pad_ms=settings.speech_pad_ms,
    )
    return algo, model
