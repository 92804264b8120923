"""Sentence embeddings for meaning (intent matching) from the model search already holds.

all-MiniLM-L6-v2 is loaded once per process, by Superlinked for the description space; the
offline policy reuses that same instance instead of loading a second copy (80 MB, ~15 s).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

_CACHE_SIZE = 512


class SentenceEncoder:
    """Unit-length embeddings; the most recent sentences are remembered (a turn is often read
    twice: by the policy and by the evaluation or the tracing around it)."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self._recent: OrderedDict[str, NDArray[np.float32]] = OrderedDict()
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> NDArray[np.float32]:
        vectors = self.model.encode(
            list(texts),
            batch_size=batch_size,
            show_progress_bar=False,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.asarray(vectors, dtype=np.float32)

    def encode_one(self, text: str) -> NDArray[np.float32]:
        with self._lock:
            cached = self._recent.get(text)
            if cached is not None:
                self._recent.move_to_end(text)
                return cached
        vector = self.encode([text])[0]
        with self._lock:
            self._recent[text] = vector
            while len(self._recent) > _CACHE_SIZE:
                self._recent.popitem(last=False)
        return vector
