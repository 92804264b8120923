"""Tokens with character spans, and accent-free normalisation, shared by the query parsers.

Keeping spans lets the parser remove exactly the words that became filters from the free-text
description, whatever the caller's spelling.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_TOKEN = re.compile(
    r"(?P<num>\d+(?:[.,]\d+)*)"
    r"|(?P<word>[^\W\d_]+(?:['’][^\W\d_]+)*)"
    r"|(?P<sym>[€$£²+~–—-])",
    re.UNICODE,
)


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # as written
    norm: str  # lowercase, accents stripped, curly apostrophes straightened
    start: int
    end: int
    kind: str  # "num" | "word" | "sym"

    @property
    def is_num(self) -> bool:
        return self.kind == "num"


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalize(text: str) -> str:
    """Lowercase, accent-free, single-spaced words: "Chamberí" → "chamberi"."""
    text = strip_accents(text).lower().replace("’", "'")
    return " ".join(re.findall(r"[a-z0-9']+", text))


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "word"
        raw = m.group()
        norm = raw if kind == "num" else strip_accents(raw).lower().replace("’", "'")
        tokens.append(Token(raw, norm, m.start(), m.end(), kind))
    return tokens
