"""Sample formats and rates (`voice.audio`): what every stage hands the next, converted once."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from property_agent.voice.audio import (
    StreamUpsampler,
    resample,
    to_float32,
    to_int16,
    to_stt_input,
)

pytestmark = pytest.mark.unit


def tone(seconds: float = 1.0, rate: int = 16_000, amplitude: float = 0.3) -> NDArray[np.int16]:
    t = np.arange(int(seconds * rate)) / rate
    return (amplitude * 32767 * np.sin(2 * np.pi * 220 * t)).astype(np.int16)


@pytest.mark.parametrize("shape", ["mono", "(1, n)", "(2, n)", "(n, 2)"])
def test_stt_input_from_browser_int16_48k(shape: str) -> None:
    mono = tone(seconds=1.0, rate=48_000, amplitude=0.5)
    samples = {
        "mono": mono,
        "(1, n)": mono.reshape(1, -1),
        "(2, n)": np.stack([mono, mono]),
        "(n, 2)": np.stack([mono, mono], axis=1),
    }[shape]
    out = to_stt_input(48_000, samples)
    assert out.dtype == np.float32 and out.ndim == 1
    assert out.shape == (16_000,)
    assert 0.45 < np.abs(out[100:-100]).max() <= 0.51
    spectrum = np.abs(np.fft.rfft(out))
    assert abs(int(np.argmax(spectrum)) - 220) <= 1  # 1 Hz bins: the pitch survives


def test_stt_input_keeps_16k_float() -> None:
    samples = np.linspace(-1, 1, 1_600, dtype=np.float32)
    out = to_stt_input(16_000, samples)
    np.testing.assert_array_equal(out, samples)


def test_resampling_keeps_the_format_and_the_pitch() -> None:
    assert resample(np.zeros(0, dtype=np.int16), 24_000, 8_000).size == 0
    down = resample(tone(rate=24_000), 24_000, 8_000)
    assert down.dtype == np.int16 and down.size == 8_000
    spectrum = np.abs(np.fft.rfft(down.astype(np.float64)))
    assert abs(int(np.argmax(spectrum)) - 220) <= 1
    up = resample(to_float32(tone(rate=22_050)), 22_050, 24_000)
    assert up.dtype == np.float32 and up.size == 24_000
    assert resample(tone(), 16_000, 16_000).dtype == np.int16


def test_sample_formats_round_trip() -> None:
    samples = np.array([0, 16384, -32768, 32767], dtype=np.int16)
    assert to_float32(samples).tolist() == [0.0, 0.5, -1.0, 32767 / 32768]
    assert to_int16(np.array([0.0, 0.5, -1.0, 2.0], dtype=np.float32)).tolist() == [
        0,
        16383,
        -32767,
        32767,
    ]
    assert to_int16(samples.reshape(1, -1)).shape == (4,)


def test_streaming_upsampler_matches_one_pass_and_has_no_frame_clicks() -> None:
    t = np.arange(8000) / 8000
    tone = (8000 * np.sin(2 * np.pi * 300 * t)).astype(np.int16)
    whole = StreamUpsampler()(tone)
    up = StreamUpsampler()
    framed = np.concatenate([up(tone[i : i + 160]) for i in range(0, 8000, 160)])
    assert np.array_equal(whole, framed)
    steps = np.abs(np.diff(framed[200:].astype(np.int32)))
    assert steps.max() < 1000  # a 300 Hz tone at 16 kHz moves at most ~942 per sample
    assert 7500 < np.abs(framed[200:]).max() < 8500  # and keeps its level
    assert up(np.zeros(0, dtype=np.int16)).size == 0


def test_streaming_upsampler_gives_the_samples_of_the_zero_stuffed_low_pass_filter() -> None:
    """The polyphase upsampler is the textbook one (zero-stuff, then low-pass), sample for
    sample, frame after frame."""
    from scipy.signal import firwin, lfilter

    rng = np.random.default_rng(3)
    speech_like = (rng.standard_normal(8000) * 6000).astype(np.int16)
    up = StreamUpsampler(2, taps=48)
    framed = np.concatenate([up(speech_like[i : i + 160]) for i in range(0, 8000, 160)])
    stuffed = np.zeros(16_000)
    stuffed[::2] = speech_like
    reference = lfilter(firwin(48, 1 / 2) * 2, 1.0, stuffed)
    assert np.array_equal(framed, np.clip(np.round(reference), -32768, 32767).astype(np.int16))
