"""Superlinked apps over a vector database: in memory, or Qdrant (server or Cloud).

Both backends run the same schema and query; only storage differs. Calls here are blocking
(Superlinked runs its own event loop per thread): the service runs them on worker threads.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from property_agent.domain import Backend, Property, SearchFilters
from property_agent.search.index import PropertyIndex, qdrant_collection, superlinked
from property_agent.search.weights import Weights

logger = logging.getLogger(__name__)

UPSERT_BATCH = 256


class SearchEngine:
    """One Superlinked app: upsert listings by id, query with filters and weights."""

    backend: Backend = "in-memory"

    def __init__(self, index: PropertyIndex, vector_database: Any) -> None:
        self.index = index
        self._source: Any = superlinked.InteractiveSource(index.schema)
        self._app = superlinked.InteractiveExecutor(
            sources=[self._source], indices=[index.index], vector_database=vector_database
        ).run()

    # -- writes --------------------------------------------------------------------------------
    def upsert(
        self, listings: Sequence[Property], progress: Callable[[int], None] | None = None
    ) -> None:
        """Insert or replace listings by id, in batches (idempotent)."""
        for start in range(0, len(listings), UPSERT_BATCH):
            batch = listings[start : start + UPSERT_BATCH]
            self._source.put([_row(p) for p in batch])
            self._remember(batch)
            if progress is not None:
                progress(len(batch))

    def _remember(self, batch: Sequence[Property]) -> None:
        """Hook for backends that keep their own catalogue of what is stored."""

    # -- reads ---------------------------------------------------------------------------------
    def query(self, filters: SearchFilters, weights: Weights, limit: int) -> list[Property]:
        result = self._app.query(self.index.query, **_params(filters), **weights, limit=limit)
        return [_listing(e.id, e.fields) for e in result.entries]

    def natural_query(self, descriptor: Any, text: str, weights: Weights) -> dict[str, Any]:
        """Run Superlinked's LLM parameter extraction; returns the parameters it chose."""
        result = self._app.query(descriptor, natural_query=text, limit=1, **weights)
        return dict(result.metadata.search_params)

    def count(self) -> int:
        raise NotImplementedError

    def locations(self) -> list[str]:
        raise NotImplementedError

    def close(self) -> None:
        """Release connections (Qdrant); nothing to do in memory."""


class InMemoryEngine(SearchEngine):
    backend: Backend = "in-memory"

    def __init__(self, index: PropertyIndex) -> None:
        super().__init__(index, superlinked.InMemoryVectorDatabase())
        self._stored: dict[int, Property] = {}

    def _remember(self, batch: Sequence[Property]) -> None:
        self._stored.update((p.id, p) for p in batch)

    def count(self) -> int:
        return len(self._stored)

    def locations(self) -> list[str]:
        return sorted({p.location for p in self._stored.values()})


class QdrantEngine(SearchEngine):
    backend: Backend = "qdrant"

    def __init__(
        self, index: PropertyIndex, url: str, api_key: str | None, timeout_s: float
    ) -> None:
        from qdrant_client import QdrantClient

        params: dict[str, Any] = {"timeout": int(max(1, timeout_s)), "check_compatibility": False}
        self._client = QdrantClient(url=url, api_key=api_key, **params)
        self._client.get_collections()  # fail fast, before Superlinked creates anything
        super().__init__(
            index,
            superlinked.QdrantVectorDatabase(
                url=url,
                api_key=api_key or "",
                client_params=params,
            ),
        )
        self._collection = qdrant_collection()

    def count(self) -> int:
        if not self._client.collection_exists(self._collection):
            return 0
        return int(self._client.count(self._collection, exact=True).count)

    def locations(self) -> list[str]:
        """Distinct locations stored in Qdrant (scrolls the location payload only)."""
        if not self._client.collection_exists(self._collection):
            return []
        key = self.index.field_name("location")
        found: set[str] = set()
        offset = None
        while True:
            points, offset = self._client.scroll(
                self._collection, limit=1024, offset=offset, with_payload=[key], with_vectors=False
            )
            found.update(str(p.payload[key]) for p in points if p.payload and key in p.payload)
            if offset is None:
                return sorted(found)

    def close(self) -> None:
        self._client.close()


def _row(p: Property) -> dict[str, Any]:
    return {**p.model_dump(), "id": str(p.id)}


def _listing(entity_id: str, fields: dict[str, Any]) -> Property:
    return Property(id=int(entity_id), **{k: v for k, v in fields.items() if k != "id"})


def _params(filters: SearchFilters) -> dict[str, Any]:
    return filters.model_dump()
