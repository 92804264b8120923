"""What a turn means: the caller's sentence is embedded with the search's own MiniLM and read by
a small classifier trained, once per process, on the examples in exemplars.yaml.

Chosen by figures (`scripts/eval_conversations.py --intents` prints them): over 10-fold
cross-validation on the examples, a logistic-regression head got 86% of held-back examples
right, nearest examples 74-77% (k = 1-3) and intent centroids 78%; on a 2-core CPU it adds
well under a millisecond to the ~10 ms embedding.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import yaml
from numpy.typing import NDArray

from property_agent.search.encoder import SentenceEncoder

logger = logging.getLogger(__name__)

REGULARISATION_C = 16.0


@cache
def exemplars() -> dict[str, tuple[str, ...]]:
    text = resources.files(__package__).joinpath("exemplars.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    return {str(intent): tuple(str(e) for e in examples) for intent, examples in raw.items()}


@dataclass(frozen=True)
class Guess:
    """The likeliest intent, its probability, and the runner-up."""

    intent: str
    probability: float
    runner_up: str
    runner_up_probability: float


class MeaningReader:
    """Built once per encoder (embedding the examples and fitting takes ~2 s); thread-safe."""

    def __init__(self, encoder: SentenceEncoder, examples: dict[str, tuple[str, ...]]) -> None:
        from sklearn.linear_model import LogisticRegression

        began = time.perf_counter()
        self.encoder = encoder
        sentences = [s for examples_ in examples.values() for s in examples_]
        labels = [intent for intent, examples_ in examples.items() for _ in examples_]
        self._head = LogisticRegression(C=REGULARISATION_C, max_iter=2000)
        self._head.fit(encoder.encode(sentences), labels)
        self.intents: list[str] = [str(c) for c in self._head.classes_]
        self._weights = np.asarray(self._head.coef_, dtype=np.float64)
        self._bias = np.asarray(self._head.intercept_, dtype=np.float64)
        logger.debug(
            "Intent head trained on %d examples of %d intents in %.2f s",
            len(sentences),
            len(self.intents),
            time.perf_counter() - began,
        )

    def probabilities(self, vector: NDArray[np.float32]) -> NDArray[np.float64]:
        """The head's softmax in numpy (sklearn's predict_proba costs ~1 ms of checks a call)."""
        logits = self._weights @ vector.astype(np.float64) + self._bias
        exp = np.exp(logits - logits.max())
        return np.asarray(exp / exp.sum(), dtype=np.float64)

    def read(self, text: str) -> Guess:
        probs = self.probabilities(self.encoder.encode_one(text))
        best, second = (int(i) for i in np.argsort(probs)[::-1][:2])
        return Guess(
            self.intents[best], float(probs[best]), self.intents[second], float(probs[second])
        )


_readers: dict[int, MeaningReader] = {}
_lock = threading.Lock()


def reader_for(encoder: SentenceEncoder) -> MeaningReader:
    """The process's reader for this encoder (trained on first use)."""
    with _lock:
        reader = _readers.get(id(encoder))
        if reader is None or reader.encoder is not encoder:
            reader = _readers[id(encoder)] = MeaningReader(encoder, exemplars())
        return reader
