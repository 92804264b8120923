"""Phone audio: G.711 μ-law at 8 kHz (what Twilio Media Streams carry) to and from the int16 PCM
our STT and TTS use.

Pure numpy (the standard library's `audioop` is gone in Python 3.13): the 65,536 possible int16
samples are encoded once into a lookup table, so a 20 ms frame is one array index.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.signal import firwin, lfilter, resample_poly

from property_agent.voice.tts.base import to_int16

PHONE_RATE = 8_000
FRAME_MS = 20
FRAME_BYTES = PHONE_RATE * FRAME_MS // 1000  # one μ-law byte per sample: 160 per frame
_BIAS = 0x84
_CLIP = 32_635


def _encode_table() -> NDArray[np.uint8]:
    """μ-law byte for every int16 value, indexed by the sample's uint16 bit pattern (G.711)."""
    x = np.arange(-32768, 32768, dtype=np.int32)
    sign = np.where(x < 0, 0x80, 0)
    magnitude = np.minimum(np.abs(x), _CLIP) + _BIAS  # 132 … 32767
    exponent = np.floor(np.log2(magnitude >> 7)).astype(np.int32)  # top set bit above bit 7
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    codes = ~(sign | (exponent << 4) | mantissa) & 0xFF
    table = np.empty(65536, dtype=np.uint8)
    table[x.astype(np.int16).view(np.uint16)] = codes.astype(np.uint8)
    return table


def _decode_table() -> NDArray[np.int16]:
    u = ~np.arange(256, dtype=np.int32) & 0xFF
    exponent = (u >> 4) & 0x07
    magnitude = (((u & 0x0F) << 3) + _BIAS << exponent) - _BIAS
    return np.where(u & 0x80, -magnitude, magnitude).astype(np.int16)


_ENCODE = _encode_table()
_DECODE = _decode_table()


def ulaw_encode(samples: NDArray[np.int16]) -> bytes:
    """int16 PCM → μ-law bytes (one per sample)."""
    data = np.ascontiguousarray(samples, dtype=np.int16).reshape(-1)
    return _ENCODE[data.view(np.uint16)].tobytes()


def ulaw_decode(payload: bytes) -> NDArray[np.int16]:
    """μ-law bytes → int16 PCM."""
    return _DECODE[np.frombuffer(payload, dtype=np.uint8)]


def resample(samples: NDArray[np.int16], rate: int, target: int) -> NDArray[np.int16]:
    """int16 audio from `rate` to `target` (polyphase, so 24 kHz → 8 kHz filters before it
    decimates and the phone line carries no aliasing)."""
    data = np.asarray(samples, dtype=np.int16).reshape(-1)
    if rate == target or data.size == 0:
        return data
    divisor = int(np.gcd(rate, target))
    out = resample_poly(data.astype(np.float32), target // divisor, rate // divisor)
    return np.asarray(np.clip(np.round(out), -32768, 32767), dtype=np.int16)


def to_phone(rate: int, samples: NDArray[np.int16] | NDArray[np.float32]) -> bytes:
    """Any TTS chunk → μ-law 8 kHz bytes, ready to cut into 20 ms frames."""
    return ulaw_encode(resample(to_int16(samples), rate, PHONE_RATE))


def from_phone(payload: bytes, target: int = PHONE_RATE) -> NDArray[np.int16]:
    """A μ-law 8 kHz payload → int16 PCM at `target`."""
    return resample(ulaw_decode(payload), PHONE_RATE, target)


class StreamUpsampler:
    """8 kHz → 16 kHz for audio that arrives 20 ms at a time, with the filter's state carried
    from frame to frame (resampling each frame on its own clicks at every frame edge, fifty
    times a second, which the voice detector hears as noise)."""

    def __init__(self, factor: int = 2, taps: int = 48) -> None:
        self.factor = factor
        self._taps = firwin(taps, 1 / factor) * factor
        self._state = np.zeros(taps - 1)

    def __call__(self, samples: NDArray[np.int16]) -> NDArray[np.int16]:
        data = np.asarray(samples, dtype=np.float64).reshape(-1)
        if data.size == 0:
            return np.zeros(0, dtype=np.int16)
        stuffed = np.zeros(data.size * self.factor)
        stuffed[:: self.factor] = data
        out, self._state = lfilter(self._taps, 1.0, stuffed, zi=self._state)
        return np.asarray(np.clip(np.round(out), -32768, 32767), dtype=np.int16)
