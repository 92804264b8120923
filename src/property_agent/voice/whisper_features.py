"""Whisper's log-mel features in numpy, as the Smart Turn model takes them: 8 s at 16 kHz,
80 mel bands, 10 ms hop, giving an (80, 800) array.

The maths is `transformers.WhisperFeatureExtractor(chunk_length=8)` with `do_normalize=True`,
following the numpy copy pipecat ships beside the model (pipecat-ai,
`audio/turn/smart_turn/_whisper_features.py`, BSD-2; derived from Hugging Face Transformers,
Apache-2.0). Written here so the product imports neither transformers (seconds of start-up)
nor pipecat (whose dependencies it does not install).
"""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

RATE = 16_000
SECONDS = 8
SAMPLES = RATE * SECONDS
N_FFT = 400
HOP = 160
N_MELS = 80


def _hz_to_mel(freq: NDArray[np.float64]) -> NDArray[np.float64]:
    """The Slaney mel scale: linear below 1 kHz, logarithmic above."""
    mels = 3.0 * freq / 200.0
    high = freq >= 1000.0
    mels[high] = 15.0 + np.log(freq[high] / 1000.0) * (27.0 / np.log(6.4))
    return mels


def _mel_to_hz(mels: NDArray[np.float64]) -> NDArray[np.float64]:
    freq = 200.0 * mels / 3.0
    high = mels >= 15.0
    freq[high] = 1000.0 * np.exp((np.log(6.4) / 27.0) * (mels[high] - 15.0))
    return freq


@cache
def mel_filters() -> NDArray[np.float64]:
    """(N_FFT // 2 + 1, N_MELS) Slaney-normalised triangular filters from 0 Hz to 8 kHz."""
    low, high = _hz_to_mel(np.array([0.0, RATE / 2]))
    edges = _mel_to_hz(np.linspace(low, high, N_MELS + 2))
    bins = np.linspace(0, RATE // 2, N_FFT // 2 + 1)
    slopes = edges[np.newaxis, :] - bins[:, np.newaxis]
    widths = np.diff(edges)
    down = -slopes[:, :-2] / widths[:-1]
    up = slopes[:, 2:] / widths[1:]
    filters = np.maximum(0.0, np.minimum(down, up))
    filters *= 2.0 / (edges[2 : N_MELS + 2] - edges[:N_MELS])
    return filters


@cache
def _hann() -> NDArray[np.float64]:
    return np.hanning(N_FFT + 1)[:-1]  # periodic, as torch.hann_window


def fit_window(audio: NDArray[np.float32]) -> NDArray[np.float32]:
    """The last 8 s of `audio`, zero-padded at the start when shorter (the model reads the end
    of the turn at the end of its window)."""
    tail = np.asarray(audio, dtype=np.float32).reshape(-1)[-SAMPLES:]
    return np.pad(tail, (SAMPLES - tail.size, 0))


def log_mel(audio: NDArray[np.float32]) -> NDArray[np.float32]:
    """(80, 800) float32 features of exactly 8 s of 16 kHz audio (see `fit_window`)."""
    if audio.shape != (SAMPLES,):
        raise ValueError(f"expected {SAMPLES} samples at 16 kHz, got shape {audio.shape}")
    x = audio.astype(np.float32)
    x = (x - x.mean()) / np.sqrt(x.var() + 1e-7)
    padded = np.pad(x.astype(np.float64), (N_FFT // 2, N_FFT // 2), mode="reflect")
    frames = sliding_window_view(padded, N_FFT)[::HOP]
    power = np.abs(np.fft.rfft(frames * _hann(), axis=-1)) ** 2  # (frames, bins)
    mel = np.maximum(1e-10, power @ mel_filters()).T  # (mels, frames)
    spec = np.log10(mel)[:, :-1]
    spec = np.maximum(spec, spec.max() - 8.0)
    features: NDArray[np.float32] = ((spec + 4.0) / 4.0).astype(np.float32)
    return features
