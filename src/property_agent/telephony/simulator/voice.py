"""What the simulated caller says: text spoken by a TTS voice (the packaged Piper voice for
`property-agent phone --say`) or a WAV file at any rate, as the 8 kHz int16 a phone line carries.

Speech is trimmed to the voice itself, so the end of the array is the moment the caller stops
talking: the answer's latency is measured from there.
"""

from __future__ import annotations

import wave
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from property_agent.telephony.codec import PHONE_RATE
from property_agent.voice.audio import resample, to_int16
from property_agent.voice.tts.base import TTS

SPEECH_FLOOR = 100  # int16: quieter than this is the silence around the speech


class CallerAudioError(ValueError):
    """The caller's audio cannot be used; the message says which file and why."""


def trimmed(samples: NDArray[np.int16]) -> NDArray[np.int16]:
    """`samples` without the silence before and after the speech (empty if all silent)."""
    voiced = np.flatnonzero(np.abs(samples.astype(np.int32)) > SPEECH_FLOOR)
    if voiced.size == 0:
        return samples[:0]
    return samples[voiced[0] : voiced[-1] + 1]


def on_the_line(rate: int, samples: NDArray[np.int16] | NDArray[np.float32]) -> NDArray[np.int16]:
    """Audio at `rate` as the caller's phone sends it: trimmed, mono int16 at 8 kHz."""
    return resample(trimmed(to_int16(samples)), rate, PHONE_RATE)


async def synthesise(tts: TTS, text: str) -> NDArray[np.int16]:
    """`text` in `tts`'s default voice, on the line."""
    pieces = [
        resample(to_int16(samples), rate, PHONE_RATE) async for rate, samples in tts.stream(text)
    ]
    if not pieces:
        raise CallerAudioError(f"{tts.name} produced no audio for {text!r}")
    return trimmed(np.concatenate(pieces))


def read_wav(path: Path) -> NDArray[np.int16]:
    """A WAV file (any rate; 8, 16 or 32-bit PCM or float; stereo mixed down), on the line."""
    from scipy.io import wavfile

    try:
        rate, data = wavfile.read(path)
    except FileNotFoundError:
        raise CallerAudioError(f"{path}: no such file") from None
    except (ValueError, OSError) as exc:
        raise CallerAudioError(f"{path}: not a WAV file this can read ({exc})") from None
    samples = _int16(np.asarray(data), path)
    if samples.ndim == 2:
        samples = np.round(samples.mean(axis=1)).astype(np.int16)
    speech = on_the_line(int(rate), samples)
    if speech.size == 0:
        raise CallerAudioError(f"{path}: the file is silent")
    return speech


def _int16(data: NDArray[Any], path: Path) -> NDArray[np.int16]:
    if data.dtype == np.int16:
        return np.asarray(data, dtype=np.int16)
    if data.dtype == np.uint8:
        return np.asarray((data.astype(np.int32) - 128) * 256, dtype=np.int16)
    if data.dtype == np.int32:
        return np.asarray(data.astype(np.int64) // 65536, dtype=np.int16)
    if np.issubdtype(data.dtype, np.floating):
        return np.asarray(np.clip(data * 32767.0, -32768, 32767), dtype=np.int16)
    raise CallerAudioError(f"{path}: {data.dtype} samples are not supported (use 16-bit PCM)")


def write_wav(path: Path, samples: NDArray[np.int16], rate: int = PHONE_RATE) -> None:
    """Mono 16-bit PCM, as any player opens it."""
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(np.ascontiguousarray(samples, dtype="<i2").tobytes())
