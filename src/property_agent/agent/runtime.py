"""`AgentRuntime`: what a process needs to hold conversations, built once and shared.

One avatar, one search service, one checkpointer (memory, sqlite or postgres), and two compiled
agents over the same memory: the configured chat model and the offline policy. When the remote
model keeps failing, turns go to the offline policy for a while (degraded mode) so callers still
get real answers.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from contextlib import AsyncExitStack
from typing import Any

from langchain.agents import create_agent
from langchain.agents.middleware import ModelCallLimitMiddleware, ModelRetryMiddleware
from langchain_core.language_models import BaseChatModel
from langgraph.checkpoint.base import BaseCheckpointSaver

from property_agent.agent.conversation import Conversation
from property_agent.agent.health import ModelHealth
from property_agent.agent.memory import MemoryJanitor, Prunable, open_checkpointer
from property_agent.agent.middleware import DedupToolCalls
from property_agent.agent.models import chat_model
from property_agent.agent.offline.model import OfflinePolicyModel
from property_agent.agent.offline.policy import OfflinePolicy
from property_agent.agent.tools import make_search_tool
from property_agent.avatars import Avatar, get_avatar, load_avatars, render_system_prompt
from property_agent.config import Settings
from property_agent.observability.opik import Tracing
from property_agent.search.service import PropertySearchService

logger = logging.getLogger(__name__)


class AgentRuntime:
    def __init__(
        self,
        settings: Settings,
        search: PropertySearchService,
        *,
        avatar: Avatar | None = None,
        model: BaseChatModel | None = None,
        checkpointer: BaseCheckpointSaver[Any] | None = None,
        tracing: Tracing | None = None,
    ) -> None:
        self.settings = settings
        self.search = search
        self.avatar = avatar or get_avatar(settings.avatar_name)  # unknown name: fails here
        self.system_prompt = render_system_prompt(self.avatar)
        self.tracing = tracing or Tracing(settings.opik)
        self.health = ModelHealth()
        self.policy = OfflinePolicy(self.avatar, lambda: search.parser, lambda: search.encoder)
        self.model = model or chat_model(settings, self.policy)
        self.checkpointer = checkpointer
        self._owns_memory = checkpointer is None  # then it also prunes it
        self._exit = AsyncExitStack()
        self._janitor: MemoryJanitor | None = None
        self._agents: dict[str, Any] = {}
        self.latencies: dict[str, list[dict[str, float]]] = {}  # thread → per-turn stage timings

    @property
    def offline(self) -> bool:
        return isinstance(self.model, OfflinePolicyModel)

    async def start(self, also_prune: Sequence[Prunable] = ()) -> None:
        """Open the memory (when not given one) and build the agents. `also_prune`: what the
        app keeps beside the conversations (call records), pruned on the same TTL."""
        if self.checkpointer is None:
            self.checkpointer = await self._exit.enter_async_context(
                open_checkpointer(self.settings.memory)
            )
        if self._janitor is None and self._owns_memory:
            self._janitor = MemoryJanitor(
                self.checkpointer, self.settings.memory.ttl_hours, also=also_prune
            )
            self._janitor.start()
        tool = make_search_tool(self.search, self.settings.agent.tool_timeout_s)
        self._agents["primary"] = self._build(self.model, tool)
        self._agents["offline"] = (
            self._agents["primary"]
            if self.offline
            else self._build(OfflinePolicyModel(policy=self.policy), tool)
        )
        self.tracing.register_prompts(
            (name, render_system_prompt(avatar)) for name, avatar in load_avatars().items()
        )
        logger.info(
            "Agent ready: avatar %s, model %s, memory %s",
            self.avatar.name,
            "offline policy" if self.offline else self.settings.llm_provider,
            self.settings.memory.backend,
        )

    async def warm_up(self) -> None:
        """Train the offline policy's intent head once the search's encoder exists (~2 s, off
        the event loop), so the first caller does not wait for it."""
        if self.search.encoder is not None:
            await asyncio.to_thread(self.policy.guess, "hello")

    def _build(self, model: BaseChatModel, tool: Any) -> Any:
        return create_agent(
            model,
            [tool],
            system_prompt=self.system_prompt,
            checkpointer=self.checkpointer,
            middleware=[
                DedupToolCalls(),
                ModelRetryMiddleware(
                    max_retries=self.settings.llm.retries,
                    initial_delay=0.5,
                    backoff_factor=2.0,
                    jitter=False,
                    on_failure="error",
                ),
                ModelCallLimitMiddleware(  # type: ignore[list-item]  # its state type is narrower
                    run_limit=self.settings.agent.max_model_calls, exit_behavior="error"
                ),
            ],
        )

    def agent_for_turn(self) -> tuple[Any, bool]:
        """The agent to run this turn, and whether it is the degraded (offline) one."""
        if not self._agents:
            raise RuntimeError("AgentRuntime.start() has not been awaited")
        if not self.offline and self.health.degraded:
            return self._agents["offline"], True
        return self._agents["primary"], self.offline

    def conversation(self, thread_id: str) -> Conversation:
        return Conversation(self, thread_id)

    async def aclose(self) -> None:
        if self._janitor is not None:
            await self._janitor.stop()
        await self._exit.aclose()
