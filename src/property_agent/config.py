"""One validated `Settings` for the whole process, read from the environment and `.env`.

Nested groups use `__` (`QDRANT__URL`, `OPENAI__API_KEY`, …). Placeholder values copied from
`.env.example` (`YOUR_KEY_HERE`, `<your-key>`, `changeme`) count as unset, so a half-edited `.env`
never sends a fake key to a paid API. Nothing else in the package reads `os.environ`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

_PLACEHOLDER = re.compile(
    r"^(your[_\- ].*|.*_here|<.*>|\{.*\}|changeme|change[_\- ]me|x{3,}|\.{3}|todo|placeholder)$",
    re.IGNORECASE,
)
DEFAULT_EMBEDDING_MODEL = "sentence-transformers/all-MiniLM-L6-v2"


def is_placeholder(value: object) -> bool:
    """True for values people paste from examples instead of a real secret or URL."""
    return isinstance(value, str) and bool(_PLACEHOLDER.match(value.strip()))


class _Group(BaseModel):
    """A settings group: placeholders fall back to the field's default (usually unset)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_placeholders(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not is_placeholder(v) and v != ""}
        return data


def _http_url(value: str | None, setting: str) -> str | None:
    if value is None:
        return None
    value = value.strip().rstrip("/")
    if not re.match(r"^https?://[^\s/]+", value):
        raise ValueError(f"{setting} must start with http:// or https:// (got {value!r})")
    return value


class GroqSettings(_Group):
    api_key: SecretStr | None = None
    model: str = "openai/gpt-oss-20b"


class OpenAISettings(_Group):
    """Any OpenAI-compatible endpoint: OpenAI itself, Ollama, vLLM, llama.cpp server."""

    api_key: SecretStr | None = None
    base_url: str | None = None
    model: str = "gpt-4o-mini"
    timeout_s: float = Field(default=6.0, gt=0, le=60)

    @field_validator("base_url")
    @classmethod
    def _check_url(cls, v: str | None) -> str | None:
        return _http_url(v, "OPENAI__BASE_URL")

    @property
    def configured(self) -> bool:
        return self.api_key is not None or self.base_url is not None


class QdrantSettings(_Group):
    """Qdrant server or Qdrant Cloud; unset means the index lives in memory."""

    url: str | None = None
    api_key: SecretStr | None = None
    timeout_s: float = Field(default=3.0, gt=0, le=60)
    # At start Qdrant may still be booting (docker compose starts both at once): keep trying this
    # long before falling back to memory.
    connect_wait_s: float = Field(default=5.0, ge=0, le=300)

    @field_validator("url")
    @classmethod
    def _check_url(cls, v: str | None) -> str | None:
        return _http_url(v, "QDRANT__URL")


class DataSettings(_Group):
    path: Path = Path("data/properties.csv")


class ApiSettings(_Group):
    key: SecretStr | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)


class SearchSettings(_Group):
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


class LLMSettings(_Group):
    """Which chat model drives the agent. Unset provider: Groq when GROQ__API_KEY is set, else the
    offline policy model (no network)."""

    provider: Literal["groq", "openai", "offline"] | None = None
    timeout_s: float = Field(default=15.0, gt=0, le=120)
    retries: int = Field(default=1, ge=0, le=5)
    temperature: float = Field(default=0.2, ge=0, le=2)


class MemorySettings(_Group):
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


class AgentSettings(_Group):
    """Per-turn limits: the caller always hears something within these bounds."""

    turn_timeout_s: float = Field(default=30.0, gt=0, le=300)
    tool_timeout_s: float = Field(default=8.0, gt=0, le=120)
    max_model_calls: int = Field(default=6, ge=1, le=50)


class OpikSettings(_Group):
    """Tracing. Set `api_key` (Comet cloud) or `url` (self-hosted Opik) to turn it on."""

    api_key: SecretStr | None = None
    url: str | None = None
    workspace: str | None = None
    project: str = "property-phone-agent"

    @field_validator("url")
    @classmethod
    def _check_url(cls, v: str | None) -> str | None:
        return _http_url(v, "OPIK__URL")

    @property
    def configured(self) -> bool:
        return self.api_key is not None or self.url is not None


class STTSettings(_Group):
    """Speech to text. `whisper-local` runs the packaged Whisper base offline."""

    model: Literal["whisper-local", "whisper-groq", "faster-whisper-remote", "moonshine"] = (
        "whisper-local"
    )
    language: str = "en"
    threads: int = Field(default=2, ge=1, le=32)  # CPU threads for local inference
    # Beam width of the local model, and how many readings of a turn it weighs for the place
    # named (voice/stt/hypotheses.py). Phone bench, dev split: 1 → 58%, 3 → 70%, 5 → 75%,
    # 8 → 78% of requests searched in the right place; 5 costs ~60 ms a turn more than 3.
    beam_size: int = Field(default=5, ge=1, le=10)
    model_dir: Path = Path.home() / ".cache" / "property-agent" / "whisper-base"
    groq_model: str = "whisper-large-v3-turbo"
    remote_url: str | None = None  # OpenAI-compatible /v1/audio/transcriptions (e.g. RunPod)
    remote_api_key: SecretStr | None = None
    remote_model: str = "Systran/faster-whisper-large-v3"
    timeout_s: float = Field(default=15.0, gt=0, le=120)

    @field_validator("remote_url")
    @classmethod
    def _check_url(cls, v: str | None) -> str | None:
        return _http_url(v, "STT__REMOTE_URL")


