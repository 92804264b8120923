"""Streaming end-of-turn detection: Silero runs on every 32 ms window with its state kept across
frames (FastRTC's ReplyOnPause judges independent 0.6 s chunks, so the caller waited 0.6–1.2 s).

Two ways to end a turn (`VAD__TURN_MODEL`):
- `silence`: after `VAD__MIN_SILENCE_MS` of silence following speech, whatever was said.
- `smart-turn`: after `VAD__TURN_CHECK_MS` of silence the Smart Turn model (turn_model.py) reads
  the turn's audio; a finished sentence ends the turn at once, an unfinished one ("I'm looking
  for a flat in… um…") keeps listening until `VAD__MAX_PAUSE_MS` of silence.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Generator
from dataclasses import dataclass
from enum import Enum
from typing import Any

import numpy as np
from fastrtc import ReplyOnPause
from fastrtc.reply_on_pause import AppState
from numpy.typing import NDArray

from property_agent.config import VADSettings
from property_agent.voice.audio import STT_RATE, to_stt_input
from property_agent.voice.turn_model import SmartTurnModel, packaged_turn_model
from property_agent.voice.vad import WINDOW_16K, PackagedSileroVAD, packaged_vad
from property_agent.voice.whisper_features import SAMPLES as MODEL_SAMPLES

RATE = STT_RATE
WINDOW_MS = WINDOW_16K * 1000 / RATE  # 32 ms
_HELD_WINDOWS = -(-MODEL_SAMPLES // WINDOW_16K)  # the turn model reads the last 8 s


class Step(Enum):
    LISTEN = "listen"
    ASK = "ask"  # the turn model should judge the turn now
    END = "end"


@dataclass
class TurnState:
    speech_ms: float = 0.0
    silence_ms: float = 0.0  # silence since the last speech window
    started: bool = False
    complete: bool | None = None  # the turn model's verdict on this pause (None: not asked)


def turn_model_for(settings: VADSettings) -> SmartTurnModel | None:
    """The process's turn model when `settings` ask for one (loaded on first use)."""
    return packaged_turn_model() if settings.turn_model == "smart-turn" else None


class StreamingPauseDetector:
    """Feed audio as it arrives; `feed` returns True once a turn has ended."""

    def __init__(
        self,
        settings: VADSettings,
        model: PackagedSileroVAD | None = None,
        turn_model: SmartTurnModel | None = None,
    ) -> None:
        self.settings = settings
        self.model = model or packaged_vad()
        smart = settings.turn_model == "smart-turn"
        self.turn_model = (turn_model or packaged_turn_model()) if smart else None
        self.judged_ms: float | None = None  # wall time of the model's last verdict
        self.ended_by: str | None = None  # why the last turn ended: silence, model, pause limit
        self.reset()

    def reset(self) -> None:
        self._state = self.model.get_initial_state(batch_size=1)
        self._pending = np.zeros(0, dtype=np.float32)
        self._heard: deque[NDArray[np.float32]] = deque(maxlen=_HELD_WINDOWS)
        self.turn = TurnState()

    def feed(self, samples: np.ndarray, rate: int) -> bool:
        """The turn model, when asked, runs in the calling thread: FastRTC calls this from a
        worker thread, never from the event loop."""
        steps = self._windows(samples, rate)
        try:
            audio = next(steps)
            while True:
                audio = steps.send(self._judge(audio))
        except StopIteration as done:
            return bool(done.value)

    async def feed_async(self, samples: np.ndarray, rate: int) -> bool:
        """`feed` for a caller on the event loop (the phone call): the turn model runs in a
        worker thread."""
        steps = self._windows(samples, rate)
        try:
            audio = next(steps)
            while True:
                audio = steps.send(await asyncio.to_thread(self._judge, audio))
        except StopIteration as done:
            return bool(done.value)

    def heard(self) -> NDArray[np.float32]:
        """The last 8 s of audio (16 kHz), what the turn model reads."""
        return np.concatenate([np.zeros(0, dtype=np.float32), *self._heard])

    def _judge(self, audio: NDArray[np.float32]) -> bool:
        assert self.turn_model is not None
        began = time.perf_counter()
        complete = self.turn_model.is_complete(audio)
        self.judged_ms = (time.perf_counter() - began) * 1000
        return complete

    def _windows(
        self, samples: np.ndarray, rate: int
    ) -> Generator[NDArray[np.float32], bool, bool]:
        """Silero on each whole window; yields the heard audio when the turn model must judge
        it, and is sent back its verdict. Returns whether the turn ended."""
        self._pending = np.concatenate([self._pending, to_stt_input(rate, samples)])
        ended = False
        while len(self._pending) >= WINDOW_16K:
            window, self._pending = self._pending[:WINDOW_16K], self._pending[WINDOW_16K:]
            if self.turn_model is not None:  # only the turn model reads what was heard
                self._heard.append(window)
            probability, self._state = self.model(window, self._state, RATE)
            step = self._update(float(np.asarray(probability).reshape(-1)[0]))
            if step is Step.ASK:
                self.turn.complete = yield self.heard()
                step = Step.END if self.turn.complete else Step.LISTEN
            if step is Step.END and not ended:
                ended, self.ended_by = True, self._reason()
        return ended

    def _reason(self) -> str:
        if self.turn_model is None:
            return "silence"
        return "model" if self.turn.complete else "pause limit"

    def _update(self, probability: float) -> Step:
        turn, s = self.turn, self.settings
        if probability >= s.threshold:
            turn.speech_ms += WINDOW_MS
            turn.silence_ms = 0.0
            turn.complete = None  # the caller went on: the next pause is judged afresh
            if turn.speech_ms >= s.started_talking_s * 1000:
                turn.started = True
        elif probability < s.threshold - 0.15:  # hysteresis, as Silero's own timestamps use
            turn.silence_ms += WINDOW_MS
            if not turn.started and turn.silence_ms >= s.min_silence_ms:
                turn.speech_ms = 0.0  # blips of noise far apart never add up to a turn
        if not turn.started:
            return Step.LISTEN
        if self.turn_model is None:
            return Step.END if turn.silence_ms >= s.min_silence_ms else Step.LISTEN
        if turn.complete or turn.silence_ms >= s.max_pause_ms:
            return Step.END
        if turn.complete is None and turn.silence_ms >= s.turn_check_ms:
            return Step.ASK
        return Step.LISTEN


