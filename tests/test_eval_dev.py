"""The dev split of the conversation evaluation (evals/dev.yaml) stays 100% right: every turn
judged as the caller would (scripts/eval_conversations.py; `make eval` adds the held-out split)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml
from langgraph.checkpoint.memory import InMemorySaver

from property_agent.agent.runtime import AgentRuntime
from property_agent.search.service import PropertySearchService
from tests.support.settings import make_settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from eval_conversations import ROOT, listings, play

pytestmark = [pytest.mark.integration, pytest.mark.slow]
DEV = yaml.safe_load((ROOT / "evals" / "dev.yaml").read_text("utf-8"))["conversations"]


@pytest.fixture(scope="module")
async def runtime(search_service: PropertySearchService) -> AgentRuntime:
    rt = AgentRuntime(
        make_settings(llm={"provider": "offline"}), search_service, checkpointer=InMemorySaver()
    )
    await rt.start()
    return rt


@pytest.mark.parametrize("conversation", DEV, ids=[c["id"] for c in DEV])
async def test_every_dev_turn_is_right(runtime: AgentRuntime, conversation: dict) -> None:
    wrong = [
        f"{case['say']!r} (expect {case['expect']}): {problem}; avatar said {turn.text!r}"
        for case, turn, problem in await play(runtime, conversation, listings())
        if problem
    ]
    assert not wrong, "\n".join(wrong)
