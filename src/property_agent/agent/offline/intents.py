"""What a caller's turn is asking for: by meaning (the intent head over exemplars.yaml), with a
few high-precision rules that override it, reconciled with the search parser's reading.

The head understands free phrasing ("that's a bit steep for us, got anything that costs
less?"); the parser knows whether the words hold search criteria. A named neighbourhood alone
makes no search ("where can I get tapas around Sol?"); bedrooms, a budget or a home word do.
Without an encoder (the index still loading) the rules and the parser decide alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from property_agent.agent.offline.facts import detail_field
from property_agent.agent.offline.followups import CHANGE as _CHANGE
from property_agent.agent.offline.meaning import Guess
from property_agent.agent.offline.phrases import wanted_terms
from property_agent.agent.offline.state import caller_name
from property_agent.domain import ParsedQuery, PlaceIssue


class Intent(StrEnum):
    EMPTY = "empty"
    RESET = "start_over"
    CHEAPER = "cheaper"
    BIGGER = "bigger"
    MORE_ROOMS = "more_rooms"
    NEXT = "next"
    DETAIL = "detail"
    MORE_INFO = "more_info"
    SEARCH = "search"
    YES = "yes"
    NO = "no"
    NAME = "name"
    GREETING = "greeting"
    THANKS = "thanks"
    GOODBYE = "goodbye"
    PERSON = "person"
    VISIT = "visit"
    PROPERTY_VAGUE = "vague"  # "I'm looking for a flat": ask for criteria
    OUT_OF_SCOPE = "out_of_scope"


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# High-precision rules: when one matches, it decides.
_RESET = _rx(
    r"\b(start (over|again|afresh)|new search|forget (that|it|all that|everything)|from scratch"
    r"|scrap (that|all that)|clear everything|reset)\b"
)
_PERSON = _rx(
    r"\b(speak|talk|chat)s? (to|with) (a |an |the |your |one of your |some )?(real |actual |live )?"
    r"(person|human|agent|someone|somebody|colleague|manager|people|staff|operator)"
    r"|\breal person\b|\bhuman being\b|\bput me through\b|\btransfer me\b|\boperator\b"
)
# "lovely to talk to someone!" is no request for a person: it must be asked for.
_ASKING = _rx(r"\b(can|could|may|let|get|want|need|like|rather|prefer|please|is there|i'd|we'd)\b")
_VISIT = _rx(
    r"\b(viewing|view (it|the (flat|house|place|apartment))|visit (it|the|that)"
    r"|(go|come) (and|to) see (it|the|that)"
    r"|see (it|the (flat|house|place|apartment|home)) (in person|on|this|next|tomorrow)"
    r"|show me around|look round|pop (round|over|by)|drop by|come round"
    r"|have a look (at it|round|inside|in person)"
    r"|call me back|ring me( back)?|callback|call-back|(call|phone|ring) me (later|tomorrow|this"
    r"|next|in the))\b"
)
_CHEAPER = _rx(
    r"\b(cheaper|less expensive|lower (price|budget)|too (expensive|pricey|much)|more affordable"
    r"|less money|costs? less|lower the price|over (my|our) budget|out of (my|our) (price )?range)"
    r"\b"
)
_BIGGER = _rx(r"\b(bigger|larger|more (space|room)\b(?!s)|roomier|more spacious|too small)\b")
_MORE_ROOMS = _rx(
    r"\b(more (bed)?rooms|another (bed)?room|extra (bed)?room|one more bedroom"
    r"|additional bedroom|(bed)?room more|not enough bedrooms)\b"
)
_NOT_NEXT = (
    r"(?! (week|month|year|weekend|time|door|day|monday|tuesday|wednesday|thursday|friday"
    r"|saturday|sunday|morning|afternoon|evening))"
)
_NEXT = _rx(
    r"\b(next" + _NOT_NEXT + r"( one)?|another (one|option|place|flat|home|property)"
    r"|other (options?|ones?|places)|something else|anything else (like|similar)|any others?"
    r"|what else (do|have) you|different one|show me (more|another)|alternatives?"
    r"|compare it with|more options|keep going)\b"
)
_MORE_INFO = _rx(
    r"\b(tell me (more|a bit more|a little more|about (it|that|the)|everything)|more about (it|that"
    r"|this|the)|describe (it|the)|what('s| is) it like|more (details|info|information)|what else"
    r" can you tell|what does the (description|listing|ad) say|read me the description)\b"
)
_YES = _rx(
    r"^\W*(yes|yeah|yep|yup|yes please|sure|ok(ay)?|please( do)?|go on|go ahead|of course"
    r"|definitely|absolutely|why not|sounds good|that would be great|correct|right|alright"
    r"|uh huh|si|vale)\W*$"
)
_NO = _rx(
    r"^\W*(no|nope|nah|not really|no thanks|no thank you|not that one|no way)\W*$"
    r"|^\W*((uh|um|er|hmm|well)\W+)*(no|nope|nah)\b(?!.*\b(but|instead|rather|what about)\b)"
    r"|\bnot (really )?(keen|interested|for (me|us)|my (thing|style|taste)|what (i|we) (had in mind"
    r"|want|wanted|need))|\b(don't|do not) (like|love|fancy) (it|that|this)"
)
_BYE = _rx(r"\b(bye|goodbye|bye-bye|see you later|have a (good|nice) (day|one|evening))\b")
_QUESTION = _rx(
    r"\?|(^|[.!,;]\s*)((uh|um|er|so|and|oh|ok|okay|right|well|hmm|like)\W+)*"
    r"(how|what|where|which|when|does|do|is|has|have|are|can|could|any)\b"
)
_PROPERTY_WORDS = _rx(
    r"\b(flat|flats|apartment|apartments|house|houses|home|homes|property|properties|place"
    r"|penthouse|penthouses|studio|studios|chalet|duplex|loft|bedroom|bedrooms|bed|beds|buy"
    r"|buying|listing|listings|piso)\b"
)
_REFINE = _rx(
    r"\b(any|anything|one|ones|something|somewhere|others?|flats?|homes?|apartments?|houses?"
    r"|places?) (with|that has|that have|which has|having)\b|\b(show me|find me|look for|search)\b"
)
_LOW_CONFIDENCE = 0.30


@dataclass(frozen=True)
class Reading:
    intent: Intent
    detail: str | None = None  # for DETAIL: "baths", "floor", "feature:kitchen", …


def classify(
    text: str,
    parsed: ParsedQuery,
    guess: Guess | None,
    *,
    has_listing: bool,
    asked: str | None,
) -> Reading:
    words = text.strip()
    if not re.search(r"\w", words):
        return Reading(Intent.EMPTY)
    criteria = _has_criteria(parsed)
    hard = bool(parsed.filters.constraints())
    rule = _rule(words, criteria, hard)
    if rule is not None:
        return _with_detail(rule, words)
    intent = Intent(guess.intent) if guess else _without_meaning(words, parsed, has_listing)
    if guess is not None and guess.probability < _LOW_CONFIDENCE and not criteria:
        intent = _without_meaning(words, parsed, has_listing)
    return _with_detail(_reconcile(intent, words, parsed, criteria, has_listing, asked), words)


def _rule(words: str, criteria: bool, hard: bool) -> Intent | None:
    if _RESET.search(words):
        return Intent.RESET
    if _asks_for_person(words):
        return Intent.PERSON
    if _VISIT.search(words):
        return Intent.VISIT
    if _MORE_ROOMS.search(words):
        return Intent.MORE_ROOMS
    if _CHEAPER.search(words):
        return Intent.CHEAPER
    if _BIGGER.search(words) and not criteria:
        return Intent.BIGGER
    if _BYE.search(words) and not hard:
        return Intent.GOODBYE
    if criteria:
        return None
    if _MORE_INFO.search(words):
        return Intent.MORE_INFO
    if _NEXT.search(words):
        return Intent.NEXT
    if _YES.search(words):
        return Intent.YES
    if _NO.search(words):
        return Intent.NO
    return None


def _asks_for_person(words: str) -> bool:
    found = _PERSON.search(words)
    if found is None:
        return False
    if not found.group().lower().startswith(("speak", "talk", "chat")):
        return True  # "real person", "put me through", "operator"
    return bool(_ASKING.search(words[max(0, found.start() - 30) : found.start()]))


def _reconcile(
    intent: Intent,
    words: str,
    parsed: ParsedQuery,
    criteria: bool,
    has_listing: bool,
    asked: str | None,
) -> Intent:
    """The head's intent, checked against what the parser found in the words."""
    stated = parsed.filters.constraints()
    if not stated and caller_name(words, asked=asked == "name"):
        if intent in (Intent.NAME, Intent.GREETING, Intent.OUT_OF_SCOPE, Intent.PROPERTY_VAGUE):
            return Intent.NAME if intent is not Intent.GREETING else intent
        if intent is Intent.SEARCH and not _home_feature(parsed):
            return Intent.NAME  # "my name's Carmen, I'm calling from the office"
    if has_listing and _asks_about_listing(intent, words, stated):
        return Intent.DETAIL
    if not criteria:
        if intent is Intent.SEARCH:
            return Intent.PROPERTY_VAGUE
        if intent is Intent.NAME:  # no name in the words after all
            return Intent.OUT_OF_SCOPE if asked != "name" else Intent.NAME
        return intent
    # The words hold criteria (a place, bedrooms, a budget, a home feature).
    if intent is Intent.CHEAPER and not {"price_smaller_than", "price_bigger_than"} & set(stated):
        return Intent.CHEAPER
    if intent is Intent.BIGGER and "sqft_bigger_than" not in stated:
        return Intent.BIGGER
    if intent is Intent.MORE_ROOMS and "min_rooms" not in stated:
        return Intent.MORE_ROOMS
    if intent in (Intent.PERSON, Intent.VISIT, Intent.RESET):
        return intent
    if intent is Intent.OUT_OF_SCOPE:
        only_a_place = set(stated) <= {"location"}
        asked_as_change = _CHANGE.search(words) and len(words.split()) <= 6
        if only_a_place and not _PROPERTY_WORDS.search(words) and not asked_as_change:
            return Intent.OUT_OF_SCOPE  # "tapas around Sol", "is Retiro park good for running"
    if not stated and not parsed.flagged_places and not _home_feature(parsed):
        return intent if intent is not Intent.SEARCH else Intent.PROPERTY_VAGUE
    return Intent.SEARCH


