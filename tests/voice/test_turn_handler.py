"""The FastRTC handler around the detector: what happens to a caller's words when an answer
ends (or is interrupted) while they are speaking."""

from __future__ import annotations

import numpy as np
import pytest

from property_agent.config import VADSettings
from tests.support.audio import ESPEAK, FRAME, MIC_RATE, frames, ms, silence, spoken, turn_handler

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(ESPEAK is None, reason="espeak-ng is not installed (`make test` does)"),
]

REQUEST = (
    "I am looking for a flat with three bedrooms in Chamberí under five hundred thousand euros"
)


def test_an_answer_ending_mid_utterance_keeps_the_callers_words() -> None:
    """FastRTC resets the handler when an answer's generator ends. A caller already talking then
    must still get one turn holding everything they said (it used to lose the first seconds, or
    split the request in two)."""
    speech = spoken(REQUEST)
    audio = np.concatenate([silence(500), speech, silence(1500)])
    handler = turn_handler(VADSettings())
    reset_at = len(silence(500)) + 2 * MIC_RATE  # two seconds into the request
    turns = []
    for index, frame in enumerate(frames(audio)):
        if index * FRAME == reset_at:
            handler.reset()
        handler.receive((MIC_RATE, frame))
        if handler.event.is_set():
            turns.append(len(handler.state.stream.reshape(-1)))
            handler.event.clear()
            handler.state = handler.state.new()
    assert len(turns) == 1
    assert ms(turns[0]) >= ms(len(speech)), "the turn must hold the whole request"


def test_a_reset_in_silence_starts_afresh() -> None:
    handler = turn_handler(VADSettings())
    for frame in frames(np.concatenate([spoken("Hello there"), silence(800)])):
        handler.receive((MIC_RATE, frame))
    assert handler.event.is_set()
    handler.event.clear()
    handler.reset()
    assert handler.state.stream is None
    assert handler.detector.turn.speech_ms == 0
