"""The caller's side of a phone call: 20 ms μ-law frames in, whole utterances out.

The same streaming detector as the web page (`StreamingPauseDetector`), with the behaviour
`StreamingReplyOnPause` adds to it: the audio before the turn counts as started
(`VAD__STARTED_TALKING_S` of speech plus `VAD__SPEECH_PAD_MS`) is kept, so the caller's first word
is not cut off, and a monologue longer than `VAD__MAX_TURN_S` is cut there. The utterance stays
at 8 kHz: the STT resamples the whole of it in one pass; the detector (and the Smart Turn model
behind it) hears it upsampled to 16 kHz, frame by frame, with the filter state carried over.
"""

from __future__ import annotations

from collections import deque

import numpy as np
from numpy.typing import NDArray

from property_agent.config import VADSettings
from property_agent.telephony.codec import PHONE_RATE
from property_agent.voice.audio import StreamUpsampler
from property_agent.voice.turn_detection import RATE, StreamingPauseDetector
from property_agent.voice.turn_model import SmartTurnModel
from property_agent.voice.vad import PackagedSileroVAD


class TurnTaker:
    def __init__(
        self,
        vad: VADSettings,
        model: PackagedSileroVAD | None = None,
        turn_model: SmartTurnModel | None = None,
    ) -> None:
        self.detector = StreamingPauseDetector(vad, model, turn_model)
        self._up = StreamUpsampler(RATE // PHONE_RATE)
        self._preroll: deque[NDArray[np.int16]] = deque()
        preroll_s = vad.started_talking_s + vad.speech_pad_ms / 1000 + 0.1
        self._preroll_samples = preroll_s * PHONE_RATE
        self._max_samples = vad.max_turn_s * PHONE_RATE
        self._stream: list[NDArray[np.int16]] | None = None
        self._length = 0

    @property
    def talking(self) -> bool:
        """The caller has spoken for `started_talking_s`: a turn (or a barge-in) is under way."""
        return self.detector.turn.started

    @property
    def hearing_speech(self) -> bool:
        """Any speech in the current turn so far, even too little to count as a turn."""
        return self.detector.turn.speech_ms > 0

    def feed(self, pcm: NDArray[np.int16]) -> NDArray[np.int16] | None:
        """One frame at 8 kHz; the whole utterance (8 kHz int16) when the turn has ended. The
        turn model, when asked, runs in this thread."""
        return self._took(self.detector.feed(self._up(pcm), RATE), pcm)

    async def feed_async(self, pcm: NDArray[np.int16]) -> NDArray[np.int16] | None:
        """`feed` on the event loop: the turn model runs in a worker thread."""
        return self._took(await self.detector.feed_async(self._up(pcm), RATE), pcm)

    def _took(self, ended: bool, pcm: NDArray[np.int16]) -> NDArray[np.int16] | None:
        if self.detector.turn.started:
            if self._stream is None:
                self._stream, self._length = list(self._preroll), sum(map(len, self._preroll))
                self._preroll.clear()
            self._stream.append(pcm)
            self._length += len(pcm)
            ended = ended or self._length >= self._max_samples
        else:
            self._remember(pcm)
        if not ended:
            return None
        utterance = np.concatenate(self._stream or [np.zeros(0, dtype=np.int16)])
        self.reset()
        return utterance

    def reset(self) -> None:
        self.detector.reset()
        self._preroll.clear()
        self._stream, self._length = None, 0

    def _remember(self, pcm: NDArray[np.int16]) -> None:
        self._preroll.append(pcm)
        held = sum(len(frame) for frame in self._preroll)
        while self._preroll and held - len(self._preroll[0]) >= self._preroll_samples:
            held -= len(self._preroll.popleft())
