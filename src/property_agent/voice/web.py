"""The web page at `/`: talk to the avatar in the browser.

FastRTC's WebRTC component carries the microphone and the avatar's voice; the page also shows who
the avatar is, the live transcript, and a card for each listing the last search returned. This
is the one place a session's events become FastRTC's outputs (`PageView.outputs`).
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass, field
from typing import Any, cast

import gradio as gr
from fastrtc import AdditionalOutputs, WebRTC

from property_agent.avatars import Avatar
from property_agent.voice.audio import AudioChunk
from property_agent.voice.events import (
    AudioOut,
    ListingsShown,
    ReplyText,
    TranscriptHeard,
    VoiceEvent,
)
from property_agent.voice.turn_detection import StreamingReplyOnPause

PageOutput = AudioChunk | AdditionalOutputs

CSS = """
.listing-cards {display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr));
  gap: 12px;}
.listing-card {border: 1px solid var(--border-color-primary); border-radius: 10px;
  padding: 12px; background: var(--background-fill-secondary);}
.listing-card .price {font-size: 1.2em; font-weight: 600;}
.listing-card .where {font-weight: 600; margin: 2px 0 6px;}
.listing-card .facts {color: var(--body-text-color-subdued); margin-bottom: 6px;}
.listing-card .text {font-size: 0.9em;}
"""


@dataclass
class PageView:
    """What the page shows for one connection: the transcript so far and the listings found."""

    lines: list[dict[str, str]] = field(default_factory=list)  # {"role": "user"|"assistant", …}
    listings: list[dict[str, Any]] = field(default_factory=list)

    async def outputs(self, events: AsyncIterator[VoiceEvent]) -> AsyncGenerator[PageOutput, None]:
        """A session's events as FastRTC plays and shows them: audio as `(rate, samples)`, and
        the whole transcript and listings again whenever either changes. Closing this (a
        barge-in) closes `events` at once, which stops the agent's turn."""
        stream = cast(AsyncGenerator[VoiceEvent, None], events)
        async with contextlib.aclosing(stream):
            async for event in stream:
                if isinstance(event, AudioOut):
                    yield event.rate, event.samples
                    continue
                if isinstance(event, TranscriptHeard):
                    self.lines.append({"role": "user", "content": event.text})
                elif isinstance(event, ReplyText):
                    self.lines.append({"role": "assistant", "content": event.text})
                elif isinstance(event, ListingsShown):
                    self.listings = list(event.listings)
                else:
                    continue
                yield AdditionalOutputs(list(self.lines), list(self.listings))


def listing_cards(listings: list[dict[str, Any]]) -> str:
    """HTML cards for listings (every value escaped: descriptions come from data files)."""
    if not listings:
        return "<p class='listing-empty'>Listings the avatar finds will appear here.</p>"
    cards = []
    for p in listings:
        text = str(p.get("description", ""))
        if len(text) > 220:
            text = text[:220].rsplit(" ", 1)[0] + "…"
        rooms = "Studio" if int(p["rooms"]) == 0 else f"{int(p['rooms'])} bed"
        cards.append(
            "<div class='listing-card' data-listing-id='{id}'>"
            "<div class='price'>€{price:,}</div><div class='where'>{where}</div>"
            "<div class='facts'>{rooms} · {baths} bath · {sqft} m²</div>"
            "<div class='text'>{text}</div></div>".format(
                id=html.escape(str(p["id"])),
                price=int(p["price"]),
                where=html.escape(str(p["location"])),
                rooms=rooms,
                baths=int(p["baths"]),
                sqft=int(p["sqft"]),
                text=html.escape(text),
            )
        )
    return "<div class='listing-cards'>" + "".join(cards) + "</div>"


def build_page(
    handler: StreamingReplyOnPause,
    avatar: Avatar,
    *,
    concurrency_limit: int,
    time_limit_s: float | None,
) -> gr.Blocks:
    # System fonts: Gradio's default theme fetches Google Fonts, and the page must work offline.
    theme = gr.themes.Default(
        font=["ui-sans-serif", "system-ui", "sans-serif"],
        font_mono=["ui-monospace", "monospace"],
    )
    with gr.Blocks(
        title=f"{avatar.name} · Madrid homes", css=CSS, theme=theme, analytics_enabled=False
    ) as page:
        gr.Markdown(f"# {avatar.name}\n{avatar.description}", elem_id="avatar")
        with gr.Row():
            with gr.Column(scale=2):
                voice = WebRTC(
                    label=f"Talk to {avatar.name}",
                    modality="audio",
                    mode="send-receive",
                    elem_id="voice",
                )
                transcript = gr.Chatbot(
                    type="messages", label="Conversation", elem_id="transcript", height=360
                )
            with gr.Column(scale=3):
                cards = gr.HTML(listing_cards([]), label="Listings", elem_id="listings")
        voice.stream(
            fn=handler,
            inputs=[voice],
            outputs=[voice],
            concurrency_limit=concurrency_limit,
            time_limit=time_limit_s,
        )
        voice.on_additional_outputs(
            lambda lines, listings: (lines, listing_cards(listings)),
            outputs=[transcript, cards],
            queue=False,
            show_progress="hidden",
        )
    return cast(gr.Blocks, page)
