"""What a voice session emits, in order, as it happens: the caller's words as heard, each line
the avatar says (just before its audio), a search starting and the listings it found, the audio
itself, and where the turn's time went. The web page (`page_view.py`) turns these into FastRTC's
outputs; the phone call consumes them directly."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class TranscriptHeard:
    """The caller's turn as speech recognition heard it (only when it heard words), or as
    typed in the page's text box."""

    text: str


@dataclass(frozen=True)
class ReplyText:
    """A line the avatar is about to say: the greeting, a sentence of an answer, a set line."""

    text: str


@dataclass(frozen=True)
class SearchStarted:
    """The agent has started a search (what it asked for); its results follow as
    `ListingsShown`."""

    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ListingsShown:
    """A search returned: what it was asked (`name`, `args`), how many listings it found, and
    the listings themselves."""

    name: str
    args: dict[str, Any]
    count: int
    listings: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class AudioOut:
    """A chunk of the avatar's voice (or the typing filler) at the session's output rate."""

    rate: int
    samples: NDArray[np.int16] | NDArray[np.float32]


@dataclass
class TurnTimings:
    """Where a turn's time went, for traces and the voice benchmark (milliseconds)."""

    stt_ms: float = 0.0
    first_sentence_ms: float | None = None
    first_audio_ms: float | None = None  # from the start of the turn (end of speech)
    tts_ms: float | None = None  # the first answer sentence's synthesis, to its first audio
    total_ms: float = 0.0
    searches: int = 0
    fallback: bool = False  # the agent answered with the avatar's fallback line
    transcript: str = ""


@dataclass(frozen=True)
class TurnTimed:
    """The turn is over (not sent when it was cut short): its timings."""

    timings: TurnTimings


VoiceEvent = TranscriptHeard | ReplyText | SearchStarted | ListingsShown | AudioOut | TurnTimed
