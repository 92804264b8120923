"""Display text → what the voice should say.

The agent writes for the transcript ("€1,125,000", "85 m²", "Chamberí", **bold**); a TTS engine
reads that badly ("euro one comma one two five…", "m two", an English guess at a Spanish name).
`to_speech` rewrites money, numbers, ordinals, years and units in words (num2words), respells the
neighbourhood names from `pronunciations.yaml` (prompt engineers edit it, no code change), and
drops markdown, emoji and URLs. Applying it twice changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources
from pathlib import Path

import yaml
from num2words import num2words

PRONUNCIATIONS_FILE = "pronunciations.yaml"

# -- markup, links, emoji ---------------------------------------------------------------------
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_CODE = re.compile(r"`+([^`]*)`+")
_MD_EMPHASIS = re.compile(r"(\*{1,3}|_{2,3})(?=\S)(.+?)(?<=\S)\1")
_MD_LINE_MARK = re.compile(r"^\s*(?:#{1,6}\s+|>\s*|[-*+•]\s+|\d+[.)]\s+)", re.MULTILINE)
_MD_TABLE_RULE = re.compile(r"^\s*\|?(?:\s*:?-{3,}:?\s*\|)+\s*:?-*:?\s*$", re.MULTILINE)
_INVISIBLE = {"\u200d", "\ufe0f", "\ufe0e", "\u20e3"}

# -- money, numbers, units --------------------------------------------------------------------
_NUMBER = r"\d{1,3}(?:[,.]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_SCALE = r"(?:\s?(?P<scale>k|K|m|M|mn|bn|thousand|million|billion)\b)?"
_MONEY_BEFORE = re.compile(rf"€\s?(?P<amount>{_NUMBER}){_SCALE}")
_MONEY_AFTER = re.compile(rf"(?P<amount>{_NUMBER}){_SCALE}\s?(?:€|EUR\b)")
_PER_AREA = re.compile(
    r"\s?(?:€|euros?)\s?/\s?(?:m²|m2|sqm|square met(?:re|er)s?)(?![\w²])", re.IGNORECASE
)
_UNITS = [
    (re.compile(r"(?<=\d)\s?(?:m²|m2|sqm|sq\.?\s?m)(?![\w²])", re.IGNORECASE), " square metres"),
    (re.compile(r"(?<=\d)\s?(?:sq\.?\s?ft|sqft|ft²)(?!\w)", re.IGNORECASE), " square feet"),
    (re.compile(r"(?<=\d)\s?km\b"), " kilometres"),
    (re.compile(r"\b(?:m²|sqm)(?!\w)", re.IGNORECASE), "square metres"),
    (re.compile(r"\bsquare meters?\b", re.IGNORECASE), "square metres"),
]
_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b", re.IGNORECASE)
_PERCENT = re.compile(rf"({_NUMBER})\s?%")
_RANGE = re.compile(rf"(?<![\d,.])({_NUMBER})\s?[-–—]\s?(?=\d)")
_YEAR = re.compile(r"(?<![\d,.€])\b(1[89]\d\d|20\d\d)\b(?!\s?(?:[,.]\d|%|€|square|sq|m\b|m²|euro))")
_DECADE = re.compile(r"\b(1[89]\d|20\d)0s\b")
_PLAIN_NUMBER = re.compile(rf"(?<![\w])({_NUMBER})(?![\w])")
_SYMBOLS = [
    (re.compile(r"\s?&\s?"), " and "),
    (re.compile(r"(?<=\s)~\s?|^~\s?", re.MULTILINE), "about "),
    (re.compile(r"\s?\+\s?(?=\d|[a-z])"), " plus "),
    (re.compile(r"[#*_|<>{}\[\]\\^]"), " "),
]
_SCALES = {
    "k": 1_000,
    "thousand": 1_000,
    "m": 1_000_000,
    "mn": 1_000_000,
    "million": 1_000_000,
    "bn": 1_000_000_000,
    "billion": 1_000_000_000,
}


def to_speech(text: str) -> str:
    """`text` as a TTS engine should read it (idempotent; blank stays blank)."""
    if not text or not text.strip():
        return ""
    out = _strip_markup(text)
    out = _PER_AREA.sub(" euros per square metre", out)
    out = _MONEY_BEFORE.sub(_money, out)
    out = _MONEY_AFTER.sub(_money, out)
    out = out.replace("€", " euros ")
    out = _PER_AREA.sub(" euros per square metre", out)
    for pattern, words in _UNITS:
        out = pattern.sub(words, out)
    out = _PERCENT.sub(lambda m: f"{_number_words(m.group(1))} percent", out)
    out = _ORDINAL.sub(lambda m: num2words(int(m.group(1)), to="ordinal"), out)
    out = _DECADE.sub(lambda m: _decade(int(m.group(1)) * 10), out)
    out = _RANGE.sub(lambda m: f"{m.group(1)} to ", out)
    out = _YEAR.sub(lambda m: _year(int(m.group(1))), out)
    out = _PLAIN_NUMBER.sub(lambda m: _number_words(m.group(1)), out)
    for pattern, words in _SYMBOLS:
        out = pattern.sub(words, out)
    out = respell(out)
    out = re.sub(r"(?<=[a-z])-(?=[A-Z])", " ", out)  # "Malasaña-Universidad": two names
    return _tidy(out)


def respell(text: str) -> str:
    """Neighbourhood names replaced by their respellings from `pronunciations.yaml`."""
    pattern, spoken = _pronunciation_table()
    if pattern is None:
        return text

    def sound(match: re.Match[str]) -> str:
        word = match.group(0)
        return spoken[_key(word)] if word[0].isupper() else word

    return pattern.sub(sound, text)


# -- pieces -----------------------------------------------------------------------------------
def _strip_markup(text: str) -> str:
    out = _MD_IMAGE.sub(r"\1", text)
    out = _MD_LINK.sub(r"\1", out)
    out = _URL.sub("", out)
    out = _EMAIL.sub("", out)
    out = _MD_CODE.sub(r"\1", out)
    out = _MD_TABLE_RULE.sub("", out)
    for _ in range(2):  # nested emphasis (***bold italic*** is one pass; **a *b* c** is two)
        out = _MD_EMPHASIS.sub(r"\2", out)
    out = _MD_LINE_MARK.sub("", out)
    return "".join(ch for ch in out if not _is_emoji(ch))


def _is_emoji(ch: str) -> bool:
    if ch in _INVISIBLE or "\U0001f3fb" <= ch <= "\U0001f3ff":  # joiners, skin tones
        return True
    category = unicodedata.category(ch)
    # "So" covers emoji, dingbats and pictographs; keep the few symbols that are words (©, °).
    return (category == "So" and ch not in "©®°") or category == "Cs"


def _money(match: re.Match[str]) -> str:
    value = _parse_number(match.group("amount"), money=True)
    scale = (match.group("scale") or "").lower()
    value *= _SCALES.get(scale, 1)
    return f" {_amount_words(value)} "


def _amount_words(value: float) -> str:
    whole = int(value)
    cents = round((value - whole) * 100)
    if cents == 0 or value >= 1_000:  # €1.2M was made whole above; €1,000.50 is "about" enough
        return f"{_clean(num2words(whole))} {'euro' if whole == 1 else 'euros'}"
    euros = f"{_clean(num2words(whole))} {'euro' if whole == 1 else 'euros'} " if whole else ""
    return f"{euros}{_clean(num2words(cents))} {'cent' if cents == 1 else 'cents'}"


def _number_words(raw: str) -> str:
    value = _parse_number(raw, money=False)
    if value == int(value) and "." not in raw:
        return _clean(num2words(int(value)))
    return _clean(num2words(value))


def _parse_number(raw: str, *, money: bool) -> float:
    """'1,125,000' and (for money, the Spanish way) '1.125.000' are thousands; '2.5' and (for
    money) '2,5' are decimals."""
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", raw):
        return float(raw.replace(",", ""))
    if money and re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", raw):
        return float(raw.replace(".", "").replace(",", "."))
    if money and re.fullmatch(r"\d+,\d{1,2}", raw):
        return float(raw.replace(",", "."))
    return float(raw.replace(",", ""))


def _year(year: int) -> str:
    return _clean(num2words(year, to="year"))


def _decade(year: int) -> str:
    words = _year(year)  # "nineteen sixty" → "nineteen sixties"
    if words.endswith("y"):
        return words[:-1] + "ies"
    return words + "s"


def _clean(words: str) -> str:
    """num2words' British "one hundred and five," → "one hundred five" (shorter to say)."""
    return re.sub(r"\s+", " ", words.replace(",", "").replace(" and ", " ")).strip()


