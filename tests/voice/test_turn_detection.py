"""End of turn on real speech: the packaged Silero VAD and the streaming detector, fed espeak-ng
utterances in the 20 ms, 48 kHz frames FastRTC delivers. Every time here is audio time (where in
the stream the turn ended), not wall clock, so a busy machine cannot make these tests flaky."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from numpy.typing import NDArray

from property_agent.config import VADSettings
from property_agent.voice.turn_detection import StreamingPauseDetector
from property_agent.voice.vad import packaged_vad
from tests.support.audio import (
    MIC_RATE,
    end_of_turn,
    frames,
    ms,
    needs_espeak,
    silence,
    spoken,
    turn_handler,
)
from tests.support.settings import make_settings

pytestmark = [pytest.mark.integration, needs_espeak]

REQUEST = "I am looking for a flat with two bedrooms in Retiro"
FIRST_HALF = "I am looking for a flat in Retiro"
SECOND_HALF = "with two bedrooms and a terrace"
# Silero's speech probability falls a window or three after the voice stops, and the detector
# counts in 32 ms windows: the caller waits at most this much beyond `min_silence_ms`.
LATENCY_MS = 150


@cache
def speech(text: str) -> NDArray[np.int16]:
    return spoken(text)


def end_of_turn_ms(detector: StreamingPauseDetector, audio: NDArray[np.int16]) -> float | None:
    """Where in `audio` the detector ended the turn (the end of the frame that ended it)."""
    for index, frame in enumerate(frames(audio)):
        if detector.feed(frame, MIC_RATE):
            return ms((index + 1) * frame.shape[1])
    return None


def wait_after(text: str, vad: VADSettings) -> float:
    """How long after the caller stops talking the turn ends."""
    utterance = speech(text)
    ended = end_of_turn_ms(StreamingPauseDetector(vad), np.concatenate([utterance, silence(2000)]))
    assert ended is not None, "the turn never ended"
    return ended - ms(len(utterance))


@pytest.mark.parametrize("text", [REQUEST, "Something cheaper please"])
def test_the_turn_ends_soon_after_the_caller_stops(text: str) -> None:
    vad = make_settings().vad
    assert vad.min_silence_ms == 450
    wait = wait_after(text, vad)
    assert vad.min_silence_ms <= wait <= vad.min_silence_ms + LATENCY_MS, wait


@pytest.mark.parametrize("pause_ms", [250, 325, 400])
def test_a_pause_mid_sentence_does_not_end_the_turn(pause_ms: int) -> None:
    first, second = speech(FIRST_HALF), speech(SECOND_HALF)
    audio = np.concatenate([first, silence(pause_ms), second, silence(2000)])
    vad = make_settings().vad
    ended = end_of_turn_ms(StreamingPauseDetector(vad), audio)
    spoke_until = ms(len(first) + len(second)) + pause_ms
    assert ended is not None and ended > spoke_until, (
        f"cut at {ended} ms, speech ran to {spoke_until}"
    )
    assert ended - spoke_until <= vad.min_silence_ms + LATENCY_MS


def _noises() -> dict[str, NDArray[np.int16]]:
    rng = np.random.default_rng(7)
    seconds = 5 * MIC_RATE
    t = np.arange(seconds) / MIC_RATE
    return {
        "digital silence": silence(5000),
        "room hiss": rng.normal(0, 0.01 * 32767, seconds).astype(np.int16),
        "loud static": np.clip(rng.normal(0, 0.2 * 32767, seconds), -32768, 32767).astype(np.int16),
        "mains hum": (0.3 * 32767 * np.sin(2 * np.pi * 100 * t)).astype(np.int16),
    }


@pytest.mark.parametrize("noise", list(_noises()))
def test_silence_and_noise_never_start_a_turn(noise: str) -> None:
    detector = StreamingPauseDetector(make_settings().vad)
    assert end_of_turn_ms(detector, _noises()[noise]) is None
    assert not detector.turn.started and detector.turn.speech_ms < 100


@pytest.mark.parametrize("min_silence_ms", [300, 800])
def test_min_silence_setting_sets_the_wait(
    min_silence_ms: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VAD__MIN_SILENCE_MS", str(min_silence_ms))
    vad = make_settings().vad
    assert vad.min_silence_ms == min_silence_ms
    wait = wait_after(REQUEST, vad)
    assert min_silence_ms <= wait <= min_silence_ms + LATENCY_MS, wait
    default_wait = wait_after(REQUEST, VADSettings())
    assert abs((wait - default_wait) - (min_silence_ms - 450)) <= 64  # two 32 ms windows


def test_the_reply_gets_the_whole_utterance_from_its_first_word() -> None:
    """Through FastRTC's own `receive`: the turn ends once, after the second half, and the audio
    handed to the reply starts before the first word (nothing clipped) and holds both halves."""
    first, second = speech(FIRST_HALF), speech(SECOND_HALF)
    lead_ms, pause_ms = 1000, 300
    audio = np.concatenate([silence(lead_ms), first, silence(pause_ms), second, silence(2000)])
    vad = make_settings().vad
    reply = turn_handler(vad)
    ended = end_of_turn(reply, audio)
    spoke_until = lead_ms + ms(len(first) + len(second)) + pause_ms
    assert (
        ended is not None and spoke_until < ended <= spoke_until + vad.min_silence_ms + LATENCY_MS
    )
    assert reply.state.started_talking
    stream = reply.state.stream
    assert stream is not None and stream.ndim == 1
    handed_from = ended - ms(len(stream))
    assert handed_from <= lead_ms, f"the first {lead_ms - handed_from:.0f} ms of speech are lost"


@pytest.mark.parametrize("noise", ["room hiss", "loud static"])
def test_noise_never_triggers_a_reply(noise: str) -> None:
    reply = turn_handler(make_settings().vad)
    assert end_of_turn(reply, _noises()[noise]) is None
    assert not reply.state.started_talking
    assert reply.state.stream is None


def test_the_detector_shares_the_process_vad() -> None:
    """One Silero session per process: every connection's handler copy uses it."""
    assert turn_handler(VADSettings()).copy().detector.model is packaged_vad()
