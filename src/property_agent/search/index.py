"""The Superlinked schema, spaces, index and queries for listings.

Three spaces make the hybrid: text similarity on the description (all-MiniLM-L6-v2), price
(MINIMUM: cheaper ranks higher) and size (MAXIMUM: bigger ranks higher). Their weights are query
parameters, so ranking is tuned per query without re-indexing. Hard filters cover location,
rooms, baths, size and both ends of a price range.

Importing this module imports Superlinked (about 10 s): do it once per process, off the request
path.
"""

# No `from __future__ import annotations`: Superlinked reads the schema annotations as classes.

import logging
import warnings
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import structlog

from property_agent.search.embedding_model import offline_environment, prepare_model_cache

offline_environment()


def _quiet_superlinked() -> None:
    """Route Superlinked's structlog output through stdlib logging, at WARNING and above.

    Without this it prints debug lines to stdout at import time.
    """
    if not structlog.is_configured():
        structlog.configure(
            processors=[structlog.stdlib.render_to_log_kwargs],
            logger_factory=structlog.stdlib.LoggerFactory(),
            wrapper_class=structlog.stdlib.BoundLogger,
            cache_logger_on_first_use=True,
        )
    for name in ("superlinked", "sentence_transformers", "transformers", "httpx"):
        logging.getLogger(name).setLevel(logging.WARNING)


_quiet_superlinked()

# Superlinked's settings classes declare a YAML source they do not use; pydantic-settings warns
# each time one is built (at import and later), which tells our users nothing they can act on.
warnings.filterwarnings("ignore", message="Config key `yaml_", category=UserWarning)

from superlinked import framework as sl  # noqa: E402  (after the offline environment is set)
from superlinked.framework.common.settings import settings as sl_settings  # noqa: E402
from superlinked.framework.common.storage_manager.storage_naming import (  # noqa: E402
    StorageNaming,
)
from superlinked.framework.dsl.query.query_descriptor import QueryDescriptor  # noqa: E402


class PropertySchema(sl.Schema):
    id: sl.IdField
    description: sl.String
    baths: sl.Integer
    rooms: sl.Integer
    sqft: sl.Integer
    location: sl.String
    price: sl.Integer


# Parameter descriptions double as instructions for Superlinked's natural-language query mode.
PARAM_DOCS = {
    "description_query": "What the caller wants the home to be like, in their words, without "
    "numbers or the neighbourhood (e.g. 'bright penthouse with a terrace').",
    "location": "The Madrid neighbourhood, only if the caller names one of the options.",
    "min_rooms": "Minimum number of bedrooms the caller asked for.",
    "min_baths": "Minimum number of bathrooms the caller asked for.",
    "sqft_bigger_than": "Minimum floor area in square metres (convert square feet: × 0.0929).",
    "price_smaller_than": "Maximum price in euros (500k = 500000, half a million = 500000).",
    "price_bigger_than": "Minimum price in euros, only when the caller gives a lower bound.",
}


@dataclass
class PropertyIndex:
    """The Superlinked objects for one embedding model and number ranges."""

    schema: PropertySchema
    description_space: sl.TextSimilaritySpace
    price_space: sl.NumberSpace
    size_space: sl.NumberSpace
    index: sl.Index
    query: QueryDescriptor
    _nlq: dict[tuple[Any, ...], QueryDescriptor] = field(default_factory=dict)

    def field_name(self, name: str) -> str:
        """The payload key Superlinked stores a schema field under in a vector database."""
        return str(StorageNaming.generate_field_name_from_schema_field(getattr(self.schema, name)))

    def natural_query(
        self, api_key: str, model: str, base_url: str | None, locations: tuple[str, ...]
    ) -> QueryDescriptor:
        """The same query with Superlinked's LLM parameter extraction (`with_natural_query`)."""
        key = (api_key, model, base_url, locations)
        if key not in self._nlq:
            config = sl.OpenAIClientConfig(api_key=api_key, model=model, base_url=base_url)
            self._nlq[key] = _build_query(self, list(locations) or None).with_natural_query(
                sl.Param("natural_query"), config
            )
        return self._nlq[key]


