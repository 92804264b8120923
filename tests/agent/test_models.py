"""Which chat model drives the agent, and the errors that say what to set."""

from __future__ import annotations

import asyncio
import os

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from property_agent.agent.models import ModelConfigError, chat_model
from property_agent.agent.offline.model import OfflinePolicyModel
from property_agent.agent.offline.policy import OfflinePolicy
from property_agent.avatars import get_avatar
from property_agent.search.parser import LocalQueryParser
from tests.support.settings import LOCATIONS, make_settings

LIVE_GROQ_KEY = os.environ.get("GROQ__API_KEY")  # read before the isolation fixture clears it
POLICY = OfflinePolicy(get_avatar("tara"), LocalQueryParser(LOCATIONS))


@pytest.mark.unit
def test_no_keys_means_the_offline_policy() -> None:
    settings = make_settings()
    assert settings.llm_provider == "offline"
    assert isinstance(chat_model(settings, POLICY), OfflinePolicyModel)


@pytest.mark.unit
def test_a_groq_key_switches_to_groq_with_the_seed_model() -> None:
    from langchain_groq import ChatGroq

    model = chat_model(make_settings(groq={"api_key": "gsk-test"}), POLICY)
    assert isinstance(model, ChatGroq)
    assert model.model_name == "openai/gpt-oss-20b"


@pytest.mark.unit
def test_an_openai_compatible_endpoint_is_used_through_langchain_openai() -> None:
    from langchain_openai import ChatOpenAI

    settings = make_settings(
        llm={"provider": "openai"}, openai={"base_url": "http://localhost:11434/v1"}
    )
    model = chat_model(settings, POLICY)
    assert isinstance(model, ChatOpenAI)
    assert str(model.openai_api_base).startswith("http://localhost:11434")


@pytest.mark.unit
@pytest.mark.parametrize(
    ("llm", "needs"),
    [({"provider": "groq"}, "GROQ__API_KEY"), ({"provider": "openai"}, "OPENAI__BASE_URL")],
)
def test_a_half_configured_provider_names_the_setting(llm: dict[str, str], needs: str) -> None:
    with pytest.raises(ModelConfigError, match=needs):
        chat_model(make_settings(llm=llm), POLICY)


@pytest.mark.integration
@pytest.mark.skipif(not LIVE_GROQ_KEY, reason="set GROQ__API_KEY to test the live Groq model")
def test_live_groq_searches_and_answers(search_service: object) -> None:
    from property_agent.agent.events import ToolStarted, TurnFinished
    from property_agent.agent.runtime import AgentRuntime

    runtime = AgentRuntime(
        make_settings(groq={"api_key": LIVE_GROQ_KEY}),
        search_service,  # type: ignore[arg-type]
        checkpointer=InMemorySaver(),
    )

    async def talk() -> list[object]:
        await runtime.start()
        conversation = runtime.conversation("live-groq")
        return [e async for e in conversation.respond("a two bedroom flat in Retiro under 900k")]

    events = asyncio.run(talk())
    assert any(isinstance(e, ToolStarted) for e in events)
    final = next(e for e in events if isinstance(e, TurnFinished))
    assert not final.fallback and "Retiro" in final.text
