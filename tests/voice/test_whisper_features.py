"""The Smart Turn model's input: our numpy log-mel features are Whisper's own (transformers'
WhisperFeatureExtractor, which the product does not import: seconds of start-up)."""

from __future__ import annotations

import numpy as np
import pytest

from property_agent.voice.audio import to_stt_input
from property_agent.voice.whisper_features import SAMPLES, fit_window, log_mel
from tests.support.audio import MIC_RATE, needs_espeak, spoken


@needs_espeak
def test_features_of_speech_are_whispers() -> None:
    from transformers import WhisperFeatureExtractor

    audio = fit_window(to_stt_input(MIC_RATE, spoken("I am looking for a flat in Retiro")))
    reference = WhisperFeatureExtractor(chunk_length=8)(
        audio,
        sampling_rate=16_000,
        return_tensors="np",
        padding="max_length",
        max_length=SAMPLES,
        truncation=True,
        do_normalize=True,
    ).input_features[0]
    ours = log_mel(audio)
    assert ours.shape == reference.shape == (80, 800)
    assert np.abs(ours - reference).max() < 1e-4


def test_the_model_hears_the_last_eight_seconds_padded_in_front() -> None:
    """The end of the turn is at the end of the model's window, however long the turn."""
    short = np.ones(16_000, dtype=np.float32)
    window = fit_window(short)
    assert window.size == SAMPLES and not window[:-16_000].any() and window[-16_000:].all()
    long = np.arange(SAMPLES + 5, dtype=np.float32)
    assert fit_window(long)[0] == 5


def test_a_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="128000"):
        log_mel(np.zeros(16_000, dtype=np.float32))
