"""What a caller's turn is asking for, from its words and the search parser's reading of them.

Ordered rules, most specific first: a caller who says "thanks, and something cheaper?" wants a
cheaper home, not a goodbye.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from property_agent.domain import ParsedQuery


class Intent(StrEnum):
    EMPTY = "empty"
    RESET = "reset"
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
    GOODBYE = "goodbye"
    PROPERTY_VAGUE = "property_vague"  # "I'm looking for a flat": ask for criteria
    OUT_OF_SCOPE = "out_of_scope"


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_RESET = _rx(r"\b(start (over|again)|new search|forget (that|it|all that)|from scratch)\b")
_CHEAPER = _rx(
    r"\b(cheaper|less expensive|lower (price|budget)|too (expensive|pricey|much)|more affordable"
    r"|less money|bit less|lower the price)\b"
)
_BIGGER = _rx(r"\b(bigger|larger|more (space|room)\b(?!s)|roomier|too small)\b")
_MORE_ROOMS = _rx(r"\b(more bedrooms|more rooms|another bedroom|extra bedroom|one more bedroom)\b")
_NEXT = _rx(
    r"\b(next( one)?|another (one|option|place|flat|home)|other (options?|ones?)|something else"
    r"|anything else|any others?|what else|different one|show me (more|another))\b"
)
_MORE_INFO = _rx(
    r"\b(tell me (more|about it)|more (details|info|information) |more about (it|that|this)"
    r"|describe it|what('s| is) it like|sounds (good|interesting|great|nice)|more (details|info))\b"
)
_YES = _rx(r"^\W*(yes|yeah|yep|yup|sure|ok(ay)?|please( do)?|go on|go ahead|of course|definitely"
           r"|absolutely|why not|sounds good|that would be great)\b")  # fmt: skip
_NO = _rx(r"^\W*(no|nope|nah|not really|not that one|no thanks)\b")
_GREETING = _rx(r"^\W*(hi|hello|hey|hiya|good (morning|afternoon|evening)|hola|buenas)\b")
_THANKS = _rx(r"\b(thanks|thank you|cheers|much appreciated)\b")
_BYE = _rx(
    r"\b(bye|goodbye|see you|that's (all|it)|that is all|nothing else|i'm done|i have to go"
    r"|have a (good|nice) (day|one))\b"
)
_PROPERTY_WORDS = _rx(
    r"\b(flat|flats|apartment|apartments|house|houses|home|homes|property|properties|place"
    r"|penthouse|studio|chalet|duplex|loft|bedroom|bedrooms|buy|buying|move|moving|live|listing"
    r"|neighbourhood|neighborhood|area)\b"
)

# Questions about the listing just described: what field they ask for.
_DETAIL_FIELDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("baths", _rx(r"\b(how many )?(bath|baths|bathroom|bathrooms|toilets?)\b")),
    ("rooms", _rx(r"\bhow many (bed|beds|bedroom|bedrooms|rooms)\b")),
    ("sqft", _rx(r"\b(how big|how large|what size|square met(re|er)s|how much space|size)\b")),
    ("price", _rx(r"\b(how much|what('s| is) the price|price|cost|costs|asking)\b")),
    ("location", _rx(r"\b(where is it|where('s| is) (it|that)|which (area|neighbou?rhood))\b")),
    ("feature", _rx(r"\b(does it have|has it got|is there|any) (an? )?(?P<feature>[a-z ]+)")),
)
_QUESTION = _rx(r"\?\s*$|^\W*(how|what|where|which|does|is|has|are|can)\b")


@dataclass(frozen=True)
class Reading:
    intent: Intent
    detail: str | None = None  # for DETAIL: "baths", "price", "feature:terrace", …


def classify(text: str, parsed: ParsedQuery, *, has_listing: bool, asked: str | None) -> Reading:
    words = text.strip()
    if not re.search(r"\w", words):
        return Reading(Intent.EMPTY)
    constraints = parsed.filters.constraints()
    if _RESET.search(words):
        return Reading(Intent.RESET)
    if _MORE_ROOMS.search(words):
        return Reading(Intent.MORE_ROOMS)
    if _CHEAPER.search(words):
        return Reading(Intent.CHEAPER)
    if _BIGGER.search(words) and "min_rooms" not in constraints:
        return Reading(Intent.BIGGER)
    if has_listing and _QUESTION.search(words) and not constraints:
        for field_name, pattern in _DETAIL_FIELDS:
            match = pattern.search(words)
            if match:
                feature = match.groupdict().get("feature")
                detail = f"feature:{feature.strip()}" if feature else field_name
                return Reading(Intent.DETAIL, detail)
    if _NEXT.search(words) and not constraints:
        return Reading(Intent.NEXT)
    if _MORE_INFO.search(words) and not constraints:
        return Reading(Intent.MORE_INFO)
    if (
        constraints
        or parsed.flagged_places
        or (
            parsed.filters.description_query
            and _PROPERTY_WORDS.search(words)
            and _has_feature(parsed)
        )
    ):
        return Reading(Intent.SEARCH)
    if _YES.search(words):
        return Reading(Intent.YES)
    if _NO.search(words):
        return Reading(Intent.NO)
    if (_THANKS.search(words) and not _PROPERTY_WORDS.search(words)) or _BYE.search(words):
        return Reading(Intent.GOODBYE)
    if _GREETING.search(words) and not _PROPERTY_WORDS.search(words):
        return Reading(Intent.GREETING)
    if _PROPERTY_WORDS.search(words):
        return Reading(Intent.PROPERTY_VAGUE)
    if asked == "name" or re.search(r"\b(my name|call me|i'm|i am|this is)\b", words, re.I):
        return Reading(Intent.NAME)
    return Reading(Intent.OUT_OF_SCOPE)


_GENERIC = set(
    "flat flats apartment apartments house houses home homes property properties place nice good "
    "lovely something buy buying live living move moving a an the in to for i we my our looking "
    "want need would like".split()
)


def _has_feature(parsed: ParsedQuery) -> bool:
    """A description with more than generic words ("a flat with a terrace", not "a nice flat")."""
    words = re.findall(r"[a-z']+", (parsed.filters.description_query or "").lower())
    return any(w not in _GENERIC for w in words)
