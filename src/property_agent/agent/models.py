"""Chat-model factory: `LLM__PROVIDER` → a LangChain chat model. Unknown or half-configured
providers fail at start-up, naming what to set."""

from __future__ import annotations

from collections.abc import Callable

from langchain_core.language_models import BaseChatModel

from property_agent.agent.offline.model import OfflinePolicyModel
from property_agent.agent.offline.policy import OfflinePolicy
from property_agent.config import Settings


class ModelConfigError(ValueError):
    """The chosen provider cannot be built; the message names the setting to fix."""


def _groq(settings: Settings, policy: OfflinePolicy) -> BaseChatModel:
    if settings.groq.api_key is None:
        raise ModelConfigError("LLM__PROVIDER=groq needs GROQ__API_KEY (or unset the provider)")
    from langchain_groq import ChatGroq

    return ChatGroq(
        model=settings.groq.model,
        api_key=settings.groq.api_key,
        temperature=settings.llm.temperature,
        timeout=settings.llm.timeout_s,
        max_retries=0,  # retries are the agent's (ModelRetryMiddleware), once, with back-off
    )


def _openai(settings: Settings, policy: OfflinePolicy) -> BaseChatModel:
    if not settings.openai.configured:
        raise ModelConfigError(
            "LLM__PROVIDER=openai needs OPENAI__BASE_URL (Ollama, vLLM, llama.cpp…) "
            "or OPENAI__API_KEY (api.openai.com)"
        )
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as exc:
        raise ModelConfigError(
            "LLM__PROVIDER=openai needs the openai extra: "
            "pip install 'property-phone-agent[openai]'"
        ) from exc
    key = settings.openai.api_key.get_secret_value() if settings.openai.api_key else "not-needed"
    return ChatOpenAI(
        model=settings.openai.model,
        api_key=key,  # type: ignore[arg-type]
        base_url=settings.openai.base_url,
        temperature=settings.llm.temperature,
        timeout=settings.llm.timeout_s,
        max_retries=0,
    )


def _offline(settings: Settings, policy: OfflinePolicy) -> BaseChatModel:
    return OfflinePolicyModel(policy=policy)


PROVIDERS: dict[str, Callable[[Settings, OfflinePolicy], BaseChatModel]] = {
    "groq": _groq,
    "openai": _openai,
    "offline": _offline,
}


def chat_model(settings: Settings, policy: OfflinePolicy) -> BaseChatModel:
    provider = settings.llm_provider
    if provider not in PROVIDERS:  # pragma: no cover - the settings Literal already guards this
        raise ModelConfigError(f"Unknown LLM__PROVIDER {provider!r}; valid: {', '.join(PROVIDERS)}")
    return PROVIDERS[provider](settings, policy)
