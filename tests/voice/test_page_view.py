"""What the page shows of a session, in step with what the caller hears: audio flows at once,
each line waits for the audio before it, the state moves listening → thinking → searching →
speaking → listening, and closing the page's stream (a barge-in) stops the turn at once."""

from __future__ import annotations

from collections.abc import AsyncIterator

import numpy as np
import pytest
from fastrtc import AdditionalOutputs

from property_agent.voice import events as ev
from property_agent.voice.page_view import PageView

pytestmark = [pytest.mark.unit]

RATE = 24_000
LISTING = {
    "id": 7,
    "price": 450_000,
    "rooms": 3,
    "baths": 2,
    "sqft": 95,
    "location": "Chamberí",
    "description": "Bright flat.",
}


def audio(seconds: float) -> ev.AudioOut:
    return ev.AudioOut(RATE, np.zeros(int(RATE * seconds), dtype=np.int16))


async def play(*events: ev.VoiceEvent) -> AsyncIterator[ev.VoiceEvent]:
    for event in events:
        yield event


def kind(item: object) -> str:
    if isinstance(item, AdditionalOutputs):
        lines, _, state = item.args
        phase = state.split("data-phase='")[1].split("'")[0]
        return f"{phase}:{lines[-1]['content'] if lines else ''}"
    return "audio"


async def test_lines_wait_for_the_audio_before_them_and_audio_is_never_held() -> None:
    view = PageView("Tara")
    outputs = view.outputs(
        play(ev.ReplyText("Hello."), audio(1.0), ev.ReplyText("How can I help?"), audio(0.5)),
        turn=False,
    )
    seen = [kind(item) async for item in outputs]
    assert seen == [
        "speaking:Hello.",
        "audio",
        "audio",  # the second sentence's audio is sent while the first is still playing
        "speaking:How can I help?",  # shown as it starts to be heard
        "listening:How can I help?",  # once it has all played
    ]


async def test_a_turn_shows_thinking_then_searching_then_the_listings_and_the_one_being_said() -> (
    None
):
    view = PageView("Tara")
    found = ev.ListingsShown("search_property_tool", {}, 1, [LISTING])
    items = [
        item
        async for item in view.outputs(
            play(
                ev.TranscriptHeard("A flat in Chamberí"),
                ev.SearchStarted({"query": "Chamberí"}),
                found,
                ev.ReplyText("I found a flat in Chamberí for €450,000."),
                audio(0.2),
                ev.TurnTimed(ev.TurnTimings()),
            )
        )
    ]
    assert [kind(item) for item in items] == [
        "thinking:",  # at once: the caller has just stopped speaking
        "thinking:A flat in Chamberí",
        "searching:A flat in Chamberí",
        "thinking:A flat in Chamberí",
        "speaking:I found a flat in Chamberí for €450,000.",
        "audio",
        "listening:I found a flat in Chamberí for €450,000.",
    ]
    lines, cards, _ = items[-1].args  # type: ignore[union-attr]
    assert [line["role"] for line in lines] == ["user", "assistant"]
    assert "listing-card current" in cards and "data-listing-id='7'" in cards


async def test_closing_the_page_stream_closes_the_sessions_turn() -> None:
    closed: list[bool] = []

    async def turn() -> AsyncIterator[ev.VoiceEvent]:
        try:
            while True:
                yield audio(0.02)
        finally:
            closed.append(True)

    outputs = PageView("Tara").outputs(turn())
    while not isinstance(await anext(outputs), tuple):
        pass
    await outputs.aclose()  # a barge-in
    assert closed == [True]


async def test_a_failing_turn_fails_the_page_stream() -> None:
    async def turn() -> AsyncIterator[ev.VoiceEvent]:
        yield ev.TranscriptHeard("hello")
        raise RuntimeError("the agent broke")

    with pytest.raises(RuntimeError, match="the agent broke"):
        async for _ in PageView("Tara").outputs(turn()):
            pass


async def test_a_typed_turn_shows_each_change_as_it_comes() -> None:
    view = PageView("Tara")
    snapshots = [
        s
        async for s in view.typed(
            play(ev.TranscriptHeard("Hi"), ev.ReplyText("Hello! What are you looking for?"))
        )
    ]
    assert [kind(s) for s in snapshots] == [
        "thinking:Hi",
        "speaking:Hello! What are you looking for?",
        "listening:Hello! What are you looking for?",
    ]
    assert "call-state known typed'" in snapshots[0].args[2]  # shown without a call
