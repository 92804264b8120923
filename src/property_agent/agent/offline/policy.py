"""The offline dialogue policy: given the whole conversation, what the avatar says or searches next.

Deterministic and local (the intent head and the query parser understand the caller; the search
tool supplies every fact), so it is both the zero-key default and the fallback when a remote LLM
keeps failing.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml
from langchain_core.messages import BaseMessage, HumanMessage, ToolMessage

from property_agent.agent.offline import facts
from property_agent.agent.offline.followups import ADJUSTED_FIELD, adjust, carried, closest_first
from property_agent.agent.offline.intents import Intent, Reading, classify
from property_agent.agent.offline.meaning import Guess, reader_for
from property_agent.agent.offline.phrases import (
    article,
    compose_query,
    describe_listing,
    home_type,
    speak_criteria,
    wanted_terms,
)
from property_agent.agent.offline.state import NOTE_KEY, CallState, read_state
from property_agent.avatars import Avatar
from property_agent.domain import ParsedQuery
from property_agent.search.encoder import SentenceEncoder
from property_agent.search.parser import LocalQueryParser

logger = logging.getLogger(__name__)
SEARCH_LIMIT = 5
MAX_LIMIT = 10  # "the next one" past the first five searches again for up to ten
_ids = itertools.count(1)
_EXAMPLES = ("Chamberí", "Retiro", "Barrio de Salamanca")
_ADJUSTED_WORDS = {"cheaper": "cheaper", "bigger": "bigger", "more_rooms": "with more bedrooms"}


@cache
def replies() -> dict[str, list[str]]:
    text = resources.files(__package__).joinpath("replies.yaml").read_text("utf-8")
    return {k: list(v) for k, v in yaml.safe_load(text).items()}


@dataclass
class Reply:
    text: str
    search: dict[str, Any] | None = None  # tool arguments when the policy searches
    note: dict[str, Any] = field(default_factory=dict)


Provider = Callable[[], Any]


class OfflinePolicy:
    """`parser` and `encoder` may be callables returning the current ones: the parser changes
    when listings are ingested (new neighbourhoods), the encoder appears once the index is built
    (until then turns are read by rules and the parser alone)."""

    def __init__(
        self,
        avatar: Avatar,
        parser: LocalQueryParser | Callable[[], LocalQueryParser],
        encoder: SentenceEncoder | Callable[[], SentenceEncoder | None] | None = None,
    ) -> None:
        self.avatar = avatar
        self._parser = parser
        self._encoder = encoder

    @property
    def parser(self) -> LocalQueryParser:
        return self._parser if isinstance(self._parser, LocalQueryParser) else self._parser()

    @property
    def encoder(self) -> SentenceEncoder | None:
        if self._encoder is None or isinstance(self._encoder, SentenceEncoder):
            return self._encoder
        return self._encoder()

    def guess(self, text: str) -> Guess | None:
        """The intent head's reading of `text` (None without an encoder)."""
        encoder = self.encoder
        return reader_for(encoder).read(text) if encoder is not None and text.strip() else None

    def read(self, text: str, state: CallState) -> tuple[Reading, ParsedQuery]:
        parsed = self.parser.parse(text)
        reading = classify(
            text,
            parsed,
            self.guess(text),
            has_listing=state.current is not None,
            asked=state.last_asked,
        )
        return reading, parsed

    # -- entry point ---------------------------------------------------------------------------
    def reply(self, messages: Sequence[BaseMessage]) -> Reply:
        state = read_state(messages)
        last = messages[-1] if messages else None
        if isinstance(last, ToolMessage):
            return self._after_search(state)
        text = (
            last.content if isinstance(last, HumanMessage) and isinstance(last.content, str) else ""
        )
        reading, parsed = self.read(text, state)
        reply = self._after_caller(reading, parsed, text, state)
        reply.note["intent"] = reading.intent.value
        if state.named_now and reading.intent not in (Intent.NAME, Intent.GREETING):
            reply.text = f"Nice to meet you, {state.name}. {reply.text}"
        return reply

    def _say(self, key: str, state: CallState, **values: Any) -> str:
        variants = replies()[key]
        name_tail = f", {state.name}" if state.name else ""
        line = variants[state.human_turns % len(variants)]
        return line.format(name_tail=name_tail, name=state.name or "", **values)

    def _ask(self, key: str, state: CallState, asked: str, **values: Any) -> Reply:
        return Reply(self._say(key, state, **values), note={"asked": asked})

    # -- the caller spoke ----------------------------------------------------------------------
    def _after_caller(
        self, reading: Reading, parsed: ParsedQuery, text: str, state: CallState
    ) -> Reply:
        intent = reading.intent
        current = state.current
        criteria = dict(state.search.filters) if state.search else {}
        simple = {
            Intent.EMPTY: ("didnt_catch", state.last_asked or "criteria"),
            Intent.THANKS: ("welcome", "anything_else"),
            Intent.PERSON: ("person", "anything_else"),
            Intent.PROPERTY_VAGUE: ("ask_criteria", "criteria"),
        }
        if intent in simple:
            key, asked = simple[intent]
            return self._ask(key, state, asked)
        if intent is Intent.GOODBYE:
            return Reply(self.avatar.goodbye_line, note={"asked": "goodbye"})
        if intent in (Intent.GREETING, Intent.NAME):
            return self._greeting(intent, state)
        if intent is Intent.RESET:
            reply = self._ask("ask_criteria", state, "criteria")
            reply.note["reset"] = True
            return reply
        if intent is Intent.VISIT:
            if current is None:
                return self._ask("callback", state, "criteria")
            where = f"{home_type(current)[2:]} in {current['location']}"
            return self._ask("visit", state, "anything_else", where=where, id=current["id"])
        if intent is Intent.DETAIL and current:
            answer = facts.answer(current, reading.detail or "")
            return self._ask("detail_answer", state, "detail", answer=answer)
        if intent is Intent.MORE_INFO and current:
            return self._ask("more_info", state, "similar", details=describe_listing(current))
        if intent is Intent.YES:
            return self._yes(state)
        if intent is Intent.NO:
            key = "which_place" if state.last_asked == "confirm_place" else "declined"
            return self._ask(key, state, "criteria")
        if intent in (Intent.CHEAPER, Intent.BIGGER, Intent.MORE_ROOMS):
            return self._adjusted(intent, parsed, criteria, state)
        if intent is Intent.NEXT and state.search:
            return self._next(state)
        if intent is Intent.SEARCH:
            return self._new_request(text, parsed, criteria, state)
        if intent in (Intent.DETAIL, Intent.MORE_INFO, Intent.NEXT):
            return self._ask("nothing_presented", state, "criteria")
        if parsed.filters.location:  # "tapas around Sol": no search, but offer homes there
            place = parsed.filters.location
            reply = self._ask("out_of_scope_place", state, "offer_place", place=place)
            reply.note["pending"] = {"location": parsed.filters.location}
            return reply
        return self._ask("out_of_scope", state, "criteria")

    def _greeting(self, intent: Intent, state: CallState) -> Reply:
        if state.named_now or (intent is Intent.NAME and state.name):
            return self._ask("nice_to_meet", state, "criteria")
        if intent is Intent.NAME:
            return self._ask("ask_name_again", state, "name")
        if not state.spoke_before:
            return Reply(self.avatar.intro, note={"asked": "name"})
        if state.human_turns == 1 and state.last_asked == "name":  # hello back to our intro
            return self._ask("greet_back", state, "name")
        return self._ask("greet_again", state, "criteria")

    def _yes(self, state: CallState) -> Reply:
        asked = state.last_asked
        if asked == "relax" and state.search:
            return self._relaxed_search(state)
        if asked in ("confirm_place", "offer_place") and state.pending:
            return self._search(state.pending, state)
        if asked == "more_info" and state.current:
            details = describe_listing(state.current)
            return self._ask("more_info", state, "similar", details=details)
        if asked == "similar" and state.search:
            return self._next(state)
        if asked == "detail" and state.current:
            return self._ask("ask_detail", state, "detail")
        if asked == "name":
            return self._ask("greet_back", state, "name")
        return self._ask("ask_criteria", state, "criteria")

    def _adjusted(
        self, intent: Intent, parsed: ParsedQuery, criteria: dict[str, Any], state: CallState
    ) -> Reply:
        """ "Something cheaper / bigger / with more bedrooms", from what was said so far."""
        stated = parsed.filters.model_dump(exclude_none=True)
        if not criteria and not stated:
            return self._ask("nothing_presented", state, "criteria")
        merged = {**criteria, **stated}
        search = state.search
        if search is not None and not search.listings and not search.error and not stated:
            return self._nothing_to_adjust(intent, state)
        reference = state.current or (search.listings[0] if search and search.listings else None)
        base = {**(state.stated if state.stated is not None else criteria), **stated}
        reply = self._search(adjust(intent.value, merged, reference), state, stated=base)
        reply.note["adjusted"] = intent.value
        return reply

    def _nothing_to_adjust(self, intent: Intent, state: CallState) -> Reply:
        """ "Cheaper" after a search that found nothing: say so, and offer another way out."""
        assert state.search is not None
        criteria = speak_criteria(state.search.filters)
        moved = ADJUSTED_FIELD[intent.value]
        others = [r for r in state.search.relaxations if r["field"] != moved]
        if not others:
            same = [r["sentence"] for r in state.search.relaxations][:1]
            return self._ask(
                "nothing_to_adjust_at_all",
                state,
                "criteria",
                criteria=criteria,
                relax=" ".join(same),
                adjusted=_ADJUSTED_WORDS[intent.value],
            )
        text = self._say(
            "nothing_to_adjust",
            state,
            criteria=criteria,
            relax=others[0]["sentence"],
            adjusted=_ADJUSTED_WORDS[intent.value],
        )
        return Reply(text, note={"asked": "relax", "relax_field": others[0]["field"]})

    def _new_request(
        self, text: str, parsed: ParsedQuery, criteria: dict[str, Any], state: CallState
    ) -> Reply:
        flags = {f.issue.value: f for f in parsed.flagged_places}
        stated = parsed.filters.model_dump(exclude_none=True)
        examples = self._examples()
        earlier = state.stated if state.stated is not None else criteria
        if state.last_asked == "confirm_place" and state.pending:
            earlier = state.pending  # "did you mean Moratalaz?" "I said Moratalaz, under 400k"
        merged = carried(text, stated, earlier)
        if "location" not in stated and "unsure" in flags:
            suggestion = flags["unsure"].suggestion or ""
            reply = self._ask("confirm_place", state, "confirm_place", place=suggestion)
            reply.note["pending"] = {**merged, "location": suggestion}
            return reply
        if "location" not in stated and "unknown" in flags:
            place = flags["unknown"].text
            return self._ask("unknown_place", state, "criteria", place=place, examples=examples)
        if "location" not in stated and "vague" in flags:
            return self._ask("vague_place", state, "place", examples=examples)
        return self._search(merged, state)

    # -- searching -----------------------------------------------------------------------------
    def _search(
        self,
        criteria: dict[str, Any],
        state: CallState,
        limit: int = SEARCH_LIMIT,
        stated: dict[str, Any] | None = None,
    ) -> Reply:
        """`stated`: what the caller asked for, before "cheaper" or "bigger" moved it past a
        listing; a later change of area starts from it ("same in Salamanca?")."""
        query = compose_query(criteria)
        text = self._say("searching", state, criteria=speak_criteria(criteria))
        note = {"stated": stated if stated is not None else criteria}
        return Reply(text, search={"query": query, "limit": limit}, note=note)

    def _relaxed_search(self, state: CallState) -> Reply:
        assert state.search is not None
        criteria = dict(state.search.filters)
        dropped = state.relax_field or (state.search.relaxations or [{"field": None}])[0]["field"]
        criteria.pop(dropped, None)
        return self._search(criteria, state)

    def _next(self, state: CallState) -> Reply:
        assert state.search is not None
        fresh = closest_first(state.search.listings, state.search.filters, state.described_ids)
        if fresh:
            return self._present(fresh[0], state, key="found_next")
        if len(state.search.listings) >= state.search.limit and state.search.limit < MAX_LIMIT:
            return self._search(state.search.filters, state, MAX_LIMIT, stated=state.stated)
        criteria = speak_criteria(state.search.filters)
        return self._ask("no_more", state, "criteria", criteria=criteria)

    # -- the search answered -------------------------------------------------------------------
    def _after_search(self, state: CallState) -> Reply:
        search = state.search
        assert search is not None
        if search.error:
            return self._ask("search_trouble", state, "retry")
        criteria = speak_criteria(search.filters)
        fresh = closest_first(search.listings, search.filters, state.described_ids)
        if fresh:
            return self._present(fresh[0], state, key="found_one")
        if search.listings:  # everything here was already described
            return self._ask("no_more", state, "criteria", criteria=criteria)
        relaxations = search.relaxations
        if state.adjusted and state.current:
            # "Something cheaper" found nothing: the one just described was the best on that
            # count, so offer the other ways out, not the same listing again.
            moved = ADJUSTED_FIELD.get(state.adjusted)
            relaxations = [r for r in relaxations if r["field"] != moved]
            if not relaxations:
                return self._ask("no_more", state, "criteria", criteria=criteria)
        if relaxations:
            relax = relaxations[0]["sentence"]
            text = self._say("nothing_found", state, criteria=criteria, relax=relax)
            return Reply(text, note={"asked": "relax", "relax_field": relaxations[0]["field"]})
        return self._ask("nothing_at_all", state, "criteria", criteria=criteria)

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


def note_for(reply: Reply) -> dict[str, Any]:
    return {NOTE_KEY: reply.note} if reply.note else {}


def tool_call_id() -> str:
    return f"call_offline_{next(_ids)}"
