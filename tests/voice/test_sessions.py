"""Web sessions: one per page session (its calls and its typed turns), a new one when the page
switches avatar, idle ones dropped; and a typed turn answered by the same agent."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from property_agent.avatars import get_avatar
from property_agent.voice.fastrtc_agent import FastRTCAgent
from property_agent.voice.sessions import VoiceSessions, session_id
from property_agent.voice.stack import VoiceStack
from property_agent.voice.web import new_page_key


class _Sessions(VoiceSessions):
    def __init__(self, **kwargs: float) -> None:
        self.made: list[tuple[str, str | None]] = []
        super().__init__(self._make, **kwargs)  # type: ignore[arg-type]

    def _make(self, session_id: str, avatar: str | None) -> FastRTCAgent:
        self.made.append((session_id, avatar))
        # only identity and the avatar's name matter here
        return SimpleNamespace(avatar=get_avatar(avatar or "tara"))  # type: ignore[return-value]


@pytest.mark.unit
def test_each_page_session_gets_its_own_session_once() -> None:
    sessions = _Sessions()
    first, again, other = sessions.get("web-a"), sessions.get("web-a"), sessions.get("web-b")
    assert first is again and first is not other
    assert sessions.made == [("web-a", None), ("web-b", None)] and len(sessions) == 2


@pytest.mark.unit
def test_switching_avatar_starts_a_new_session_with_it() -> None:
    sessions = _Sessions()
    tara = sessions.get("web-a", "tara")
    leo = sessions.get("web-a", "leo")
    assert leo is not tara and leo.avatar.name == "Leo"
    assert sessions.view("web-a", "leo").avatar_name == "Leo"
    assert len(sessions) == 1


@pytest.mark.unit
def test_a_client_that_never_loaded_the_page_gets_its_own_session_not_a_shared_one() -> None:
    from fastrtc.utils import Context, current_context

    token = current_context.set(Context(webrtc_id="conn-7"))
    try:
        assert session_id("key-1") == "web-key-1"
        # An API client never runs the page's load event: Gradio passes the key's factory.
        assert session_id(new_page_key) == "web-conn-7"
        assert session_id(None) == "web-conn-7"
    finally:
        current_context.reset(token)


@pytest.mark.unit
def test_idle_sessions_are_dropped_and_the_oldest_goes_first_when_full(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    sessions = _Sessions(idle_s=60, max_sessions=2)
    sessions.get("web-a")
    now[0] += 30
    sessions.get("web-b")
    sessions.get("web-c")  # full: web-a, the least recently used, goes
    assert len(sessions) == 2
    sessions.get("web-a")
    assert [made for made, _ in sessions.made] == ["web-a", "web-b", "web-c", "web-a"]
    now[0] += 61  # everyone idle: swept on the next connection
    sessions.get("web-d")
    assert len(sessions) == 1


@pytest.mark.integration
@pytest.mark.asyncio(loop_scope="session")
async def test_a_typed_request_is_answered_in_the_same_conversation(fake_voice: VoiceStack) -> None:
    sessions = fake_voice.sessions
    first = [s.args async for s in sessions.typed("hello", "leo", "typed-1")]
    lines, _, _ = first[-1]
    assert lines[0] == {"role": "assistant", "content": get_avatar("leo").intro}  # greeted
    assert lines[1] == {"role": "user", "content": "hello"}

    second = [s.args async for s in sessions.typed("a flat in Chamberí", "leo", "typed-1")]
    lines, cards, state = second[-1]
    assert [line["role"] for line in lines] == ["assistant", "user", "assistant", "user"] + [
        "assistant"
    ] * (len(lines) - 4)
    assert "Chamberí" in cards and "listing-card current" in cards
    assert "data-phase='listening'" in state
    conversation = fake_voice.runtime.conversation("web-typed-1", "leo")
    assert len(await conversation.transcript()) >= 2  # one thread: both turns are in it