def _asks_about_listing(intent: Intent, words: str, stated: Mapping[str, object]) -> bool:
    """ "Is there a lift?", "terrace?", "has it got a lift? my knees aren't what they were"
    about the listing on the table; not "anything with a terrace?" (a new search), not a
    question that changes the bedrooms or the budget, and not "cheaper?" or "the next one"."""
    if not _QUESTION.search(words) or _REFINE.search(words) or stated:
        return False
    if intent is Intent.DETAIL:
        return True
    if intent not in _MAY_BE_DETAIL:
        return False
    return detail_field(words) is not None


_MAY_BE_DETAIL = {Intent.SEARCH, Intent.OUT_OF_SCOPE, Intent.PROPERTY_VAGUE, Intent.GREETING,
                  Intent.NAME, Intent.MORE_INFO, Intent.YES, Intent.THANKS}  # fmt: skip


def _home_feature(parsed: ParsedQuery) -> bool:
    """A home type or feature among the words ("a terrace", "a penthouse"), not just who it is
    for ("for my family") or what the caller does ("calling from the office")."""
    return bool(wanted_terms(parsed.filters.description_query or ""))


def _without_meaning(words: str, parsed: ParsedQuery, has_listing: bool) -> Intent:
    """The rules-only reading, for when no encoder is available or the head is unsure."""
    if _has_criteria(parsed):
        return Intent.SEARCH
    if has_listing and _QUESTION.search(words) and detail_field(words):
        return Intent.DETAIL
    if _PROPERTY_WORDS.search(words):
        return Intent.PROPERTY_VAGUE
    return Intent.OUT_OF_SCOPE


def _with_detail(intent: Intent, words: str) -> Reading:
    if intent is Intent.DETAIL:
        return Reading(intent, detail_field(words) or _topic(words))
    return Reading(intent)


def _has_criteria(parsed: ParsedQuery) -> bool:
    wanted = parsed.filters
    places = any(f.issue is not PlaceIssue.EXTRA for f in parsed.flagged_places)
    return bool(wanted.constraints() or _home_feature(parsed) or places)


_STOP = set(
    "how what where which when does do is has are can could the a an it its there any about and "
    "of in on to with for this that flat apartment house home place like tell me please".split()
)


def _topic(words: str) -> str:
    """ "what about the kitchen?" → "feature:kitchen": what to look for in the description."""
    content = [w for w in re.findall(r"[a-z]+", words.lower()) if w not in _STOP]
    return "feature:" + " ".join(content) if content else "feature:"
