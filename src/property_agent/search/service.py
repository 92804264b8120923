"""`PropertySearchService`: the one entry point for search, used by the API, the CLI and the agent.

It picks the backend (Qdrant when configured and reachable, else memory, with the reason kept
for `/health`), loads listings, understands queries (LLM when configured, local parser always as
the fallback), runs them off the event loop, and explains empty results.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from property_agent.config import Settings
from property_agent.domain import (
    Backend,
    ParsedQuery,
    PlaceIssue,
    Property,
    SearchFilters,
    SearchResult,
)
from property_agent.search.listings_csv import ListingsReport, read_listings
from property_agent.search.parser import LocalQueryParser
from property_agent.search.relax import build_hint, find_relaxations
from property_agent.search.weights import Weights, weights_for

if TYPE_CHECKING:
    from property_agent.search.encoder import SentenceEncoder
    from property_agent.search.engine import SearchEngine
    from property_agent.search.llm_parser import NaturalQueryParser

logger = logging.getLogger(__name__)
T = TypeVar("T")


class IndexState(StrEnum):
    LOADING = "loading"
    READY = "ready"
    FAILED = "failed"


@dataclass(frozen=True)
class IndexStatus:
    state: IndexState
    backend: Backend
    properties: int
    message: str


class SearchUnavailable(RuntimeError):
    """The index is still loading or failed to load; the message says which."""


class PropertySearchService:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._pool = ThreadPoolExecutor(settings.search.threads, thread_name_prefix="search")
        # LLM calls wait on the network: they get their own threads so a slow endpoint never
        # holds up the CPU-bound search pool.
        self._llm_pool = ThreadPoolExecutor(4, thread_name_prefix="search-llm")
        self._engine: SearchEngine | None = None
        self._parser = LocalQueryParser([], settings.search.fuzzy_threshold)
        self._nlq: NaturalQueryParser | None = None
        self._encoder: SentenceEncoder | None = None
        self._state = IndexState.LOADING
        self._message = "Loading the listings index."
        self._backend: Backend = "qdrant" if settings.qdrant.url else "in-memory"
        self._count = 0
        self._settled = asyncio.Event()  # set once the index is ready or has failed

    # -- lifecycle -----------------------------------------------------------------------------
    async def start(
        self, data_path: Path | None = None, *, load_data: bool = True, fallback: bool = True
    ) -> None:
        """Connect the backend and index listings (memory) or seed an empty Qdrant collection.

        `load_data=False` connects only (for `ingest`); `fallback=False` makes an unreachable
        Qdrant a failure instead of a switch to memory. Never raises: a failure is recorded in
        `status()` so `/health` and the CLI can report it.
        """
        path = Path(data_path or self.settings.data.path)
        began = time.perf_counter()
        try:
            early = None
            if load_data and self._backend == "in-memory" and await self._run(path.is_file):
                # Read the file before the slow part (the model and the embeddings): the agent
                # knows which neighbourhoods we cover from the first second.
                early = await self._run(read_listings, path)
                locations = sorted({p.location for p in early.listings})
                self._parser = LocalQueryParser(locations, self.settings.search.fuzzy_threshold)
            engine, note = await self._run(self._connect, fallback)
            self._engine = engine
            self._backend = engine.backend
            self._encoder = await self._run(_encoder_for, engine)
            if load_data:
                note += await self._load_initial(engine, path, early)
            await self._refresh_catalogue()
            if self.settings.openai.configured:
                from property_agent.search.llm_parser import NaturalQueryParser

                self._nlq = NaturalQueryParser(engine, self.settings.openai)
            took = time.perf_counter() - began
            self._message = (
                f"{self._count} listings indexed ({self._backend}) in {took:.1f}s.{note}"
            )
            self._state = IndexState.READY
            logger.info(self._message)
        except Exception as exc:
            self._state = IndexState.FAILED
            self._message = f"Index failed to load: {exc}"
            logger.exception("Index failed to load")
        finally:
            self._settled.set()

    async def wait_until_loaded(self, timeout_s: float) -> None:
        """While the index is still loading, wait for it, at most `timeout_s` (at once when it is
        ready or has failed): a search asked for in the first seconds waits instead of failing."""
        if self._state is IndexState.LOADING:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._settled.wait(), timeout_s)

    async def _load_initial(
        self, engine: SearchEngine, path: Path, report: ListingsReport | None = None
    ) -> str:
        """Index the CSV in memory mode, or seed an empty Qdrant collection; returns a note."""
        if engine.backend == "qdrant" and await self._run(engine.count) > 0:
            return ""
        if engine.backend == "qdrant" and not await self._run(path.is_file):
            return f" Qdrant is empty and {path} does not exist: run property-agent ingest."
        if engine.backend == "qdrant":
            logger.info("Qdrant collection is empty: seeding it from %s", path)
        if report is None:
            report = await self._run(read_listings, path)
        _log_report(report)
        await self._run(engine.upsert, report.listings)
        if report.errors:
            return f" {len(report.errors)} bad row(s) in {path} were skipped (see the log)."
        return ""

    def _connect(self, fallback: bool) -> tuple[SearchEngine, str]:
        from property_agent.search.engine import InMemoryEngine, QdrantEngine
        from property_agent.search.index import build_index

        s = self.settings.search
        index = build_index(
            s.embedding_model,
            s.model_cache_dir,
            (s.price_min, s.price_max),
            (s.sqft_min, s.sqft_max),
        )
        q = self.settings.qdrant
        if not q.url:
            return InMemoryEngine(index), ""
        key = q.api_key.get_secret_value() if q.api_key else None
        deadline = time.monotonic() + q.connect_wait_s
        while True:
            try:
                return QdrantEngine(index, q.url, key, q.timeout_s), ""
            except Exception as exc:
                if time.monotonic() < deadline:
                    time.sleep(1.0)
                    continue
                reason = f"Qdrant at {q.url} is unreachable ({type(exc).__name__}: {exc})"
                if not fallback:
                    raise ConnectionError(reason) from exc
                logger.warning("%s; falling back to the in-memory index", reason)
                return InMemoryEngine(index), f" {reason}; serving from memory instead."

    async def _refresh_catalogue(self) -> None:
        assert self._engine is not None
        locations = await self._run(self._engine.locations)
        self._count = await self._run(self._engine.count)
        self._parser = LocalQueryParser(locations, self.settings.search.fuzzy_threshold)

    async def aclose(self) -> None:
        if self._engine is not None:
            await self._run(self._engine.close)
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._llm_pool.shutdown(wait=False, cancel_futures=True)

    def status(self) -> IndexStatus:
        return IndexStatus(self._state, self._backend, self._count, self._message)

    @property
    def parser(self) -> LocalQueryParser:
        return self._parser

    @property
    def encoder(self) -> SentenceEncoder | None:
        """Sentence embeddings from the description model (None until the index is built)."""
        return self._encoder

    # -- search --------------------------------------------------------------------------------
    async def search(self, query: str, limit: int | None = None) -> SearchResult:
        """Understand `query` and return up to `limit` listings meeting every stated constraint."""
        self._ready()
        return await self.search_parsed(await self.understand(query), limit)

    async def understand(self, query: str) -> ParsedQuery:
        local = self._parser.parse(query)
        if self._nlq is None:
            return local
        try:
            return await asyncio.wait_for(
                self._nlq.parse(query, local, self._parser, self._run_llm),
                timeout=self.settings.openai.timeout_s,
            )
        except Exception as exc:
            reason = "timed out" if isinstance(exc, TimeoutError) else f"failed ({exc!r})"
            logger.warning("LLM query parsing %s; using the local parser", reason)
            return local

    async def search_parsed(self, parsed: ParsedQuery, limit: int | None = None) -> SearchResult:
        """Search with already-parsed filters (the agent carries criteria across turns)."""
        engine = self._ready()
        limit = limit or self.settings.search.default_limit
        weights = weights_for(self.settings.search, parsed.preferences)
        excluded = {f.text for f in parsed.flagged_places if f.issue is PlaceIssue.EXCLUDED}
        fetch = min(limit * 4, 80) if excluded else limit
        found = await self._run(engine.query, parsed.filters, weights, fetch)
        listings = [p for p in found if p.location not in excluded][:limit]
        relaxations = []
        if not listings:
            relaxations = await find_relaxations(parsed, weights, self._query)
        return SearchResult(
            query=parsed.text,
            parsed=parsed,
            properties=listings,
            relaxations=relaxations,
            hint=build_hint(parsed, listings, relaxations),
        )

    async def _query(self, filters: SearchFilters, weights: Weights, limit: int) -> list[Property]:
        engine = self._ready()
        return await self._run(engine.query, filters, weights, limit)

    # -- ingestion -----------------------------------------------------------------------------
    async def ingest(
        self, listings: Sequence[Property], progress: Callable[[int], None] | None = None
    ) -> int:
        """Upsert listings by id (idempotent) and return how many the index holds now."""
        engine = self._ready()
        await self._run(engine.upsert, listings, progress)
        await self._refresh_catalogue()
        return self._count

    # -- plumbing ------------------------------------------------------------------------------
    def _ready(self) -> SearchEngine:
        if self._state is not IndexState.READY or self._engine is None:
            raise SearchUnavailable(self._message)
        return self._engine

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        """Blocking work (Superlinked, embeddings, file reads) runs on the bounded search pool."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    async def _run_llm(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._llm_pool, fn, *args)


def _encoder_for(engine: SearchEngine) -> SentenceEncoder:
    from property_agent.search.encoder import SentenceEncoder
    from property_agent.search.index import description_model

    return SentenceEncoder(description_model(engine.index))


def _log_report(report: ListingsReport) -> None:
    for error in report.errors[:20]:
        logger.warning("%s: skipped %s", report.path, error)
    if len(report.errors) > 20:
        logger.warning("%s: %d more bad rows skipped", report.path, len(report.errors) - 20)
    logger.log(
        logging.INFO if report.errors else logging.DEBUG,
        "%s: %d valid listings, %d bad rows",
        report.path,
        len(report.listings),
        len(report.errors),
    )
