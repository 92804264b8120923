"""G.711 μ-law on the phone line: known codes, round trips, and speech that survives the trip to
the phone line and back."""

from __future__ import annotations

import numpy as np
import pytest

from property_agent.telephony.codec import (
    FRAME_BYTES,
    PHONE_RATE,
    from_phone,
    to_phone,
    ulaw_decode,
    ulaw_encode,
)

pytestmark = pytest.mark.unit


def test_known_g711_codes() -> None:
    samples = np.array([0, -1, 32767, -32768, 1000, -1000], dtype=np.int16)
    assert list(ulaw_encode(samples)) == [0xFF, 0x7F, 0x80, 0x00, 0xCE, 0x4E]
    assert ulaw_decode(bytes([0xFF, 0x7F, 0x80, 0x00])).tolist() == [0, 0, 32124, -32124]


def test_every_code_survives_a_round_trip() -> None:
    codes = bytes(range(256))
    decoded = ulaw_decode(codes)
    again = ulaw_encode(decoded)
    # 0x7F is "negative zero": it decodes to 0, which encodes as 0xFF.
    assert [a for a, b in zip(codes, again, strict=True) if a != b] == [0x7F]


def test_quantisation_error_is_within_the_step_size() -> None:
    samples = np.arange(-32768, 32768, 7, dtype=np.int32).astype(np.int16)
    back = ulaw_decode(ulaw_encode(samples)).astype(np.int32)
    error = np.abs(back - samples.astype(np.int32))
    # μ-law keeps ~3 % relative precision; near zero the step is 8 (error at most 4 + bias).
    assert np.all(error <= np.maximum(8, np.abs(samples.astype(np.int32)) * 0.04))


def test_a_tone_survives_24k_to_phone_and_back_to_16k() -> None:
    t = np.arange(24_000) / 24_000
    tone = (8000 * np.sin(2 * np.pi * 440 * t)).astype(np.int16)
    payload = to_phone(24_000, tone)
    assert len(payload) == PHONE_RATE  # one second, one byte per sample
    assert len(payload) // FRAME_BYTES == 50  # fifty 20 ms frames
    back = from_phone(payload, 16_000)
    assert back.size == 16_000
    reference = (8000 * np.sin(2 * np.pi * 440 * np.arange(16_000) / 16_000)).astype(np.int16)
    middle = slice(1000, 15_000)  # away from the filter's edges
    error = back[middle].astype(np.float64) - reference[middle]
    snr = 10 * np.log10(np.mean(reference[middle].astype(np.float64) ** 2) / np.mean(error**2))
    assert snr > 25, snr


def test_float_chunks_and_aliasing() -> None:
    t = np.arange(24_000) / 24_000
    too_high = (0.5 * np.sin(2 * np.pi * 6000 * t)).astype(np.float32)  # above 4 kHz Nyquist
    audible = ulaw_decode(to_phone(24_000, too_high)).astype(np.float64)
    assert np.sqrt(np.mean(audible[400:-400] ** 2)) < 300  # filtered, not folded to 2 kHz
