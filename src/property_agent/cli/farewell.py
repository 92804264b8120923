"""The terminal chat's lines, local or through a server: the next one, and when the caller takes
leave."""

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


QUIT_HINT = "Say bye, or an empty line or Ctrl-D, to quit."


def is_farewell(text: str) -> bool:
    return bool(_FAREWELL.match(text.strip()))


def next_line() -> str | None:
    """What the caller types next; None when they quit (Ctrl-D, an empty line, quit or exit)."""
    try:
        text = input("you> ")
    except EOFError:
        return None
    return None if not text.strip() or text.strip().lower() in {"quit", "exit"} else text
