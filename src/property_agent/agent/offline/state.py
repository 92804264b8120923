"""What the offline policy knows about a call, rebuilt from the conversation it is given.

Memory lives in LangGraph (the checkpointer), not in the model object: every decision is made
from the messages alone. The policy leaves small notes on its own replies (`additional_kwargs`)
so it can tell which listing it described last; histories written by a remote LLM, which has no
such notes, still work (the first listing of the last search counts as described).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from property_agent.agent.tools import TOOL_NAME

NOTE_KEY = "offline_policy"  # where the policy keeps its notes on AIMessage.additional_kwargs
_NAME_PATTERNS = (
    re.compile(r"\bmy names?(?: is|'s)?\s+([^\W\d_][\w'-]*)", re.IGNORECASE),
    re.compile(r"\bname(?: is|'s)\s+([^\W\d_][\w'-]*)", re.IGNORECASE),
    re.compile(r"\bcall me\s+([^\W\d_][\w'-]*)", re.IGNORECASE),
    re.compile(
        r"\b(?:I'm|I am|this is|it's)\s+([A-ZÁÉÍÓÚÑ][^\W\d_]+)\b"
        r"(?:\s*(?:[,.!?]|$|and\b|here\b|speaking\b|calling\b|from\b))"
    ),
)
_NOT_NAMES = set(
    """looking interested after searching trying calling wondering just here fine good ok okay
    not sure ready new back moving buying selling thinking happy glad calling retired married
    single a an the in from with Madrid Spain on at back later tomorrow now today tonight soon
    yes no yeah yep nope hello hi hey hiya sure okay thanks thank cheers please sorry what who
    how why where when maybe well um uh er hmm right alright great lovely fine perfect bye
    goodbye morning afternoon evening buenas hola there it that this and or but""".lower().split()
)
# After "May I have your name?" a caller often just says it: "Maria", "Tom Jones".
_BARE_NAME = re.compile(r"^\W*([^\W\d_][\w'-]+)(?:\s+[^\W\d_][\w'-]+)?\W*$")


@dataclass
class LastSearch:
    query: str
    limit: int
    filters: dict[str, Any]
    listings: list[dict[str, Any]]
    relaxations: list[dict[str, Any]]
    flagged: list[dict[str, Any]]
    error: str | None = None


@dataclass
class CallState:
    name: str | None = None
    search: LastSearch | None = None
    described: list[dict[str, Any]] = field(default_factory=list)  # listings said, in order
    human_turns: int = 0
    spoke_before: bool = False
    named_now: bool = False  # the caller gave their name in the last turn, for the first time
    pending: dict[str, Any] | None = None  # criteria our last question offered to search
    stated: dict[str, Any] | None = None  # the last search's criteria as the caller gave them
    last_asked: str | None = None  # what our last reply asked: "more_info", "relax", "criteria"
    adjusted: str | None = None  # the last search was a follow-up: "cheaper", "bigger", …
    relax_field: str | None = None  # the constraint our last reply offered to drop

    @property
    def current(self) -> dict[str, Any] | None:
        """The listing the caller is most likely asking about."""
        return self.described[-1] if self.described else None

    @property
    def described_ids(self) -> set[int]:
        return {int(p["id"]) for p in self.described}


def caller_name(text: str, *, asked: bool = False) -> str | None:
    """The name the caller gave ("my name is Ana", "I'm Rob"; after being asked, "Maria")."""
    patterns = (*_NAME_PATTERNS, _BARE_NAME) if asked else _NAME_PATTERNS
    for pattern in patterns:
        match = pattern.search(text)
        if match and match.group(1).lower() not in _NOT_NAMES:
            return match.group(1)[:1].upper() + match.group(1)[1:]
    return None


def read_state(messages: Sequence[BaseMessage]) -> CallState:
    state = CallState()
    calls: dict[str, dict[str, Any]] = {}
    unanswered = False  # a search result no reply has talked about yet
    for message in messages:
        if isinstance(message, HumanMessage):
            state.human_turns += 1
            heard = caller_name(_text(message), asked=state.last_asked == "name")
            state.named_now = bool(heard) and state.name is None
            state.name = heard or state.name
        elif isinstance(message, ToolMessage):
            state.search = _search(message, calls.get(str(message.tool_call_id), {}))
            unanswered = True
        elif isinstance(message, AIMessage):
            state.spoke_before = True
            note = message.additional_kwargs.get(NOTE_KEY)
            for call in message.tool_calls:
                if call["name"] == TOOL_NAME:
                    calls[str(call["id"])] = dict(call["args"])
                    state.adjusted = note.get("adjusted") if isinstance(note, dict) else None
                    state.stated = note.get("stated") if isinstance(note, dict) else None
            if message.tool_calls:
                continue
            if isinstance(note, dict):
                if note.get("reset"):  # "let's start over": earlier criteria no longer apply
                    state.search, state.described, state.stated = None, [], None
                if note.get("described"):
                    state.described.append(note["described"])
                state.last_asked = note.get("asked")
                state.relax_field = note.get("relax_field")
                state.pending = note.get("pending")
            elif unanswered and state.search and state.search.listings:
                # A remote model answered without notes: it will have described the best match.
                state.described.append(state.search.listings[0])
                state.last_asked = "more_info"
            unanswered = False
    return state


def _search(message: ToolMessage, args: dict[str, Any]) -> LastSearch:
    data = message.artifact if isinstance(message.artifact, dict) else {}
    return LastSearch(
        query=str(args.get("query", data.get("query", ""))),
        limit=int(args.get("limit", data.get("limit", 1)) or 1),
        filters=dict(data.get("filters") or {}),
        listings=list(data.get("properties") or []),
        relaxations=list(data.get("relaxations") or []),
        flagged=list(data.get("flagged_places") or []),
        error=data.get("error"),
    )


def _text(message: BaseMessage) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    return " ".join(c.get("text", "") if isinstance(c, dict) else str(c) for c in content)
