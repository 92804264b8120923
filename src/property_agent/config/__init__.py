"""One validated `Settings` for the whole process, read from the environment and `.env`.

Nested groups use `__` (`QDRANT__URL`, `OPENAI__API_KEY`, …). Placeholder values copied from
`.env.example` (`YOUR_KEY_HERE`, `<your-key>`, `changeme`) count as unset, so a half-edited `.env`
never sends a fake key to a paid API. Nothing else in the package reads `os.environ`.

The groups live in `config/core.py` (the service), `providers.py` (outside services) and
`voice.py` (hearing, speaking, phone calls); every name is importable from here.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from property_agent.config.base import is_placeholder, url_setting
from property_agent.config.core import (
    DEFAULT_EMBEDDING_MODEL,
    AgentSettings,
    ApiSettings,
    DataSettings,
    LLMSettings,
    LogSettings,
    MemorySettings,
    SearchSettings,
)
from property_agent.config.providers import (
    GroqSettings,
    OpenAISettings,
    OpikSettings,
    QdrantSettings,
    TwilioSettings,
)
from property_agent.config.voice import (
    FillerSettings,
    STTSettings,
    TelephonySettings,
    TTSSettings,
    VADSettings,
    WebSettings,
)

__all__ = [
    "DEFAULT_EMBEDDING_MODEL",
    "AgentSettings",
    "ApiSettings",
    "DataSettings",
    "FillerSettings",
    "GroqSettings",
    "LLMSettings",
    "LogSettings",
    "MemorySettings",
    "OpenAISettings",
    "OpikSettings",
    "QdrantSettings",
    "STTSettings",
    "SearchSettings",
    "Settings",
    "SettingsError",
    "TTSSettings",
    "TelephonySettings",
    "TwilioSettings",
    "VADSettings",
    "WebSettings",
    "env_name",
    "is_placeholder",
    "load_settings",
]


class Settings(BaseSettings):
    model_config: ClassVar[SettingsConfigDict] = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_nested_delimiter="__",
        env_ignore_empty=True,
        extra="ignore",
        frozen=True,
    )

    log: LogSettings = LogSettings()
    # The old name of LOG__LEVEL, still read: LOG__LEVEL wins when both are set.
    log_level: str | None = Field(default=None, exclude=True, repr=False)
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

    _check_public_url = url_setting("public_base_url", "PUBLIC_BASE_URL")

    @model_validator(mode="before")
    @classmethod
    def _old_log_level(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not data.get("log_level"):
            return data
        log = data.get("log")
        if log is None:
            log = {}
        if isinstance(log, dict) and not log.get("level"):
            return {**data, "log": {**log, "level": data["log_level"]}}
        return data

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
