"""The offline policy's search flow: a new request, "cheaper / bigger / more bedrooms", the next
listing, a relaxed search, and what to say once the search tool has answered.

Every fact comes from the search tool's result; these functions only choose what to search for and
which listing to present, and say plainly when nothing fits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from property_agent.agent.offline.followups import ADJUSTED_FIELD, adjust, carried, closest_first
from property_agent.agent.offline.intents import Intent
from property_agent.agent.offline.phrases import (
    article,
    compose_query,
    describe_listing,
    speak_criteria,
    wanted_terms,
)
from property_agent.agent.offline.replies import Reply, ask, say
from property_agent.agent.offline.state import CallState
from property_agent.domain import ParsedQuery

SEARCH_LIMIT = 5
MAX_LIMIT = 10  # "the next one" past the first five searches again for up to ten
_EXAMPLES = ("Chamberí", "Retiro", "Barrio de Salamanca")
_ADJUSTED_WORDS = {"cheaper": "cheaper", "bigger": "bigger", "more_rooms": "with more bedrooms"}


# -- the caller asked ----------------------------------------------------------------------------
def adjusted(
    intent: Intent, parsed: ParsedQuery, criteria: dict[str, Any], state: CallState
) -> Reply:
    """ "Something cheaper / bigger / with more bedrooms", from what was said so far."""
    stated = parsed.filters.model_dump(exclude_none=True)
    if not criteria and not stated:
        return ask("nothing_presented", state, "criteria")
    merged = {**criteria, **stated}
    found = state.search
    if found is not None and not found.listings and not found.error and not stated:
        return _nothing_to_adjust(intent, state)
    reference = state.current or (found.listings[0] if found and found.listings else None)
    base = {**(state.stated if state.stated is not None else criteria), **stated}
    reply = search(adjust(intent.value, merged, reference), state, stated=base)
    reply.note["adjusted"] = intent.value
    return reply


def _nothing_to_adjust(intent: Intent, state: CallState) -> Reply:
    """ "Cheaper" after a search that found nothing: say so, and offer another way out."""
    assert state.search is not None
    criteria = speak_criteria(state.search.filters)
    moved = ADJUSTED_FIELD[intent.value]
    others = [r for r in state.search.relaxations if r["field"] != moved]
    if not others:
        same = [r["sentence"] for r in state.search.relaxations][:1]
        return ask(
            "nothing_to_adjust_at_all",
            state,
            "criteria",
            criteria=criteria,
            relax=" ".join(same),
            adjusted=_ADJUSTED_WORDS[intent.value],
        )
    text = say(
        "nothing_to_adjust",
        state,
        criteria=criteria,
        relax=others[0]["sentence"],
        adjusted=_ADJUSTED_WORDS[intent.value],
    )
    return Reply(text, note={"asked": "relax", "relax_field": others[0]["field"]})


def new_request(
    text: str,
    parsed: ParsedQuery,
    criteria: dict[str, Any],
    state: CallState,
    locations: Sequence[str],
) -> Reply:
    """`locations`: the neighbourhoods we have listings in, offered when a place is unclear."""
    flags = {f.issue.value: f for f in parsed.flagged_places}
    stated = parsed.filters.model_dump(exclude_none=True)
    examples = _examples(locations)
    earlier = state.stated if state.stated is not None else criteria
    if state.last_asked == "confirm_place" and state.pending:
        earlier = state.pending  # "did you mean Moratalaz?" "I said Moratalaz, under 400k"
    merged = carried(text, stated, earlier)
    if "location" not in stated and "unsure" in flags:
        suggestion = flags["unsure"].suggestion or ""
        reply = ask("confirm_place", state, "confirm_place", place=suggestion)
        reply.note["pending"] = {**merged, "location": suggestion}
        return reply
    if "location" not in stated and "unknown" in flags:
        place = flags["unknown"].text
        return ask("unknown_place", state, "criteria", place=place, examples=examples)
    if "location" not in stated and "vague" in flags:
        return ask("vague_place", state, "place", examples=examples)
    return search(merged, state)


def _examples(locations: Sequence[str]) -> str:
    """A few neighbourhoods we do have, to offer when a place is vague or unknown."""
    known = [name for name in _EXAMPLES if name in locations]
    picks = known or list(locations[:3])
    return ", ".join(picks[:-1]) + " or " + picks[-1] if len(picks) > 1 else "".join(picks)


# -- searching -----------------------------------------------------------------------------------
def search(
    criteria: dict[str, Any],
    state: CallState,
    limit: int = SEARCH_LIMIT,
    stated: dict[str, Any] | None = None,
) -> Reply:
    """`stated`: what the caller asked for, before "cheaper" or "bigger" moved it past a
    listing; a later change of area starts from it ("same in Salamanca?")."""
    query = compose_query(criteria)
    text = say("searching", state, criteria=speak_criteria(criteria))
    note = {"stated": stated if stated is not None else criteria}
    return Reply(text, search={"query": query, "limit": limit}, note=note)


def relaxed_search(state: CallState) -> Reply:
    assert state.search is not None
    criteria = dict(state.search.filters)
    dropped = state.relax_field or (state.search.relaxations or [{"field": None}])[0]["field"]
    criteria.pop(dropped, None)
    return search(criteria, state)


def next_listing(state: CallState) -> Reply:
    assert state.search is not None
    fresh = closest_first(state.search.listings, state.search.filters, state.described_ids)
    if fresh:
        return _present(fresh[0], state, key="found_next")
    if len(state.search.listings) >= state.search.limit and state.search.limit < MAX_LIMIT:
        return search(state.search.filters, state, MAX_LIMIT, stated=state.stated)
    criteria = speak_criteria(state.search.filters)
    return ask("no_more", state, "criteria", criteria=criteria)


# -- the search answered -------------------------------------------------------------------------
def after_search(state: CallState) -> Reply:
    found = state.search
    assert found is not None
    if found.error:
        return ask("search_trouble", state, "retry")
    criteria = speak_criteria(found.filters)
    fresh = closest_first(found.listings, found.filters, state.described_ids)
    if fresh:
        return _present(fresh[0], state, key="found_one")
    if found.listings:  # everything here was already described
        return ask("no_more", state, "criteria", criteria=criteria)
    relaxations = found.relaxations
    if state.adjusted and state.current:
        # "Something cheaper" found nothing: the one just described was the best on that
        # count, so offer the other ways out, not the same listing again.
        moved = ADJUSTED_FIELD.get(state.adjusted)
        relaxations = [r for r in relaxations if r["field"] != moved]
        if not relaxations:
            return ask("no_more", state, "criteria", criteria=criteria)
    if relaxations:
        relax = relaxations[0]["sentence"]
        text = say("nothing_found", state, criteria=criteria, relax=relax)
        return Reply(text, note={"asked": "relax", "relax_field": relaxations[0]["field"]})
    return ask("nothing_at_all", state, "criteria", criteria=criteria)


def _present(listing: dict[str, Any], state: CallState, key: str) -> Reply:
    wanted = (state.search.filters.get("description_query") if state.search else None) or ""
    values = describe_listing(listing, wanted=wanted, short=True, as_fields=True)
    terms = wanted_terms(wanted)
    missing = [t for t in terms if t not in listing["description"].lower()]
    if missing:  # the closest match lacks what was asked for: say so, never pretend
        whole = len(missing) == len(terms)  # none of it: repeat their words
        values["missing"] = article(wanted) if whole else " or ".join(article(t) for t in missing)
        key = "found_partial"
    text = say(key, state, **values)
    return Reply(text, note={"described": listing, "asked": "more_info"})