class TTSSettings(_Group):
    """Text to speech. `piper` speaks with the packaged en_US joe voice offline; the others fall
    back to Piper when they fail."""

    model: Literal["piper", "kokoro", "together", "orpheus-remote"] = "piper"
    speed: float = Field(default=1.0, gt=0.25, le=4.0)
    kokoro_dir: Path | None = None  # folder holding kokoro-v1.0.onnx and voices-v1.0.bin
    together_api_key: SecretStr | None = None
    together_model: str = "canopylabs/orpheus-3b-0.1-ft"
    remote_url: str | None = None  # OpenAI-compatible /v1/audio/speech (e.g. an Orpheus pod)
    remote_api_key: SecretStr | None = None
    remote_model: str = "orpheus"
    timeout_s: float = Field(default=20.0, gt=0, le=120)

    @field_validator("remote_url")
    @classmethod
    def _check_url(cls, v: str | None) -> str | None:
        return _http_url(v, "TTS__REMOTE_URL")


class VADSettings(_Group):
    """End-of-turn detection (FastRTC ReplyOnPause with Silero). Silence longer than
    `min_silence_ms` after speech ends the turn; shorter pauses keep listening."""

    threshold: float = Field(default=0.5, gt=0, lt=1)
    min_silence_ms: int = Field(default=450, ge=100, le=5000)
    speech_pad_ms: int = Field(default=200, ge=0, le=2000)  # kept before the detected start
    started_talking_s: float = Field(default=0.2, ge=0, le=5)  # speech that opens a turn
    max_turn_s: float = Field(default=60.0, ge=1, le=600)  # a longer monologue is cut here


class FillerSettings(_Group):
    """What the caller hears while a search runs: the avatar's tool line, then typing."""

    enabled: bool = True
    max_s: float = Field(default=6.0, ge=0, le=60)


class WebSettings(_Group):
    """The voice web page: how many browser sessions at once, and for how long each."""

    max_sessions: int = Field(default=8, ge=1, le=1000)
    time_limit_s: float = Field(default=900.0, gt=0)


class TwilioSettings(_Group):
    """Twilio credentials: the auth token validates webhook signatures; with the account SID it
    also places outbound calls."""

    account_sid: str | None = None
    auth_token: SecretStr | None = None
    api_base_url: str | None = None  # another Twilio-compatible API (tests, regions); None = Twilio

    @field_validator("api_base_url")
    @classmethod
    def _check_url(cls, v: str | None) -> str | None:
        return _http_url(v, "TWILIO__API_BASE_URL")


class TelephonySettings(_Group):
    """Phone calls over Twilio Media Streams: limits and who resumes where."""

    max_calls: int = Field(default=20, ge=1, le=1000)  # simultaneous calls; more hear "busy"
    max_call_s: float = Field(default=1800.0, gt=0)  # a call this long ends with a goodbye
    silence_timeout_s: float = Field(default=60.0, gt=0)  # caller silent this long: goodbye
    resume_caller: bool = True  # a returning number resumes its conversation
    records_limit: int = Field(default=50, ge=1, le=1000)  # calls listed by GET /calls


class Settings(BaseSettings):
    model_config: ClassVar[SettingsConfigDict] = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_nested_delimiter="__",
        env_ignore_empty=True,
        extra="ignore",
        frozen=True,
    )

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    avatar_name: str = "tara"
    public_base_url: str | None = None  # e.g. https://agent.example.com, as Twilio reaches us
    groq: GroqSettings = GroqSettings()
    openai: OpenAISettings = OpenAISettings()
    qdrant: QdrantSettings = QdrantSettings()
    data: DataSettings = DataSettings()
    api: ApiSettings = ApiSettings()
    search: SearchSettings = SearchSettings()
    llm: LLMSettings = LLMSettings()
    memory: MemorySettings = MemorySettings()
    agent: AgentSettings = AgentSettings()
    opik: OpikSettings = OpikSettings()
    stt: STTSettings = STTSettings()
    tts: TTSSettings = TTSSettings()
    vad: VADSettings = VADSettings()
    filler: FillerSettings = FillerSettings()
    web: WebSettings = WebSettings()
    twilio: TwilioSettings = TwilioSettings()
    telephony: TelephonySettings = TelephonySettings()

    @field_validator("public_base_url")
    @classmethod
    def _check_public_url(cls, v: str | None) -> str | None:
        return _http_url(v, "PUBLIC_BASE_URL")

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, v: Any) -> Any:
        return v.upper() if isinstance(v, str) else v

    @field_validator("avatar_name", mode="before")
    @classmethod
    def _lower(cls, v: Any) -> Any:
        return v.strip().lower() if isinstance(v, str) else v

    @property
    def llm_provider(self) -> Literal["groq", "openai", "offline"]:
        """The configured provider, or Groq when its key is set, else offline."""
        if self.llm.provider:
            return self.llm.provider
        return "groq" if self.groq.api_key is not None else "offline"


class SettingsError(Exception):
    """Start-up configuration is invalid; the message names each environment variable to fix."""


def env_name(loc: tuple[int | str, ...]) -> str:
    """Map a pydantic error location such as ("qdrant", "url") to `QDRANT__URL`."""
    return "__".join(str(part).upper() for part in loc if not str(part).startswith("_"))


def load_settings(**overrides: Any) -> Settings:
    """Build settings once at start-up, turning validation errors into one readable message."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = [f"  {env_name(err['loc']) or 'settings'}: {err['msg']}" for err in exc.errors()]
        raise SettingsError("Invalid configuration:\n" + "\n".join(lines)) from None
