"""The typing sound under the filler line: ours, deterministic, quiet, and audibly typing."""

from __future__ import annotations

import asyncio
import math

import numpy as np
import pytest

from property_agent.voice.effects import typing_loop, typing_sound

pytestmark = pytest.mark.unit


def onsets(audio: np.ndarray, rate: int, refractory_s: float = 0.05) -> list[float]:
    """Times (s) where the level jumps above a fifth of the peak, at most one per key press."""
    frame = max(1, rate // 500)  # 2 ms frames
    level = np.abs(audio[: audio.size // frame * frame].astype(np.float64))
    level = level.reshape(-1, frame).max(axis=1)
    threshold = 0.2 * level.max()
    times: list[float] = []
    for index in np.flatnonzero(level > threshold):
        t = index * frame / rate
        if not times or t - times[-1] > refractory_s:
            times.append(t)
    return times


def test_same_seed_same_sound_other_seed_other_sound() -> None:
    first = typing_sound(2.0, seed=3)
    assert np.array_equal(first, typing_sound(2.0, seed=3))
    assert not np.array_equal(first, typing_sound(2.0, seed=4))


@pytest.mark.parametrize(("seconds", "rate"), [(1.0, 24000), (0.5, 8000), (2.2, 16000)])
def test_length_is_seconds_times_rate(seconds: float, rate: int) -> None:
    audio = typing_sound(seconds, sample_rate=rate)
    assert audio.dtype == np.int16
    assert audio.shape == (round(seconds * rate),)


def test_peaks_near_minus_18_dbfs_so_it_sits_under_speech() -> None:
    audio = typing_sound(3.0)
    peak_dbfs = 20 * math.log10(np.abs(audio.astype(np.int32)).max() / 32767)
    assert -19.0 <= peak_dbfs <= -17.0


@pytest.mark.parametrize("seed", [1, 7, 42])
def test_is_irregular_key_clicks_not_a_hum(seed: int) -> None:
    rate = 24000
    audio = typing_sound(3.0, sample_rate=rate, seed=seed)
    times = onsets(audio, rate)
    gaps_ms = np.diff(times) * 1000
    # 60–180 ms between keys: about 17–50 presses in 3 s, at uneven intervals.
    assert 15 <= len(times) <= 50
    assert gaps_ms.min() >= 50
    assert gaps_ms.max() <= 200
    assert gaps_ms.std() > 15
    # Between clicks it is quiet: most samples are near silence.
    quiet = np.abs(audio.astype(np.int32)) < 0.05 * np.abs(audio.astype(np.int32)).max()
    assert quiet.mean() > 0.6


async def test_typing_loop_stops_when_the_event_is_set() -> None:
    stop = asyncio.Event()
    chunks = []
    async for rate, chunk in typing_loop(stop, max_s=10.0, chunk_s=0.2, sample_rate=16000):
        chunks.append((rate, chunk))
        if len(chunks) == 3:
            stop.set()
    assert len(chunks) == 3
    assert all(rate == 16000 and chunk.size == 3200 for rate, chunk in chunks)


async def test_typing_loop_ends_after_max_s_of_audio() -> None:
    stop = asyncio.Event()
    chunks = [chunk async for _, chunk in typing_loop(stop, max_s=1.1, chunk_s=0.25)]
    assert len(chunks) == math.ceil(1.1 / 0.25)
    assert sum(chunk.size for chunk in chunks) == round(1.1 * 24000)
    assert all(chunk.dtype == np.int16 for chunk in chunks)


async def test_typing_loop_with_stop_already_set_yields_nothing() -> None:
    stop = asyncio.Event()
    stop.set()
    assert [chunk async for chunk in typing_loop(stop, max_s=5.0)] == []
