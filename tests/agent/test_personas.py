"""One process, every avatar: a conversation with Leo is Leo's (his intro, his goodbye, his
prompt) while Tara's go on beside it, in the same memory, without retraining anything."""

from __future__ import annotations

import pytest

from property_agent.agent.offline.meaning import reader_for
from property_agent.agent.runtime import AgentRuntime
from property_agent.avatars import AvatarError, get_avatar

pytestmark = [pytest.mark.integration]


@pytest.mark.asyncio(loop_scope="session")
async def test_each_conversation_has_its_own_avatar(runtime: AgentRuntime) -> None:
    leo, tara = runtime.conversation("persona-leo", "LEO"), runtime.conversation("persona-tara")
    assert await leo.greet() == get_avatar("leo").intro
    assert await tara.greet() == get_avatar("tara").intro
    assert (await leo.reply("that's all, goodbye")).text == get_avatar("leo").goodbye_line
    assert (await tara.reply("that's all, goodbye")).text == get_avatar("tara").goodbye_line
    # The same memory: reopening Leo's thread finds his history (no second greeting).
    assert await runtime.conversation("persona-leo", "leo").greet() is None


@pytest.mark.asyncio(loop_scope="session")
async def test_a_persona_is_built_once_and_reuses_the_trained_intent_head(
    runtime: AgentRuntime,
) -> None:
    assert runtime.search.encoder is not None
    head = reader_for(runtime.search.encoder)
    first, again = runtime.persona("zoe"), runtime.persona("Zoe")
    assert first is again and runtime.persona(None) is runtime
    assert first.avatar.name == "Zoe"
    assert first.policy.guess("hello") is not None
    assert reader_for(runtime.search.encoder) is head


def test_the_avatars_on_offer_put_the_configured_one_first(runtime: AgentRuntime) -> None:
    keys = list(runtime.avatars)
    assert keys[0] == "tara" and sorted(keys) == sorted(
        ["dan", "jess", "leah", "leo", "mia", "tara", "zac", "zoe"]
    )
    with pytest.raises(AvatarError, match="Valid avatars"):
        runtime.conversation("persona-x", "bob")
