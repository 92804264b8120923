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
        self._mean_pooled = _is_mean_pooled(model)
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

    def _encode_single(self, text: str) -> NDArray[np.float32]:
        """One sentence straight through the transformer with mean pooling, as the model's own
        pipeline does (all-MiniLM-L6-v2: mean pooling, then unit length), without its batching
        machinery: 7.5 ms instead of 9.2 ms a sentence on this CPU. Other models: `encode`."""
        tokenizer = getattr(self.model, "tokenizer", None)
        if not self._mean_pooled or tokenizer is None:
            first: NDArray[np.float32] = self.encode([text])[0]
            return first
        import torch

        with torch.inference_mode():
            batch = tokenizer([text], return_tensors="pt", truncation=True, max_length=256)
            hidden = self.model[0].auto_model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            vector = torch.nn.functional.normalize(pooled, dim=1)[0]
        return np.asarray(vector.numpy(), dtype=np.float32)

    def forget(self) -> None:
        """Drop the remembered sentences (benchmarks measure every turn as new)."""
        with self._lock:
            self._recent.clear()

    def encode_one(self, text: str) -> NDArray[np.float32]:
        with self._lock:
            cached = self._recent.get(text)
            if cached is not None:
                self._recent.move_to_end(text)
                return cached
        vector = self._encode_single(text)
        with self._lock:
            self._recent[text] = vector
            while len(self._recent) > _CACHE_SIZE:
                self._recent.popitem(last=False)
        return vector


def _is_mean_pooled(model: Any) -> bool:
    """A sentence-transformers model made of a transformer, mean pooling and (optionally)
    normalisation only: the shape the single-sentence fast path reproduces exactly."""
    try:
        names = [type(module).__name__ for module in model]
        pooling = model[1]
    except (TypeError, IndexError, KeyError):
        return False
    return (
        names[:2] == ["Transformer", "Pooling"]
        and set(names[2:]) <= {"Normalize"}
        and getattr(pooling, "pooling_mode_mean_tokens", False)
        and not getattr(pooling, "pooling_mode_cls_token", False)
        and not getattr(pooling, "pooling_mode_max_tokens", False)
    )
