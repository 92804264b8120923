"""One turn through Whisper with its n best readings, not just the best one.

faster-whisper's `transcribe` keeps only the top beam. A turn is one short window, so this decodes
it directly with CTranslate2 (`num_hypotheses`), the same features, prompt and token suppression
faster-whisper uses, and a window cut to the audio (see `window_frames`). Longer turns than one
window go through `transcribe` and come back with one reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from property_agent.voice.stt.base import is_no_speech

if TYPE_CHECKING:
    from faster_whisper import WhisperModel
    from numpy.typing import NDArray

# Whisper's encoder always reads a 30 s window (3000 mel frames); faster-whisper pads every
# utterance to it, so a 3 s turn cost as much as a 30 s one (~1.1-1.5 s on 2 cores). The encoder
# also works on a shorter window: measured on 12 espeak utterances of 1-5 s, padding to the audio
# plus 1 s (at least 10 s) took the median transcription from 1078 ms to 377 ms with a word error
# of 15% instead of 22%. Shorter still (5 s, or audio + 0.5 s) made Whisper loop or garble.
_WINDOW_FRAMES = 3000
_MIN_FRAMES = 1000  # 10 s
_TAIL_FRAMES = 100  # 1 s of padding after the audio
_MAX_INITIAL_TIMESTAMP_INDEX = 50  # faster-whisper's default (1 s)


@dataclass(frozen=True)
class Reading:
    """One hypothesis: its text and average log-probability per token (higher is likelier)."""

    text: str
    avg_logprob: float


def window_frames(content_frames: int) -> int | None:
    """The encoder window for a turn of `content_frames`, or None when it needs more than one."""
    if content_frames + _TAIL_FRAMES >= _WINDOW_FRAMES:
        return None
    return max(_MIN_FRAMES, content_frames + _TAIL_FRAMES)


class NBestDecoder:
    """Decodes one window of speech into up to `beam_size` readings, best first."""

    def __init__(self, model: WhisperModel, language: str, prompt: str, beam_size: int) -> None:
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import get_suppressed_tokens

        self._model = model
        self._beam_size = beam_size
        self._prompt_text = prompt
        self._tokenizer = Tokenizer(
            model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language=language
        )
        previous = self._tokenizer.encode(" " + prompt.strip()) if prompt.strip() else []
        self._prompt = model.get_prompt(self._tokenizer, previous, without_timestamps=True)
        self._suppress = list(get_suppressed_tokens(self._tokenizer, [-1]))

    def readings(self, samples: NDArray[np.float32], max_new_tokens: int) -> list[Reading]:
        """The turn's readings, best first; [] when Whisper hears no speech in it."""
        return self.readings_batch([samples], max_new_tokens)[0]

    def readings_batch(
        self, batch: list[NDArray[np.float32]], max_new_tokens: int
    ) -> list[list[Reading]]:
        """Each turn's readings, as `readings` gives them, from one encoder pass and one beam
        search over every turn that fits one window (padded to the longest of them)."""
        from faster_whisper.audio import pad_or_trim

        results: list[list[Reading]] = [[] for _ in batch]
        short: list[tuple[int, Any]] = []
        for index, samples in enumerate(batch):
            features = self._model.feature_extractor(samples)
            content = features.shape[-1] - 1
            if window_frames(content) is None:
                results[index] = self._long(samples, max_new_tokens)
            else:
                short.append((index, features[:, :content]))
        if not short:
            return results
        frames = max(window_frames(f.shape[-1]) or _WINDOW_FRAMES for _, f in short)
        stacked = np.stack([pad_or_trim(f, frames) for _, f in short])
        encoded = self._model.encode(stacked)
        generated: Any = self._model.model.generate(
            encoded,
            [self._prompt] * len(short),
            beam_size=self._beam_size,
            num_hypotheses=self._beam_size,
            max_length=len(self._prompt) + max_new_tokens,
            return_scores=True,
            return_no_speech_prob=True,
            suppress_blank=True,
            suppress_tokens=self._suppress,
            max_initial_timestamp_index=_MAX_INITIAL_TIMESTAMP_INDEX,
        )
        for (index, _), result in zip(short, generated, strict=True):
            results[index] = self._readings_of(result)
        return results

    def _readings_of(self, result: Any) -> list[Reading]:
        readings = []
        for tokens, score in zip(result.sequences_ids, result.scores, strict=True):
            # The score is the sum of log-probabilities over the length (length penalty 1);
            # faster-whisper's average divides by one token more, for the end of text.
            avg_logprob = float(score) * len(tokens) / (len(tokens) + 1)
            readings.append(Reading(self._tokenizer.decode(tokens).strip(), avg_logprob))
        if not readings or is_no_speech(result.no_speech_prob, readings[0].avg_logprob):
            return []
        return [r for r in readings if r.text]

    def _long(self, samples: NDArray[np.float32], max_new_tokens: int) -> list[Reading]:
        """A turn longer than one window: faster-whisper's own loop, its best reading only."""
        segments, _info = self._model.transcribe(
            samples,
            language=self._tokenizer.language_code,
            beam_size=self._beam_size,
            vad_filter=False,
            condition_on_previous_text=False,
            temperature=0.0,
            initial_prompt=self._prompt_text or None,
            without_timestamps=True,
            max_new_tokens=max_new_tokens,
        )
        kept = [s for s in segments if not is_no_speech(s.no_speech_prob, s.avg_logprob)]
        if not kept:
            return []
        text = " ".join(s.text.strip() for s in kept)
        return [Reading(text, sum(s.avg_logprob for s in kept) / len(kept))]
