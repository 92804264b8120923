"""Phone audio: G.711 μ-law at 8 kHz (what Twilio Media Streams carry) to and from the int16 PCM
our STT and TTS use (the rate conversion is `voice.audio`'s).

Pure numpy (the standard library's `audioop` is gone in Python 3.13): the 65,536 possible int16
samples are encoded once into a lookup table, so a 20 ms frame is one array index.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from property_agent.voice.audio import resample, to_int16

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


def to_phone(rate: int, samples: NDArray[np.int16] | NDArray[np.float32]) -> bytes:
    """Any TTS chunk → μ-law 8 kHz bytes, ready to cut into 20 ms frames."""
    return ulaw_encode(resample(to_int16(samples), rate, PHONE_RATE))


def from_phone(payload: bytes, target: int = PHONE_RATE) -> NDArray[np.int16]:
    """A μ-law 8 kHz payload → int16 PCM at `target`."""
    return resample(ulaw_decode(payload), PHONE_RATE, target)
