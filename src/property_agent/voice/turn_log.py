"""One INFO line per voice turn (web page or phone call), for whoever watches the server's log:
which session, how long the caller spoke, where the time went, whether a search ran. Never
what was said: transcripts are the caller's personal data and stay in the traces."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from property_agent.voice.events import TurnTimings

logger = logging.getLogger("property_agent.voice.turns")


def log_turn(
    session_id: str,
    audio: tuple[int, Any],
    timings: TurnTimings,
    *,
    ended: bool = True,
) -> None:
    """`ended`: False when a barge-in cut the turn off."""
    logger.info("Turn %s", describe_turn(session_id, audio, timings, outcome(timings, ended)))


def outcome(timings: TurnTimings, ended: bool) -> str:
    """answered, didn't catch, fallback (the avatar's fallback line: the turn or the agent
    failed), or cut off (a barge-in)."""
    if not ended:
        return "cut off"
    if timings.fallback:
        return "fallback"
    return "answered" if timings.transcript else "didn't catch"


def describe_turn(
    session_id: str, audio: tuple[int, Any], timings: TurnTimings, outcome: str
) -> str:
    rate, samples = audio
    heard_s = np.asarray(samples).size / rate if rate else 0.0
    parts = [
        f"on {session_id}: {outcome}",
        f"heard {heard_s:.1f} s",
        f"stt {_ms(timings.stt_ms)}",
    ]
    if timings.first_sentence_ms is not None:
        parts.append(f"agent {_ms(timings.first_sentence_ms - timings.stt_ms)} to first sentence")
    if timings.tts_ms is not None:
        parts.append(f"tts {_ms(timings.tts_ms)} to first audio")
    if timings.first_audio_ms is not None:
        parts.append(f"first audio at {_ms(timings.first_audio_ms)}")
    parts.append(f"total {_ms(timings.total_ms)}")
    parts.append(f"{timings.searches} search" + ("es" if timings.searches != 1 else ""))
    return ", ".join(parts)


def _ms(value: float) -> str:
    return f"{value:.0f} ms"
