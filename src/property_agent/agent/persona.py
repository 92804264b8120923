"""`Persona`: one avatar's agents in a process, so one server can hold conversations with any of
the avatars at once (the web page's picker, `POST /agent/chat` with an avatar).

Each persona has its avatar, its system prompt, its own offline policy and its two compiled agents
(the configured model and the offline one) over the process's shared memory; settings, tracing,
model health and latencies are the runtime's. It is what a `Conversation` runs on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from property_agent.agent.health import ModelHealth
    from property_agent.agent.offline.policy import OfflinePolicy
    from property_agent.avatars import Avatar
    from property_agent.config import Settings
    from property_agent.observability.opik import Tracing


class Persona:
    def __init__(
        self,
        *,
        avatar: Avatar,
        policy: OfflinePolicy,
        agents: tuple[Any, Any],
        offline: bool,
        settings: Settings,
        tracing: Tracing,
        health: ModelHealth,
        latencies: dict[str, list[dict[str, float]]],
    ) -> None:
        self.avatar = avatar
        self.policy = policy
        self.settings = settings
        self.tracing = tracing
        self.health = health
        self.latencies = latencies
        self._primary, self._offline_agent = agents
        self._offline = offline  # the configured model is the offline policy

    def agent_for_turn(self) -> tuple[Any, bool]:
        """The agent to run this turn, and whether it is the degraded (offline) one."""
        if not self._offline and self.health.degraded:
            return self._offline_agent, True
        return self._primary, self._offline
