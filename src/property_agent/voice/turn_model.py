"""The semantic end-of-turn model: Smart Turn v3.2 (pipecat-ai, BSD-2), an 8 MB int8 ONNX
classifier that reads the last 8 s of a turn (Whisper-tiny features) and says whether the
caller has finished — by what they said and how (falling pitch, a closed sentence), not by how
long they have been quiet.

Only the model file is taken from the `pipecat-ai` wheel, installed without its dependencies
(see the Makefile's `install`): its analyzer would bring loguru, soxr, numba, openai and more for
what is one ONNX call and a numpy feature extractor (whisper_features.py).
"""

from __future__ import annotations

import logging
from functools import cache
from importlib.util import find_spec
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from property_agent.voice.whisper_features import fit_window, log_mel

logger = logging.getLogger(__name__)

MODEL_FILE = "smart-turn-v3.2-cpu.onnx"
INSTALL_HINT = "pip install --no-deps pipecat-ai==1.14.0 (`make install` does)"


class SmartTurnModel:
    """Whether a turn is complete, from its 16 kHz audio (silence after the last word included,
    as the model was trained)."""

    threshold = 0.5  # the model's sigmoid output; pipecat's analyzer cuts at 0.5 too

    def __init__(self, path: Path | None = None) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        options.inter_op_num_threads = 1
        options.intra_op_num_threads = 1  # one call per pause; the cores serve other calls
        options.log_severity_level = 4
        self.session = onnxruntime.InferenceSession(
            str(path or packaged_model_path()),
            providers=["CPUExecutionProvider"],
            sess_options=options,
        )

    def probability(self, audio: NDArray[np.float32]) -> float:
        """P(the turn is complete) for 16 kHz mono float audio; only its last 8 s count."""
        features = log_mel(fit_window(audio))[np.newaxis]
        (out,) = self.session.run(None, {"input_features": features})
        return float(np.asarray(out).reshape(-1)[0])

    def is_complete(self, audio: NDArray[np.float32]) -> bool:
        return self.probability(audio) > self.threshold


def packaged_model_path() -> Path:
    """The ONNX file inside the installed `pipecat-ai` package, found without importing it
    (its `__init__` imports loguru, which is not installed)."""
    spec = find_spec("pipecat")
    for folder in list(spec.submodule_search_locations or []) if spec else []:
        candidate = Path(folder) / "audio" / "turn" / "smart_turn" / "data" / MODEL_FILE
        if candidate.is_file():
            return candidate
    raise RuntimeError(
        f"The Smart Turn model ({MODEL_FILE}) is missing: {INSTALL_HINT}, "
        "or set VAD__TURN_MODEL=silence"
    )


@cache
def packaged_turn_model() -> SmartTurnModel:
    """One model per process (an ONNX session is thread-safe for inference), warmed up once."""
    model = SmartTurnModel()
    model.probability(np.zeros(8_000, dtype=np.float32))
    logger.info("Smart Turn v3.2 loaded from the pipecat-ai package")
    return model
