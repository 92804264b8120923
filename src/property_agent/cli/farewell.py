"""When the caller takes leave in the terminal chat, local or through a server."""

from __future__ import annotations

import re

# A line that only takes leave ("bye", "ok, goodbye!", "thanks, that's all"): the avatar answers
# it, then the chat ends, as a call would.
_FAREWELL = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|right|thanks|thank you|cheers|great)\W+)*"
    r"(?:bye(?: bye)?|good ?bye|see you|that'?s all|that is all)\b"
    r"(?:\W+(?:for now|thanks|thank you|cheers))*\W*$",
    re.IGNORECASE,
)


def is_farewell(text: str) -> bool:
    return bool(_FAREWELL.match(text.strip()))
