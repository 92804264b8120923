"""Speech for the voice tests: espeak-ng utterances (a voice unlike the agent's Piper voice) as a
browser microphone or a phone line delivers them, and the 20 ms frames FastRTC feeds its turn
detector."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import wave
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray
from scipy.io import wavfile
from scipy.signal import resample_poly

from property_agent.config import VADSettings
from property_agent.telephony.simulator.voice import on_the_line
from property_agent.voice.turn_detection import StreamingReplyOnPause

ESPEAK = shutil.which("espeak-ng")
needs_espeak = pytest.mark.skipif(
    ESPEAK is None,
    reason="espeak-ng is not installed (apt-get install espeak-ng; `make test` does)",
)
MIC_RATE = 48_000
FRAME = MIC_RATE // 50  # FastRTC hands the handler 20 ms frames
_SPEECH_FLOOR = 100  # int16; espeak's silence is exact zeros


def espeak(text: str, path: Path) -> tuple[int, NDArray[np.int16]]:
    """`text` in espeak-ng's en-us voice, not the agent's, as (rate, int16 samples)."""
    assert ESPEAK is not None
    subprocess.run([ESPEAK, "-v", "en-us", "-s", "150", "-w", str(path), text], check=True)
    with wave.open(str(path)) as wav:
        assert wav.getnchannels() == 1 and wav.getsampwidth() == 2
        rate = wav.getframerate()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
    return rate, samples


def as_browser_mic(rate: int, samples: NDArray[np.int16]) -> tuple[int, NDArray[np.int16]]:
    """What FastRTC hands over from a browser: 48 kHz int16 shaped (1, n)."""
    up = resample_poly(samples.astype(np.float32), MIC_RATE, rate)
    return MIC_RATE, np.clip(up, -32768, 32767).astype(np.int16).reshape(1, -1)


def spoken(text: str) -> NDArray[np.int16]:
    """`text` at the microphone's rate, 1-D, trimmed to the speech itself (espeak pads it with
    silence), so that the end of the array is the moment the caller stops talking."""
    with tempfile.TemporaryDirectory() as folder:
        rate, samples = espeak(text, Path(folder) / "speech.wav")
    voiced = np.flatnonzero(np.abs(samples.astype(np.int32)) > _SPEECH_FLOOR)
    _, mic = as_browser_mic(rate, samples[voiced[0] : voiced[-1] + 1])
    return mic.reshape(-1)


def phone_speech(text: str) -> NDArray[np.int16]:
    """`text` in espeak-ng's voice as a caller's phone sends it: 8 kHz, trimmed to the speech."""
    with tempfile.TemporaryDirectory() as folder:
        rate, samples = espeak(text, Path(folder) / "speech.wav")
    return on_the_line(rate, samples)


def espeak_wav(folder: Path, text: str) -> Path:
    """`text` in espeak-ng's voice as a 44.1 kHz stereo WAV, a format no phone line carries."""
    rate, samples = espeak(text, folder / "espeak.wav")
    up = resample_poly(samples.astype(np.float32), 44_100, rate)
    stereo = np.clip(np.stack([up, up], axis=1), -32768, 32767).astype(np.int16)
    path = folder / "request.wav"
    wavfile.write(path, 44_100, stereo)
    return path


def silence(ms: float) -> NDArray[np.int16]:
    return np.zeros(round(ms * MIC_RATE / 1000), dtype=np.int16)


def frames(samples: NDArray[np.int16]) -> Iterator[NDArray[np.int16]]:
    """The microphone stream as FastRTC delivers it: (1, 960) int16 frames, 20 ms each."""
    for start in range(0, len(samples) - FRAME + 1, FRAME):
        yield samples[start : start + FRAME].reshape(1, -1)


def ms(samples: int) -> float:
    """Audio time of `samples` at the microphone's rate."""
    return samples * 1000 / MIC_RATE


def rms(samples: NDArray[np.int16] | NDArray[np.float32]) -> float:
    return float(np.sqrt(np.mean(np.asarray(samples, dtype=np.float64) ** 2)))


async def _never_called(audio: tuple[int, NDArray[np.int16]]) -> AsyncIterator[Any]:
    raise AssertionError("only turn detection runs here")
    yield


def turn_handler(vad: VADSettings) -> StreamingReplyOnPause:
    """The FastRTC handler as `VoiceStack.handler` builds it, with no connection behind it."""
    handler = StreamingReplyOnPause(_never_called, vad=vad, can_interrupt=True)
    handler._clear_queue = lambda: None  # the connection's output queue: nothing is queued here
    return handler


def end_of_turn(handler: StreamingReplyOnPause, samples: NDArray[np.int16]) -> float | None:
    """Feed `samples` through FastRTC's own `receive`, frame by frame; the audio time (ms) at
    which the turn ended, or None. The utterance handed to the reply is `handler.state.stream`."""
    for index, frame in enumerate(frames(samples)):
        handler.receive((MIC_RATE, frame))
        if handler.event.is_set():
            return ms((index + 1) * FRAME)
    return None
