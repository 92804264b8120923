"""Cut a model's token stream into sentences as they complete, so speech can start early.

A sentence ends at . ! ? … followed by a space, except after abbreviations ("Mr.", "approx.")
and inside numbers ("€1.2 million"); very short fragments wait for the next sentence so the
voice never speaks a lone "Okay." followed by a pause for synthesis.
"""

from __future__ import annotations

import re

_END = re.compile(r"([.!?…]+)(\s+|$)")
_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "av",
    "avda",
    "approx",
    "no",
    "nº",
    "e.g",
    "i.e",
    "etc",
}
MIN_CHARS = 12


class SentenceSplitter:
    def __init__(self, min_chars: int = MIN_CHARS) -> None:
        self._buffer = ""
        self._min_chars = min_chars

    def feed(self, text: str) -> list[str]:
        """Add streamed text; return the sentences it completed."""
        self._buffer += text
        done: list[str] = []
        start = 0
        for match in _END.finditer(self._buffer):
            if not match.group(2) and match.end() == len(self._buffer):
                break  # the stream may continue this word ("1." of "1.5")
            candidate = self._buffer[start : match.end()].strip()
            last_word = candidate[: -len(match.group(1))].rsplit(" ", 1)[-1].lower()
            if last_word in _ABBREVIATIONS or len(candidate) < self._min_chars:
                continue
            done.append(candidate)
            start = match.end()
        self._buffer = self._buffer[start:]
        return done

    def flush(self) -> str | None:
        """The rest, at the end of a message."""
        rest, self._buffer = self._buffer.strip(), ""
        return rest or None
