"""The web page at `/`: find a home in Madrid by talking to an avatar in the browser.

FastRTC's WebRTC component carries the microphone and the avatar's voice. Around it: a header that
says what the page is for and what to do, a picker of the avatars (choosing one starts a new
session with it), the state of the call (listening, thinking, searching, speaking), the
transcript, a text box for users without a microphone (the same session and agent), and the
listing cards in the order the avatar talks about them. The blocks stack at phone width.
"""

from __future__ import annotations

import html
import secrets
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path
from typing import Any, cast

import gradio as gr
from fastrtc import WebRTC, WebRTCData

from property_agent.avatars import Avatar
from property_agent.voice.listing_cards import listing_cards
from property_agent.voice.page_view import state_indicator
from property_agent.voice.sessions import VoiceSessions
from property_agent.voice.turn_detection import StreamingReplyOnPause

ASSETS = Path(__file__).with_name("page")
EXAMPLE = "a three-bedroom flat in Chamberí under €500,000"
# Where the page's script explains a refused or missing microphone.
MIC_NOTICE = "<div class='mic-notice' role='alert' hidden></div>"
# Picking another avatar hangs up a call in progress (its session ends; the new one starts
# when the user presses Record or types).
HANG_UP = """(avatar, ...rest) => {
  const live = document.querySelector("#voice button[aria-label='mute mic']");
  const stop = document.querySelector("#voice button[aria-label='start stream']");
  if (live && stop) stop.click();
  return [avatar, ...rest];
}"""


def header(avatar: Avatar) -> str:
    name = html.escape(avatar.name)
    return (
        f"<header><h1>Find a home in Madrid — talk to {name}</h1>"
        f"<p class='persona'>{name}: {html.escape(avatar.description)}</p>"
        f"<p class='hint'>Press <b>Record</b> (the first time, allow the microphone), let {name} "
        f"say hello, then say what you are looking for, like <q>{html.escape(EXAMPLE)}</q>. "
        "No microphone? Type below.</p>"
        "</header>"
    )


def typing_hint(avatar: Avatar) -> str:
    """The text box's placeholder."""
    return f"Type a message to {avatar.name}…"


def new_page_key() -> str:
    """A page session's key: its calls and typed turns share the conversation `web-<key>`."""
    return secrets.token_urlsafe(9)


def page_updates(
    voice: WebRTC,
) -> Callable[[WebRTCData | str | None], AsyncIterator[tuple[Any, ...]]]:
    """The page's side of a call: the (transcript, cards, state) updates its session sends, as
    they come, until the call ends."""

    async def updates(connection: WebRTCData | str | None) -> AsyncIterator[tuple[Any, ...]]:
        webrtc_id = connection.webrtc_id if isinstance(connection, WebRTCData) else connection
        if not webrtc_id or webrtc_id not in voice.additional_outputs:
            return  # the call has already ended
        async for update in voice.output_stream(webrtc_id):
            yield tuple(update.args)

    return updates


def build_page(
    sessions: VoiceSessions,
    handler: StreamingReplyOnPause,
    avatars: Mapping[str, Avatar],
    default: str,
    *,
    concurrency_limit: int,
    time_limit_s: float | None,
) -> gr.Blocks:
    """`avatars`: key → avatar, in the picker's order; `default`: the key picked at first."""
    # System fonts: Gradio's default theme fetches Google Fonts, and the page must work offline.
    theme = gr.themes.Default(
        font=["ui-sans-serif", "system-ui", "sans-serif"],
        font_mono=["ui-monospace", "monospace"],
    )
    first = avatars[default]
    with gr.Blocks(
        title="Find a home in Madrid",
        css=(ASSETS / "page.css").read_text(encoding="utf-8"),
        head=f"<script>{(ASSETS / 'page.js').read_text(encoding='utf-8')}</script>",
        theme=theme,
        analytics_enabled=False,
    ) as page:
        page_key = gr.State(new_page_key)  # a callable: a new key for every page load
        top = gr.HTML(header(first), elem_id="page-header", padding=False)
        with gr.Row(equal_height=False, elem_id="main"):
            with gr.Column(scale=2, min_width=320, elem_id="call"):
                picker = gr.Dropdown(
                    choices=[(f"{a.name}: {a.description}", key) for key, a in avatars.items()],
                    value=default,
                    label="Your agent",
                    elem_id="avatar-picker",
                )
                state = gr.HTML(state_indicator("off", first.name), elem_id="call-state")
                voice = WebRTC(
                    label="Your call",
                    show_label=False,
                    modality="audio",
                    mode="send-receive",
                    full_screen=False,
                    elem_id="voice",
                )
                gr.HTML(MIC_NOTICE, elem_id="mic-notice", padding=False)
                gr.HTML("<h2 class='section-title'>Conversation</h2>", padding=False)
                transcript = gr.Chatbot(
                    type="messages",
                    show_label=False,
                    elem_id="transcript",
                    height=380,
                    allow_tags=False,
                    placeholder="What you say and what the avatar answers will appear here.",
                )
                with gr.Row(elem_id="typing"):
                    box = gr.Textbox(
                        show_label=False,
                        placeholder=typing_hint(first),
                        container=False,
                        scale=5,
                        elem_id="typed",
                    )
                    send = gr.Button("Send", variant="primary", scale=1, min_width=80)
            with gr.Column(scale=3, min_width=320, elem_id="listings-column"):
                cards = gr.HTML(listing_cards([]), elem_id="listings", padding=False)

        voice.stream(
            fn=handler,
            inputs=[voice, picker, page_key],
            outputs=[voice],
            concurrency_limit=concurrency_limit,
            time_limit=time_limit_s,
        )
        # Every page update the session sends, in order, over one stream per call. (FastRTC's
        # `on_additional_outputs` with queue=False fetches one update per request and drops the
        # requests made while one is pending: the page fell behind for good, e.g. stuck on
        # "Thinking…" while the answer played.)
        voice.state_change(
            page_updates(voice),
            inputs=[voice],
            outputs=[transcript, cards, state],
            queue=True,
            concurrency_limit=None,
            show_progress="hidden",
            trigger_mode="once",
        )

        async def typed(text: str, avatar: str, key: object) -> AsyncIterator[tuple[Any, ...]]:
            if not text.strip():
                yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
                return
            # A client that never loaded the page has no key yet: it gets its own.
            key = key if isinstance(key, str) and key else new_page_key()
            yield "", gr.skip(), gr.skip(), gr.skip(), key
            async for snapshot in sessions.typed(text.strip(), avatar, key):
                yield "", *snapshot.args, key

        for trigger in (box.submit, send.click):
            trigger(
                typed,
                inputs=[box, picker, page_key],
                outputs=[box, transcript, cards, state, page_key],
                show_progress="hidden",
                concurrency_limit=concurrency_limit,
                concurrency_id="typed",
            )

        def switch(key: str) -> tuple[Any, ...]:
            avatar = avatars[key]
            return (
                new_page_key(),
                header(avatar),
                [],
                listing_cards([]),
                state_indicator("off", avatar.name),
                gr.update(placeholder=typing_hint(avatar)),
            )

        picker.change(
            switch,
            inputs=[picker],
            outputs=[page_key, top, transcript, cards, state, box],
            js=HANG_UP,
            show_progress="hidden",
        )
    return cast(gr.Blocks, page)
