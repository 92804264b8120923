"""The offline dialogue policy: given the whole conversation, what the avatar says or searches next.

Deterministic and local (the intent head and the query parser understand the caller; the search
tool supplies every fact), so it is both the zero-key default and the fallback when a remote LLM
keeps failing. Here the caller is read and the turns that need no search are answered; `searching`
runs the search flow and `replies` holds the lines.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from langchain_core.messages import BaseMessage, HumanMessage, ToolMessage

from property_agent.agent.offline import facts
from property_agent.agent.offline.intents import Intent, Reading, classify
from property_agent.agent.offline.meaning import Guess, reader_for
from property_agent.agent.offline.phrases import describe_listing, home_type
from property_agent.agent.offline.replies import Reply, ask
from property_agent.agent.offline.searching import (
    adjusted,
    after_search,
    new_request,
    next_listing,
    relaxed_search,
    search,
)
from property_agent.agent.offline.state import CallState, read_state
from property_agent.avatars import Avatar
from property_agent.domain import ParsedQuery
from property_agent.search.encoder import SentenceEncoder
from property_agent.search.parser import LocalQueryParser

logger = logging.getLogger(__name__)


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
            return after_search(state)
        text = (
            last.content if isinstance(last, HumanMessage) and isinstance(last.content, str) else ""
        )
        reading, parsed = self.read(text, state)
        reply = self._after_caller(reading, parsed, text, state)
        reply.note["intent"] = reading.intent.value
        if state.named_now and reading.intent not in (Intent.NAME, Intent.GREETING):
            reply.text = f"Nice to meet you, {state.name}. {reply.text}"
        return reply

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
            return ask(key, state, asked)
        if intent is Intent.GOODBYE:
            return Reply(self.avatar.goodbye_line, note={"asked": "goodbye"})
        if intent in (Intent.GREETING, Intent.NAME):
            return self._greeting(intent, state)
        if intent is Intent.RESET:
            reply = ask("ask_criteria", state, "criteria")
            reply.note["reset"] = True
            return reply
        if intent is Intent.VISIT:
            if current is None:
                return ask("callback", state, "criteria")
            where = f"{home_type(current)[2:]} in {current['location']}"
            return ask("visit", state, "anything_else", where=where, id=current["id"])
        if intent is Intent.DETAIL and current:
            answer = facts.answer(current, reading.detail or "")
            return ask("detail_answer", state, "detail", answer=answer)
        if intent is Intent.MORE_INFO and current:
            return ask("more_info", state, "similar", details=describe_listing(current))
        if intent is Intent.YES:
            return self._yes(state)
        if intent is Intent.NO:
            key = "which_place" if state.last_asked == "confirm_place" else "declined"
            return ask(key, state, "criteria")
        if intent in (Intent.CHEAPER, Intent.BIGGER, Intent.MORE_ROOMS):
            return adjusted(intent, parsed, criteria, state)
        if intent is Intent.NEXT and state.search:
            return next_listing(state)
        if intent is Intent.SEARCH and not self.parser.locations:  # the catalogue is loading
            return ask("still_loading", state, "criteria")
        if intent is Intent.SEARCH:
            return new_request(text, parsed, criteria, state, self.parser.locations)
        if intent in (Intent.DETAIL, Intent.MORE_INFO, Intent.NEXT):
            return ask("nothing_presented", state, "criteria")
        if parsed.filters.location:  # "tapas around Sol": no search, but offer homes there
            place = parsed.filters.location
            reply = ask("out_of_scope_place", state, "offer_place", place=place)
            reply.note["pending"] = {"location": parsed.filters.location}
            return reply
        return ask("out_of_scope", state, "criteria")

    def _greeting(self, intent: Intent, state: CallState) -> Reply:
        if state.named_now or (intent is Intent.NAME and state.name):
            return ask("nice_to_meet", state, "criteria")
        if intent is Intent.NAME:
            return ask("ask_name_again", state, "name")
        if not state.spoke_before:
            return Reply(self.avatar.intro, note={"asked": "name"})
        if state.human_turns == 1 and state.last_asked == "name":  # hello back to our intro
            return ask("greet_back", state, "name")
        return ask("greet_again", state, "criteria")

    def _yes(self, state: CallState) -> Reply:
        asked = state.last_asked
        if asked == "relax" and state.search:
            return relaxed_search(state)
        if asked in ("confirm_place", "offer_place") and state.pending:
            return search(state.pending, state)
        if asked == "more_info" and state.current:
            details = describe_listing(state.current)
            return ask("more_info", state, "similar", details=details)
        if asked == "similar" and state.search:
            return next_listing(state)
        if asked == "detail" and state.current:
            return ask("ask_detail", state, "detail")
        if asked == "name":
            return ask("greet_back", state, "name")
        return ask("ask_criteria", state, "criteria")