def _tidy(text: str) -> str:
    out = re.sub(r"[ \t]+", " ", text)
    out = re.sub(r"(?<=[\w)])[ \t]*\n[ \t]*\n\s*(?=\S)", ". ", out)  # paragraphs
    out = re.sub(r"(?<=[\w)])[ \t]*\n\s*(?=\S)", ", ", out)  # list items and lines: a pause
    out = re.sub(r"\s*\n\s*", " ", out)
    out = re.sub(r"\s+([,.;:!?])", r"\1", out)
    out = re.sub(r"([,.;:!?]){2,}", r"\1", out)
    out = re.sub(r"\(\s*\)", "", out)
    out = re.sub(r"([(\[])\s+", r"\1", out)
    return re.sub(r"\s{2,}", " ", out).strip()


def _key(name: str) -> str:
    """How a name is looked up: folded, with hyphens and runs of spaces as one space."""
    return re.sub(r"[\s-]+", " ", _fold(name)).strip()


def _fold(text: str) -> str:
    """Case- and accent-insensitive key ("CHAMBERI" and "Chamberí" are the same name)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# -- the pronunciation map --------------------------------------------------------------------
class PronunciationError(ValueError):
    """`pronunciations.yaml` is unusable; the message names the file and the entry."""


def load_pronunciations(path: Path | None = None) -> dict[str, str]:
    """Name → respelling, validated: every value plain ASCII words (what an English voice reads
    reliably), no name respelled into another name (so respelling is idempotent)."""
    source = path or Path(str(resources.files("property_agent.voice") / PRONUNCIATIONS_FILE))
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise PronunciationError(f"{source}: cannot read the pronunciation map: {exc}") from exc
    names = data.get("pronunciations") if isinstance(data, dict) else None
    if not isinstance(names, dict):
        raise PronunciationError(f"{source}: expected a 'pronunciations:' mapping of name: sound")
    table: dict[str, str] = {}
    for name, spoken in names.items():
        if not isinstance(name, str) or not isinstance(spoken, str) or not spoken.strip():
            raise PronunciationError(f"{source}: entry {name!r} needs a non-empty text value")
        if not re.fullmatch(r"[A-Za-z' -]+", spoken):
            raise PronunciationError(
                f"{source}: {name}: {spoken!r} must be plain letters, spaces, hyphens or "
                "apostrophes (an English voice reads accents and symbols unpredictably)"
            )
        table[name] = spoken.strip()
    keys = {_key(name) for name in table}
    for name, spoken in table.items():
        clash = [word for word in _key(spoken).split() if word in keys]
        if clash and _key(spoken) != _key(name):
            raise PronunciationError(
                f"{source}: {name}: the respelling {spoken!r} contains the name {clash[0]!r}, "
                "which would be respelled again"
            )
    return table


@cache
def _pronunciation_table() -> tuple[re.Pattern[str] | None, dict[str, str]]:
    table = load_pronunciations()
    spoken = {_key(name): sound for name, sound in table.items()}
    if not spoken:
        return None, {}
    # Longest first ("Ciudad Lineal" before "Ciudad"); accents optional, so a typed "Chamberi"
    # is respelled too.
    alternatives = sorted(spoken, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![\w])(?:" + "|".join(_accent_insensitive(name) for name in alternatives) + r")(?!\w)",
        re.IGNORECASE,
    )
    return pattern, spoken


def _accent_insensitive(folded_name: str) -> str:
    variants = {"a": "aáà", "e": "eéè", "i": "iíì", "o": "oóò", "u": "uúùü", "n": "nñ"}
    parts = []
    for ch in folded_name:
        if ch in variants:
            parts.append(f"[{variants[ch]}]")
        elif ch in " -":
            parts.append(r"[\s-]+")
        else:
            parts.append(re.escape(ch))
    return "".join(parts)
