"""Opik tracing for agent turns, and avatar prompts as Opik prompt versions.

Off unless OPIK__API_KEY or OPIK__URL is set: then nothing imports opik, no network call is made
and nothing is logged per turn.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from property_agent.config import OpikSettings

if TYPE_CHECKING:
    from opik.types import DistributedTraceHeadersDict

logger = logging.getLogger(__name__)
TAGS = ("fastrtc-agent", "realtime-phone")


class Tracing:
    """Per-turn LangChain callbacks that trace to Opik, or none at all."""

    def __init__(self, settings: OpikSettings, *, enabled: bool | None = None) -> None:
        self.settings = settings
        self.enabled = settings.configured if enabled is None else enabled
        if self.enabled and settings.configured:
            _export_settings(settings)

    def callbacks(
        self,
        thread_id: str,
        avatar: str,
        *,
        parent: DistributedTraceHeadersDict | None = None,
        **metadata: Any,
    ) -> list[Any]:
        """`parent` names a span of an outer trace (a voice turn's) to nest the agent's spans
        under; without it each agent run is its own trace."""
        if not self.enabled:
            return []
        from opik.integrations.langchain import OpikTracer

        return [
            OpikTracer(
                tags=[*TAGS, avatar],
                thread_id=thread_id,
                project_name=self.settings.project,
                metadata={"avatar": avatar, **metadata},
                distributed_headers=parent,
            )
        ]

    def register_prompts(self, prompts: Iterable[tuple[str, str]]) -> None:
        """Store each avatar's rendered system prompt as an Opik prompt version, in a background
        thread: the Opik client retries for a long time when the server is unreachable, and
        start-up must not wait for it."""
        if not (self.enabled and self.settings.configured):
            return
        pending = list(prompts)

        def register() -> None:
            try:
                import opik

                for name, text in pending:
                    opik.Prompt(name=f"avatar-{name}", prompt=text)
            except Exception as exc:  # tracing must never stop the agent
                logger.warning("Could not register avatar prompts in Opik: %s", exc)

        threading.Thread(target=register, name="opik-prompts", daemon=True).start()


def _export_settings(settings: OpikSettings) -> None:
    """Opik's client reads its configuration from the environment; set it from our settings."""
    if settings.api_key is not None:
        os.environ["OPIK_API_KEY"] = settings.api_key.get_secret_value()
    if settings.url:
        os.environ["OPIK_URL_OVERRIDE"] = settings.url
    if settings.workspace:
        os.environ["OPIK_WORKSPACE"] = settings.workspace
    os.environ["OPIK_PROJECT_NAME"] = settings.project
