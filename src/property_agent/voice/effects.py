"""Sound effects the project makes itself (no third-party recordings): keyboard typing that plays
under the filler line while a search runs, so the caller hears the agent "looking it up".

A key click is a burst of high-passed noise with a sub-millisecond attack and a few milliseconds
of decay, followed by a softer key-up tick; now and then the space bar lands, longer and duller
with a low thump. Keys come 60-180 ms apart. The whole sound peaks at -18 dBFS, so it sits well
under speech.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncGenerator

import numpy as np
from numpy.typing import NDArray

PEAK_DBFS = -18.0
GAP_MS = (60.0, 180.0)
SPACE_BAR_CHANCE = 0.12


def _burst(
    rng: np.random.Generator, rate: int, length_ms: float, decay_ms: float, smooth: int
) -> NDArray[np.float64]:
    """Noise with a sharp attack and exponential decay; `smooth` > 1 dulls it (a low-pass)."""
    n = max(8, int(rate * length_ms / 1000))
    noise = rng.standard_normal(n + smooth)
    if smooth > 1:
        noise = np.convolve(noise, np.ones(smooth) / smooth, mode="same")
    noise = np.diff(noise)[:n]  # a first difference is a crude high-pass: the "click"
    t = np.arange(n) / rate
    attack = np.minimum(1.0, t / 0.0004)
    envelope: NDArray[np.float64] = attack * np.exp(-t / (decay_ms / 1000))
    return noise * envelope


def _key(rng: np.random.Generator, rate: int, space_bar: bool) -> NDArray[np.float64]:
    if space_bar:
        click = 2.0 * _burst(rng, rate, 45, 9, smooth=6)
        t = np.arange(click.size) / rate
        click += 0.8 * np.sin(2 * math.pi * 140 * t) * np.exp(-t / 0.012)  # the thunk
    else:
        click = rng.uniform(0.6, 1.0) * _burst(rng, rate, 18, 2.5, smooth=1)
    release_at = int(rate * rng.uniform(0.025, 0.045))
    release = 0.35 * _burst(rng, rate, 10, 1.5, smooth=2)
    sound = np.zeros(release_at + release.size)
    sound[: click.size] += click[: sound.size]
    sound[release_at:] += release
    return sound


def typing_sound(seconds: float, sample_rate: int = 24000, seed: int = 7) -> NDArray[np.int16]:
    """`seconds` of irregular keyboard typing as int16, the same samples for the same seed."""
    n = round(seconds * sample_rate)
    rng = np.random.default_rng(seed)
    out = np.zeros(n + sample_rate, dtype=np.float64)  # room for a key that starts near the end
    position = int(rng.uniform(0, GAP_MS[0]) * sample_rate / 1000)
    while position < n:
        key = _key(rng, sample_rate, space_bar=rng.random() < SPACE_BAR_CHANCE)
        out[position : position + key.size] += key
        position += int(rng.uniform(*GAP_MS) * sample_rate / 1000)
    audio = out[:n]
    peak = float(np.max(np.abs(audio))) if n else 0.0
    if peak == 0.0:
        return np.zeros(n, dtype=np.int16)
    target = 32767 * 10 ** (PEAK_DBFS / 20)
    return np.round(audio * (target / peak)).astype(np.int16)


async def typing_loop(
    stop: asyncio.Event, max_s: float, chunk_s: float = 0.2, sample_rate: int = 24000
) -> AsyncGenerator[tuple[int, NDArray[np.int16]], None]:
    """Typing in `chunk_s` pieces until `stop` is set or `max_s` seconds of audio are out.

    This does not pace itself: each time it is awaited it yields the next chunk at once, and
    the caller (the audio sender) plays them in real time. `stop` is checked before each chunk.
    """
    audio = typing_sound(max_s, sample_rate)
    step = max(1, round(chunk_s * sample_rate))
    for start in range(0, audio.size, step):
        if stop.is_set():
            return
        yield sample_rate, audio[start : start + step]
