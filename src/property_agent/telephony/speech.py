"""What the avatar says on a call (the greeting, an answer, a goodbye) and how much of it the
caller has heard.

A speech is cut into pieces, one per spoken sentence (plus the filler between them); each piece
is followed by a `mark`, and Twilio echoes the mark once the caller has heard the piece. So when
the caller cuts in, the record can say exactly which sentences reached them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["greeting", "answer", "goodbye", "busy"]


@dataclass
class Speech:
    id: str
    kind: Kind
    pieces: dict[str, str] = field(default_factory=dict)  # mark name → text ("" for filler)
    heard: set[str] = field(default_factory=set)
    produced: bool = False  # everything to say has been queued
    settled: bool = False  # written to the call record
    _text: list[str] = field(default_factory=list)
    _audio: bool = False

    def add_text(self, text: str) -> str | None:
        """A new sentence starts; returns the mark closing the previous piece, if it had audio
        (its text is then complete)."""
        name = self.close_piece() if self._audio else None
        self._text.append(text)
        return name

    def add_audio(self) -> None:
        self._audio = True

    def close_piece(self) -> str | None:
        """The mark to send after the audio queued so far, or None if there is nothing to mark."""
        if not self._audio and not self._text:
            return None
        name = f"{self.id}.{len(self.pieces) + 1}"
        self.pieces[name] = " ".join(self._text)
        self._text, self._audio = [], False
        return name

    @property
    def fully_heard(self) -> bool:
        return self.produced and self.heard >= self.pieces.keys()

    def text(self, *, heard_only: bool) -> str:
        chosen = [t for name, t in self.pieces.items() if name in self.heard or not heard_only]
        return " ".join(t for t in chosen if t)