class StreamingReplyOnPause(ReplyOnPause):
    """ReplyOnPause with the streaming detector; everything else (interruption, generators,
    per-connection copies) is FastRTC's."""

    def __init__(self, fn: Any, *, vad: VADSettings, **kwargs: Any) -> None:
        super().__init__(fn, model=packaged_vad(), **kwargs)
        self.vad_settings = vad
        self.detector = StreamingPauseDetector(vad, self.model)  # type: ignore[arg-type]
        # The audio before the turn counts as started (`started_talking_s` of speech, plus the
        # speech pad): without it the caller's first word or two would be cut off.
        self._preroll: deque[np.ndarray] = deque()
        self._preroll_s = vad.started_talking_s + vad.speech_pad_ms / 1000 + 0.1

    def copy(self) -> StreamingReplyOnPause:
        return StreamingReplyOnPause(
            self.fn,
            vad=self.vad_settings,
            startup_fn=self.startup_fn,
            algo_options=self.algo_options,
            model_options=self.model_options,
            can_interrupt=self.can_interrupt,
            expected_layout=self.expected_layout,
            output_sample_rate=self.output_sample_rate,
            output_frame_size=self.output_frame_size,
            input_sample_rate=self.input_sample_rate,
            needs_args=self.needs_args,
        )

    def determine_pause(self, audio: np.ndarray, sampling_rate: int, state: AppState) -> bool:
        ended = self.detector.feed(audio, sampling_rate)
        if self.detector.turn.started:
            state.started_talking = True
            if state.stream is None:
                state.stream = np.concatenate([*self._preroll, audio])
                self._preroll.clear()
            else:
                state.stream = np.concatenate((state.stream, audio))
            if len(state.stream) / sampling_rate >= self.algo_options.max_continuous_speech_s:
                ended = True
        else:
            self._remember(audio, sampling_rate)
        state.buffer = None
        if ended:
            self.detector.reset()
            self._preroll.clear()
        return ended

    def _remember(self, audio: np.ndarray, sampling_rate: int) -> None:
        self._preroll.append(np.asarray(audio).reshape(-1))
        held = sum(len(frame) for frame in self._preroll)
        while self._preroll and held - len(self._preroll[0]) >= self._preroll_s * sampling_rate:
            held -= len(self._preroll.popleft())

    def receive(self, frame: tuple[int, np.ndarray]) -> None:
        """Barge-in: once the caller has been speaking for `started_talking_s` over an answer,
        the answer stops at once (FastRTC alone would wait for the caller to finish)."""
        super().receive(frame)
        if (
            self.can_interrupt
            and self.state.responding
            and self.detector.turn.started
            and not self.state.pause_detected
        ):
            self._close_generator()  # type: ignore[no-untyped-call]
            self.generator = None
            self.clear_queue()
            self.event.clear()  # wait for the new utterance to end before replying to it
            self.state.responding = False

    def reset(self) -> None:
        """FastRTC resets the handler whenever an answer ends (or is cut off by barge-in). If the
        caller is talking at that moment, keep what they have said so far: resetting the
        detector mid-utterance split one request into two turns ("…a flat with a room" / "three
        under 500,000 euros"), measured in the browser test with a caller who spoke over the
        greeting."""
        talking = self.detector.turn.speech_ms > 0
        stream, rate = self.state.stream, self.state.sampling_rate
        super().reset()  # type: ignore[no-untyped-call]
        if talking:
            self.state.stream = stream
            self.state.sampling_rate = rate
            self.state.started_talking = self.detector.turn.started
        else:
            self.detector.reset()
            self._preroll.clear()
