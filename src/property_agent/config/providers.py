"""The outside services the agent can use, each switched on by its key or URL: Groq, any
OpenAI-compatible endpoint, Qdrant, Opik, Twilio."""

from __future__ import annotations

from pydantic import Field, SecretStr

from property_agent.config.base import Group, url_setting


class GroqSettings(Group):
    api_key: SecretStr | None = None
    model: str = "openai/gpt-oss-20b"


class OpenAISettings(Group):
    """Any OpenAI-compatible endpoint: OpenAI itself, Ollama, vLLM, llama.cpp server."""

    api_key: SecretStr | None = None
    base_url: str | None = None
    model: str = "gpt-4o-mini"
    timeout_s: float = Field(default=6.0, gt=0, le=60)

    _check_url = url_setting("base_url", "OPENAI__BASE_URL")

    @property
    def configured(self) -> bool:
        return self.api_key is not None or self.base_url is not None


class QdrantSettings(Group):
    """Qdrant server or Qdrant Cloud; unset means the index lives in memory."""

    url: str | None = None
    api_key: SecretStr | None = None
    timeout_s: float = Field(default=3.0, gt=0, le=60)
    # At start Qdrant may still be booting (docker compose starts both at once): keep trying this
    # long before falling back to memory.
    connect_wait_s: float = Field(default=5.0, ge=0, le=300)

    _check_url = url_setting("url", "QDRANT__URL")


class OpikSettings(Group):
    """Tracing. Set `api_key` (Comet cloud) or `url` (self-hosted Opik) to turn it on."""

    api_key: SecretStr | None = None
    url: str | None = None
    workspace: str | None = None
    project: str = "property-phone-agent"

    _check_url = url_setting("url", "OPIK__URL")

    @property
    def configured(self) -> bool:
        return self.api_key is not None or self.url is not None


class TwilioSettings(Group):
    """Twilio credentials: the auth token validates webhook signatures; with the account SID it
    also places outbound calls."""

    account_sid: str | None = None
    auth_token: SecretStr | None = None
    api_base_url: str | None = None  # another Twilio-compatible API (tests, regions); None = Twilio

    _check_url = url_setting("api_base_url", "TWILIO__API_BASE_URL")