def _build_query(idx: PropertyIndex, locations: list[str] | None) -> Any:
    s = idx.schema
    return (
        sl.Query(
            idx.index,
            weights={
                idx.description_space: sl.Param("description_weight"),
                idx.price_space: sl.Param("price_weight"),
                idx.size_space: sl.Param("size_weight"),
            },
        )
        .find(s)
        .similar(
            idx.description_space,
            sl.Param("description_query", description=PARAM_DOCS["description_query"]),
        )
        .filter(
            s.location
            == sl.Param("location", description=PARAM_DOCS["location"], options=locations)
        )
        .filter(s.rooms >= sl.Param("min_rooms", description=PARAM_DOCS["min_rooms"]))
        .filter(s.baths >= sl.Param("min_baths", description=PARAM_DOCS["min_baths"]))
        .filter(s.sqft >= sl.Param("sqft_bigger_than", description=PARAM_DOCS["sqft_bigger_than"]))
        .filter(
            s.price <= sl.Param("price_smaller_than", description=PARAM_DOCS["price_smaller_than"])
        )
        .filter(
            s.price >= sl.Param("price_bigger_than", description=PARAM_DOCS["price_bigger_than"])
        )
        .limit(sl.Param("limit"))
        .select_all()
    )


@cache
def build_index(
    model: str,
    model_cache_dir: Path,
    price_range: tuple[int, int],
    sqft_range: tuple[int, int],
) -> PropertyIndex:
    """Build (once per process and configuration) the schema, spaces, index and query."""
    cache_dir = prepare_model_cache(model_cache_dir, model)
    schema = PropertySchema()
    description = sl.TextSimilaritySpace(
        text=schema.description,
        model=model,
        model_cache_dir=cache_dir,
        # Superlinked defaults to float16, which CPUs emulate: 6x slower indexing than float32.
        embedding_engine_config=sl.EmbeddingEngineConfig(precision=sl.Precision.FLOAT32),
    )
    price = sl.NumberSpace(
        number=schema.price,
        min_value=price_range[0],
        max_value=price_range[1],
        mode=sl.Mode.MINIMUM,
    )
    size = sl.NumberSpace(
        number=schema.sqft, min_value=sqft_range[0], max_value=sqft_range[1], mode=sl.Mode.MAXIMUM
    )
    index = sl.Index(
        [description, price, size],
        fields=[schema.rooms, schema.baths, schema.sqft, schema.price, schema.location],
    )
    idx = PropertyIndex(schema, description, price, size, index, query=None)  # type: ignore[arg-type]
    idx.query = _build_query(idx, None)
    return idx


def description_model(idx: PropertyIndex) -> Any:
    """The SentenceTransformer Superlinked embeds descriptions with: its own instance, so the
    process holds one copy of the model (the offline policy reads meaning with it too).

    Superlinked 37.5 exposes no public accessor; the engine manager is a process-wide singleton
    and this asks it for the engine of the space's exact configuration (creating it if it is not
    loaded yet). tests/search/test_encoder.py fails if a Superlinked upgrade changes this.
    """
    from superlinked.framework.common.space.embedding.model_based.singleton_embedding_engine_manager import (  # noqa: E501
        SingletonEmbeddingEngineManager,
    )

    config: Any = idx.description_space.transformation_config.embedding_config
    engine: Any = SingletonEmbeddingEngineManager()._get_engine(
        config.model_handler,
        config.model_name,
        config.model_cache_dir,
        config.embedding_engine_config,
    )
    return engine._model


superlinked = sl  # the framework module, for the engines (re-exported on purpose)


def qdrant_collection() -> str:
    """Superlinked names the Qdrant collection after its APP_ID setting."""
    return str(sl_settings.APP_ID)
