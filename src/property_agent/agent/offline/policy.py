"""The offline dialogue policy: given the whole conversation, what the avatar says or searches next.

Deterministic and local (the query parser understands the caller; the search tool supplies every
fact), so it is both the zero-key default and the fallback when a remote LLM keeps failing.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml
from langchain_core.messages import BaseMessage, HumanMessage, ToolMessage

from property_agent.agent.offline.intents import Intent, classify
from property_agent.agent.offline.phrases import (
    article,
    compose_query,
    describe_listing,
    detail_answer,
    speak_criteria,
    wanted_terms,
)
from property_agent.agent.offline.state import NOTE_KEY, CallState, caller_name, read_state
from property_agent.avatars import Avatar
from property_agent.domain import ParsedQuery
from property_agent.search.parser import LocalQueryParser

SEARCH_LIMIT = 5
MAX_LIMIT = 10  # "the next one" past the first five searches again for up to ten
_ids = itertools.count(1)


@cache
def replies() -> dict[str, list[str]]:
    text = resources.files(__package__).joinpath("replies.yaml").read_text("utf-8")
    return {k: list(v) for k, v in yaml.safe_load(text).items()}


@dataclass
class Reply:
    text: str
    search: dict[str, Any] | None = None  # tool arguments when the policy searches
    note: dict[str, Any] = field(default_factory=dict)


class OfflinePolicy:
    """`parser` may be a callable returning the current parser: it changes when listings are
    ingested (new neighbourhoods)."""

    def __init__(
        self, avatar: Avatar, parser: LocalQueryParser | Callable[[], LocalQueryParser]
    ) -> None:
        self.avatar = avatar
        self._parser = parser

    @property
    def parser(self) -> LocalQueryParser:
        return self._parser if isinstance(self._parser, LocalQueryParser) else self._parser()

    # -- entry point ---------------------------------------------------------------------------
    def reply(self, messages: Sequence[BaseMessage]) -> Reply:
        state = read_state(messages)
        last = messages[-1] if messages else None
        if isinstance(last, ToolMessage):
            return self._after_search(state)
        text = (
            last.content if isinstance(last, HumanMessage) and isinstance(last.content, str) else ""
        )
        return self._after_caller(text, state)

    def _say(self, key: str, state: CallState, **values: Any) -> str:
        variants = replies()[key]
        name_tail = f", {state.name}" if state.name else ""
        line = variants[state.human_turns % len(variants)]
        return line.format(name_tail=name_tail, name=state.name or "", **values)

    # -- the caller spoke ----------------------------------------------------------------------
    def _after_caller(self, text: str, state: CallState) -> Reply:
        parsed = self.parser.parse(text)
        reading = classify(
            text, parsed, has_listing=state.current is not None, asked=state.last_asked
        )
        intent = reading.intent
        criteria = dict(state.search.filters) if state.search else {}
        current = state.current
        new_name = caller_name(text)

        if intent is Intent.EMPTY:
            return Reply(self._say("didnt_catch", state))
        if intent is Intent.GOODBYE:
            return Reply(self.avatar.goodbye_line, note={"asked": "goodbye"})
        if intent in (Intent.GREETING, Intent.NAME) and new_name:
            return Reply(self._say("nice_to_meet", state), note={"asked": "criteria"})
        if intent is Intent.GREETING:
            if not state.spoke_before:
                return Reply(self.avatar.intro, note={"asked": "name"})
            if state.human_turns == 1 and state.last_asked == "name":  # hello back to our intro
                return Reply(self._say("greet_back", state), note={"asked": "name"})
            return Reply(self._say("greet_again", state), note={"asked": "criteria"})
        if intent is Intent.RESET:
            return Reply(
                self._say("ask_criteria", state), note={"asked": "criteria", "reset": True}
            )
        if intent is Intent.DETAIL and current:
            answer = detail_answer(current, reading.detail or "")
            return Reply(self._say("detail_answer", state, answer=answer), note={"asked": "detail"})
        if intent in (Intent.MORE_INFO, Intent.YES) and current and state.last_asked != "relax":
            details = describe_listing(current)
            return Reply(self._say("more_info", state, details=details), note={"asked": "similar"})
        if intent is Intent.YES and state.last_asked == "relax" and state.search:
            return self._relaxed_search(state)
        if intent is Intent.NO:
            return Reply(self._say("declined", state), note={"asked": "criteria"})
        if intent in (Intent.CHEAPER, Intent.BIGGER, Intent.MORE_ROOMS) and criteria:
            reply = self._search(_adjust(intent, criteria, current, state), state)
            reply.note["adjusted"] = intent.value
            return reply
        if intent is Intent.NEXT and state.search:
            return self._next(state)
        if intent is Intent.SEARCH:
            return self._new_request(parsed, criteria, state)
        if intent in (Intent.DETAIL, Intent.MORE_INFO, Intent.NEXT):
            return Reply(self._say("nothing_presented", state), note={"asked": "criteria"})
        if intent is Intent.PROPERTY_VAGUE:
            return Reply(self._say("ask_criteria", state), note={"asked": "criteria"})
        return Reply(self._say("out_of_scope", state), note={"asked": "criteria"})

    def _new_request(
        self, parsed: ParsedQuery, criteria: dict[str, Any], state: CallState
    ) -> Reply:
        flags = {f.issue.value: f.text for f in parsed.flagged_places}
        stated = parsed.filters.model_dump(exclude_none=True)
        examples = self._examples()
        if "location" not in stated and "unknown" in flags:
            return Reply(
                self._say("unknown_place", state, place=flags["unknown"], examples=examples),
                note={"asked": "criteria"},
            )
        if "location" not in stated and "vague" in flags:
            return Reply(
                self._say("vague_place", state, examples=examples), note={"asked": "place"}
            )
        merged = {**criteria, **stated}
        return self._search(merged, state)

    # -- searching -----------------------------------------------------------------------------
    def _search(
        self, criteria: dict[str, Any], state: CallState, limit: int = SEARCH_LIMIT
    ) -> Reply:
        query = compose_query(criteria)
        text = self._say("searching", state, criteria=speak_criteria(criteria))
        return Reply(text, search={"query": query, "limit": limit})

    def _relaxed_search(self, state: CallState) -> Reply:
        assert state.search is not None
        criteria = dict(state.search.filters)
        field = state.relax_field or (state.search.relaxations or [{"field": None}])[0]["field"]
        criteria.pop(field, None)
        return self._search(criteria, state)

    def _next(self, state: CallState) -> Reply:
        assert state.search is not None
        fresh = _closest_first(state.search.listings, state.search.filters, state.described_ids)
        if fresh:
            return self._present(fresh[0], state, key="found_next")
        if len(state.search.listings) >= state.search.limit and state.search.limit < MAX_LIMIT:
            return self._search(state.search.filters, state, limit=MAX_LIMIT)
        criteria = speak_criteria(state.search.filters)
        return Reply(self._say("no_more", state, criteria=criteria), note={"asked": "criteria"})

    # -- the search answered -------------------------------------------------------------------
    def _after_search(self, state: CallState) -> Reply:
        search = state.search
        assert search is not None
        if search.error:
            return Reply(self._say("search_trouble", state), note={"asked": "retry"})
        criteria = speak_criteria(search.filters)
        fresh = _closest_first(search.listings, search.filters, state.described_ids)
        if fresh:
            return self._present(fresh[0], state, key="found_one")
        if search.listings:  # everything here was already described
            return Reply(self._say("no_more", state, criteria=criteria), note={"asked": "criteria"})
        relaxations = search.relaxations
        if state.adjusted and state.current:
            # "Something cheaper" found nothing: the one just described was the best on that
            # count, so offer the other ways out, not the same listing again.
            moved = _ADJUSTED_FIELD.get(state.adjusted)
            relaxations = [r for r in relaxations if r["field"] != moved]
            if not relaxations:
                text = self._say("no_more", state, criteria=criteria)
                return Reply(text, note={"asked": "criteria"})
        if relaxations:
            relax = relaxations[0]["sentence"]
            text = self._say("nothing_found", state, criteria=criteria, relax=relax)
            return Reply(text, note={"asked": "relax", "relax_field": relaxations[0]["field"]})
        return Reply(
            self._say("nothing_at_all", state, criteria=criteria), note={"asked": "criteria"}
        )

    def _examples(self) -> str:
        """A few neighbourhoods we do have, to offer when a place is vague or unknown."""
        known = [name for name in _EXAMPLES if name in self.parser.locations]
        picks = known or self.parser.locations[:3]
        return ", ".join(picks[:-1]) + " or " + picks[-1] if len(picks) > 1 else "".join(picks)

    def _present(self, listing: dict[str, Any], state: CallState, key: str) -> Reply:
        wanted = (state.search.filters.get("description_query") if state.search else None) or ""
        values = describe_listing(listing, wanted=wanted, short=True, as_fields=True)
        terms = wanted_terms(wanted)
        missing = [t for t in terms if t not in listing["description"].lower()]
        if missing:  # the closest match lacks what was asked for: say so, never pretend
            whole = len(missing) == len(terms)  # none of it: repeat their words
            values["missing"] = (
                article(wanted) if whole else " or ".join(article(t) for t in missing)
            )
            key = "found_partial"
        text = self._say(key, state, **values)
        return Reply(text, note={"described": listing, "asked": "more_info"})


_EXAMPLES = ("Chamberí", "Retiro", "Barrio de Salamanca")
_ADJUSTED_FIELD = {
    "cheaper": "price_smaller_than",
    "bigger": "sqft_bigger_than",
    "more_rooms": "min_rooms",
}


def _closest_first(
    listings: list[dict[str, Any]], filters: dict[str, Any], described: set[int]
) -> list[dict[str, Any]]:
    """Listings not yet described: those with every feature asked for ("with a terrace") first,
    then nearest to the bedrooms asked for ("three bedrooms" means three, not six), otherwise in
    search order (the search ranks by similarity; it does not filter on features)."""
    fresh = [p for p in listings if int(p["id"]) not in described]
    terms = wanted_terms(str(filters.get("description_query") or ""))
    rooms = int(filters.get("min_rooms") or 0)

    def fit(p: dict[str, Any]) -> tuple[int, int]:
        missing = sum(term not in p["description"].lower() for term in terms)
        return missing, int(p["rooms"]) - rooms if rooms else 0

    return sorted(fresh, key=fit)


def _adjust(
    intent: Intent, criteria: dict[str, Any], current: dict[str, Any] | None, state: CallState
) -> dict[str, Any]:
    """Carry the earlier criteria forward, moved one step past the listing just described."""
    reference = current or (
        state.search.listings[0] if state.search and state.search.listings else None
    )
    updated = dict(criteria)
    if intent is Intent.CHEAPER:
        cap = reference["price"] if reference else criteria.get("price_smaller_than")
        if cap:
            updated["price_smaller_than"] = int(cap) - 1
            if (updated.get("price_bigger_than") or 0) >= updated["price_smaller_than"]:
                updated.pop("price_bigger_than", None)
    elif intent is Intent.BIGGER and reference:
        updated["sqft_bigger_than"] = int(reference["sqft"]) + 1
    elif intent is Intent.MORE_ROOMS:
        base = int(reference["rooms"]) if reference else int(criteria.get("min_rooms") or 0)
        updated["min_rooms"] = base + 1
    return updated


def note_for(reply: Reply) -> dict[str, Any]:
    return {NOTE_KEY: reply.note} if reply.note else {}


def tool_call_id() -> str:
    return f"call_offline_{next(_ids)}"
