"""`AgentRuntime`: what a process needs to hold conversations, built once and shared.

One search service, one checkpointer (memory, sqlite or postgres), and for each avatar in use
(the configured one, and any other a caller picks) two compiled agents over the same memory: the
configured chat model and the offline policy. When the remote model keeps failing, turns go to
the offline policy for a while (degraded mode) so callers still get real answers.
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
from property_agent.agent.persona import Persona
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
        self.tracing = tracing or Tracing(settings.opik)
        self.health = ModelHealth()
        self.policy = OfflinePolicy(self.avatar, lambda: search.parser, lambda: search.encoder)
        self.model = model or chat_model(settings, self.policy)
        self.checkpointer = checkpointer
        self._owns_memory = checkpointer is None  # then it also prunes it
        self._exit = AsyncExitStack()
        self._janitor: MemoryJanitor | None = None
        self._tool: Any = None
        self._own: Persona | None = None  # the configured avatar's agents, once started
        self._personas: dict[str, Persona] = {}  # other avatars than the configured one
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
        self._tool = make_search_tool(self.search, self.settings.agent.tool_timeout_s)
        self._own = self._build_persona(self.avatar, self.policy, self.model)
        self.tracing.register_prompts(
            (name, render_system_prompt(avatar)) for name, avatar in load_avatars().items()
        )
        logger.debug(
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

    def _build(self, model: BaseChatModel, system_prompt: str) -> Any:
        """One compiled agent: `model` with the search tool over the process's memory."""
        return create_agent(
            model,
            [self._tool],
            system_prompt=system_prompt,
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
        return self._started().agent_for_turn()

    def _started(self) -> Persona:
        if self._own is None:
            raise RuntimeError("AgentRuntime.start() has not been awaited")
        return self._own

    # -- avatars -------------------------------------------------------------------------------
    @property
    def avatars(self) -> dict[str, Avatar]:
        """Every avatar a conversation may have (key → avatar), the configured one first."""
        key = self.avatar.name.lower()
        return {key: self.avatar, **{k: a for k, a in load_avatars().items() if k != key}}

    def avatar_for(self, name: str | None) -> Avatar:
        """The avatar called `name` (any case; None: the configured one). Unknown names fail
        with `AvatarError`, naming the valid ones."""
        if name is None or name.strip().lower() == self.avatar.name.lower():
            return self.avatar
        return get_avatar(name)

    def persona(self, name: str | None) -> AgentRuntime | Persona:
        """What a conversation with `name` runs on: the runtime itself for the configured
        avatar, a `Persona` (built on first use, then kept) for any other."""
        avatar = self.avatar_for(name)
        if avatar is self.avatar:
            return self
        self._started()
        key = avatar.name.lower()
        if key not in self._personas:
            # The intent head is trained once per encoder (`reader_for`): a new policy reuses it.
            policy = OfflinePolicy(avatar, lambda: self.search.parser, lambda: self.search.encoder)
            model = OfflinePolicyModel(policy=policy) if self.offline else self.model
            self._personas[key] = self._build_persona(avatar, policy, model)
        return self._personas[key]

    def _build_persona(
        self, avatar: Avatar, policy: OfflinePolicy, model: BaseChatModel
    ) -> Persona:
        """`avatar`'s two agents: `model` (the configured one, speaking as `avatar`) and, for
        degraded turns, its offline policy (the same agent when `model` is that policy)."""
        prompt = render_system_prompt(avatar)
        primary = self._build(model, prompt)
        offline = (
            primary if self.offline else self._build(OfflinePolicyModel(policy=policy), prompt)
        )
        return Persona(
            avatar=avatar,
            policy=policy,
            agents=(primary, offline),
            offline=self.offline,
            settings=self.settings,
            tracing=self.tracing,
            health=self.health,
            latencies=self.latencies,
        )

    def conversation(self, thread_id: str, avatar: str | None = None) -> Conversation:
        """The conversation `thread_id` with `avatar` (a name, any case; None: the configured
        one)."""
        return Conversation(self.persona(avatar), thread_id)

    async def aclose(self) -> None:
        if self._janitor is not None:
            await self._janitor.stop()
        await self._exit.aclose()
