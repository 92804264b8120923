"""Leftover debugging prints in Gradio, dropped from the server's stdout; every other write
passes through unchanged.

Gradio 5 prints `new /` when it is mounted (`gradio/routes.py`, `mount_gradio_app`) and
`content_type application/json` on every call to its component server, which the WebRTC
handshake makes about twenty times per call (`get_item_or_file`). They are `print()`s, not log
records, so the logging set-up cannot quiet them.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

# Whole lines, as `print("new", path)` and `print("content_type", content_type)` write them.
GRADIO_PRINTS = (
    re.compile(r"new /\S*"),
    re.compile(r"content_type (None|[\w.+-]+/[\w.+-]+.*)"),
)
_HEADS = ("new ", "content_type ")  # what those lines start with


class FilteredStdout:
    """A text stream that drops whole lines matching `patterns` and writes the rest through.

    Only text that could still become a dropped line waits for its newline; anything else is
    written at once, so prompts and progress output are not held back."""

    def __init__(
        self,
        stream: TextIO,
        patterns: tuple[re.Pattern[str], ...] = GRADIO_PRINTS,
        heads: tuple[str, ...] = _HEADS,
    ) -> None:
        self.stream = stream
        self._patterns = patterns
        self._heads = heads
        self._pending = ""
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        with self._lock:
            out = self._take(self._pending + text)
            if out:
                self.stream.write(out)
        return len(text)

    def _take(self, text: str) -> str:
        """What can be written now; keeps a possible dropped line's start in `_pending`."""
        out: list[str] = []
        while text:
            line, newline, rest = text.partition("\n")
            if not self._may_drop(line):
                out.append(line + newline)
            elif newline and not any(p.fullmatch(line) for p in self._patterns):
                out.append(line + newline)
            elif not newline:  # wait for the rest of a line that may be dropped
                self._pending = line
                return "".join(out)
            text = rest
        self._pending = ""
        return "".join(out)

    def _may_drop(self, line: str) -> bool:
        return any(line.startswith(h) or h.startswith(line) for h in self._heads)

    def flush(self) -> None:
        self.stream.flush()

    def __getattr__(self, name: str) -> Any:  # encoding, isatty, fileno, buffer, …
        return getattr(self.stream, name)


@contextmanager
def gradio_prints_dropped() -> Iterator[None]:
    """Run the server with Gradio's debugging prints dropped from stdout."""
    original = sys.stdout
    sys.stdout = FilteredStdout(original)
    try:
        yield
    finally:
        sys.stdout = original
