"""What the service itself is tuned by: its log, the listings file, the API, hybrid search,
which chat model, conversation memory and the per-turn limits."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator, model_validator

from property_agent.config.base import Group

DEFAULT_EMBEDDING_MODEL = "sentence-transformers/all-MiniLM-L6-v2"


class LogSettings(Group):
    """What the process log shows. `access`: `api` logs every request but health probes and
    static files (the page's scripts, styles, icons), `all` logs every request, `none` none."""

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    access: Literal["api", "all", "none"] = "api"

    @field_validator("level", "access", mode="before")
    @classmethod
    def _case(cls, v: Any, info: Any) -> Any:
        if not isinstance(v, str):
            return v
        return v.strip().upper() if info.field_name == "level" else v.strip().lower()


class DataSettings(Group):
    path: Path = Path("data/properties.csv")


class ApiSettings(Group):
    key: SecretStr | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)


class SearchSettings(Group):
    """Hybrid search tuning. Weights are query parameters: change them without re-indexing."""

    embedding_model: str = DEFAULT_EMBEDDING_MODEL
    model_cache_dir: Path = Path.home() / ".cache" / "property-agent" / "models"
    default_limit: int = Field(default=3, ge=1, le=20)
    description_weight: float = 1.0
    price_weight: float = 0.2
    # 0 by default: Superlinked's size score outweighs price even at 0.05, so "two bedrooms in
    # Retiro" would offer the biggest homes first. "Bigger"/"smaller" requests switch it on.
    size_weight: float = 0.0
    price_min: int = Field(default=50_000, gt=0)
    price_max: int = Field(default=12_000_000, gt=0)
    sqft_min: int = Field(default=15, gt=0)
    sqft_max: int = Field(default=1_500, gt=0)
    threads: int = Field(default=2, ge=1, le=32)
    fuzzy_threshold: float = Field(default=84.0, ge=50, le=100)

    @model_validator(mode="after")
    def _check_ranges(self) -> SearchSettings:
        if self.price_min >= self.price_max:
            raise ValueError("SEARCH__PRICE_MIN must be below SEARCH__PRICE_MAX")
        if self.sqft_min >= self.sqft_max:
            raise ValueError("SEARCH__SQFT_MIN must be below SEARCH__SQFT_MAX")
        return self


class LLMSettings(Group):
    """Which chat model drives the agent. Unset provider: Groq when GROQ__API_KEY is set, else the
    offline policy model (no network)."""

    provider: Literal["groq", "openai", "offline"] | None = None
    timeout_s: float = Field(default=15.0, gt=0, le=120)
    retries: int = Field(default=1, ge=0, le=5)
    temperature: float = Field(default=0.2, ge=0, le=2)


class MemorySettings(Group):
    """Conversation memory (LangGraph checkpointer). `url`: a file path for sqlite, a
    postgresql:// URL for postgres."""

    backend: Literal["memory", "sqlite", "postgres"] = "memory"
    url: str | None = None
    ttl_hours: float = Field(default=168.0, gt=0)

    @model_validator(mode="after")
    def _url_needed(self) -> MemorySettings:
        if self.backend == "postgres" and not (self.url or "").startswith(
            ("postgres", "postgresql")
        ):
            raise ValueError(
                "MEMORY__URL must be a postgresql:// URL when MEMORY__BACKEND=postgres"
            )
        return self


class AgentSettings(Group):
    """Per-turn limits: the caller always hears something within these bounds."""

    turn_timeout_s: float = Field(default=30.0, gt=0, le=300)
    tool_timeout_s: float = Field(default=8.0, gt=0, le=120)
    max_model_calls: int = Field(default=6, ge=1, le=50)
