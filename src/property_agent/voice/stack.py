"""The voice layer of a process: STT and TTS engines (one each, shared), the per-connection
sessions that use them, the FastRTC handler, and the web page mounted at `/`."""

from __future__ import annotations

import asyncio
import logging

import gradio as gr
import numpy as np
from fastapi import FastAPI

from property_agent.agent.runtime import AgentRuntime
from property_agent.config import Settings
from property_agent.observability.voice_tracing import voice_tracing
from property_agent.voice.fastrtc_agent import FastRTCAgent
from property_agent.voice.sessions import VoiceSessions
from property_agent.voice.stt.base import STT
from property_agent.voice.stt.registry import create_stt
from property_agent.voice.tts.base import TTS
from property_agent.voice.tts.registry import create_tts
from property_agent.voice.turn_detection import StreamingReplyOnPause, turn_model_for
from property_agent.voice.turn_model import packaged_model_path
from property_agent.voice.vad import packaged_vad, vad_options
from property_agent.voice.web import build_page

logger = logging.getLogger(__name__)
OUTPUT_RATE = 24_000


class VoiceStack:
    def __init__(
        self,
        settings: Settings,
        runtime: AgentRuntime,
        *,
        stt: STT | None = None,
        tts: TTS | None = None,
    ) -> None:
        self.settings = settings
        self.runtime = runtime
        self.stt = stt or create_stt(settings)  # a misconfigured engine fails here, at start-up
        self.tts = tts or create_tts(settings)
        if settings.vad.turn_model == "smart-turn":
            packaged_model_path()  # a missing turn model fails here, naming what to install
        self.tracing = voice_tracing(runtime.tracing)  # the no-op unless Opik is configured
        self.sessions = VoiceSessions(self.session)

    def session(self, session_id: str, avatar: str | None = None) -> FastRTCAgent:
        """A new voice session on the conversation `session_id`, with `avatar` (a key, as
        `get_avatar` takes it; the configured one when None)."""
        return FastRTCAgent(
            conversation=self.runtime.conversation(session_id, avatar),
            stt=self.stt,
            tts=self.tts,
            avatar=self.runtime.avatar_for(avatar),
            filler=self.settings.filler,
            output_rate=OUTPUT_RATE,
            tracing=self.tracing,
        )

    def handler(self) -> StreamingReplyOnPause:
        algo, model = vad_options(self.settings.vad)
        return StreamingReplyOnPause(
            self.sessions.respond,
            vad=self.settings.vad,
            startup_fn=self.sessions.greet,
            algo_options=algo,
            model_options=model,
            can_interrupt=True,
            output_sample_rate=OUTPUT_RATE,
        )

    def mount(self, app: FastAPI) -> FastAPI:
        """Serve the web page at `/` (after the API routes, which keep precedence)."""
        avatars = self.runtime.avatars  # the configured one first: the picker's default
        page = build_page(
            self.sessions,
            self.handler(),
            avatars,
            next(iter(avatars)),
            concurrency_limit=self.settings.web.max_sessions,
            time_limit_s=self.settings.web.time_limit_s,
        )
        mounted: FastAPI = gr.mount_gradio_app(app, page, path="/")
        return mounted

    async def warm_up(self) -> None:
        """Load the models before the first caller needs them (off the event loop)."""
        try:
            await asyncio.to_thread(packaged_vad)
            await asyncio.to_thread(turn_model_for, self.settings.vad)
            silence = (16_000, np.zeros(8_000, dtype=np.int16))
            await self.stt.transcribe(silence)
            async for _ in self.tts.stream("Hello."):
                pass
            logger.debug(
                "Voice engines ready: %s speech recognition, %s voice", self.stt.name, self.tts.name
            )
        except Exception:
            logger.exception("Voice warm-up failed; the first turn will load the engines")

    async def aclose(self) -> None:
        await self.tts.aclose()
