"""Sample formats and rates, in one place: every stage (STT, TTS, the turn detector, the phone
line) hands audio on as `(rate, samples)` in whatever rate and format its engine uses, and these
are the only conversions between them.

Resampling is polyphase (`resample_poly`), so a downsample filters before it decimates and the
phone line carries no aliasing; audio that arrives a frame at a time goes through
`StreamUpsampler`, which carries the filter's state across frames.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.signal import firwin, resample_poly

STT_RATE = 16_000  # what every Whisper-family model and the Silero VAD take

Samples = NDArray[np.int16] | NDArray[np.float32]
AudioChunk = tuple[int, Samples]


def to_float32(samples: np.ndarray) -> NDArray[np.float32]:
    """Integer PCM scaled into [-1, 1] (int16 by 32768), float audio as float32; shape kept."""
    data = np.asarray(samples)
    if np.issubdtype(data.dtype, np.integer):
        scale = 32768.0 if data.dtype == np.int16 else float(2 ** (8 * data.itemsize - 1))
        return data.astype(np.float32) / np.float32(scale)
    return data.astype(np.float32)


def to_int16(samples: np.ndarray) -> NDArray[np.int16]:
    """Float audio in [-1, 1] (or int16 already) as a 1-D int16 array."""
    data = np.asarray(samples).reshape(-1)
    if data.dtype == np.int16:
        return data
    return np.asarray(np.clip(data * 32767.0, -32768, 32767), dtype=np.int16)


def to_mono(samples: np.ndarray) -> np.ndarray:
    """1-D audio from FastRTC's `(1, n)` (including `(1, 0)`), `(n,)`, or several channels
    (`(channels, n)` or `(n, channels)`, averaged)."""
    data = np.asarray(samples)
    if data.ndim == 1:
        return data
    if data.ndim == 2 and data.shape[0] == 1:
        return np.asarray(data[0])
    if data.ndim == 2:
        axis = 0 if data.shape[0] <= data.shape[1] else 1
        return np.asarray(data.mean(axis=axis, dtype=np.float32))
    raise ValueError(f"expected mono audio shaped (n,) or (1, n), got {data.shape}")


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """1-D audio from `rate` to `target`, in its own format: int16 stays int16 (rounded and
    clipped), anything else comes back float32."""
    data = np.asarray(samples).reshape(-1)
    if rate == target or data.size == 0:
        return data if data.dtype == np.int16 else data.astype(np.float32, copy=False)
    divisor = int(np.gcd(int(rate), int(target)))
    out = resample_poly(data.astype(np.float32), int(target) // divisor, int(rate) // divisor)
    if data.dtype == np.int16:
        return np.asarray(np.clip(np.round(out), -32768, 32767), dtype=np.int16)
    return np.asarray(out, dtype=np.float32)


def to_stt_input(rate: int, samples: np.ndarray) -> NDArray[np.float32]:
    """Any audio as 16 kHz mono float32 in [-1, 1]: the input of Whisper-family models and the
    voice detector."""
    mono = resample(to_mono(to_float32(samples)), rate, STT_RATE)
    clipped: NDArray[np.float32] = np.clip(mono, -1.0, 1.0).astype(np.float32, copy=False)
    return clipped


class StreamUpsampler:
    """Upsampling by a whole factor for audio that arrives 20 ms at a time, with the filter's
    state carried from frame to frame (resampling each frame on its own clicks at every frame
    edge, fifty times a second, which the voice detector hears as noise).

    Polyphase: output sample `factor·m + p` is input `…m` through every `factor`-th tap from
    `p`, so no multiplications by the stuffed zeros. The same samples as `lfilter` over the
    zero-stuffed signal, in half the time (every phone call runs this 50 times a second on the
    event loop)."""

    def __init__(self, factor: int = 2, taps: int = 48) -> None:
        self.factor = factor
        kernel = firwin(taps, 1 / factor) * factor
        self._phases = [kernel[p::factor][::-1].copy() for p in range(factor)]
        self._history = np.zeros(max(len(phase) for phase in self._phases) - 1)

    def __call__(self, samples: NDArray[np.int16]) -> NDArray[np.int16]:
        data = np.asarray(samples, dtype=np.float64).reshape(-1)
        if data.size == 0:
            return np.zeros(0, dtype=np.int16)
        held = np.concatenate([self._history, data])
        out = np.empty(data.size * self.factor)
        for p, phase in enumerate(self._phases):
            start = held.size - data.size - phase.size + 1
            out[p :: self.factor] = np.correlate(held[start:], phase, mode="valid")
        self._history = held[held.size - self._history.size :]
        return np.asarray(np.clip(np.round(out), -32768, 32767), dtype=np.int16)
