"""Numbers and words in a request that are never search criteria: phone numbers, e-mail addresses,
postcodes and sayings ("thanks a million"). They are blanked out (same length, so character
spans stay valid) before the parser reads prices, sizes and rooms: "+34 612 345 678" is not a
budget of €34,612,345,678.
"""

from __future__ import annotations

import re

# Nine or more digits in one run (spaces, dots, dashes or brackets between them): a phone
# number. No home costs €100,000,000, and prices are written with three-digit groups anyway.
_PHONE = re.compile(r"(?<![\w€$£.,])\+?\(?\d(?:[\s().-]{0,2}\d){8,}(?![\d,.]*\s*(?:k|m|€)\b)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# What a speech recogniser writes for a spoken address: "ana dot garcia at example dot com".
_SPOKEN_EMAIL = re.compile(
    r"\b[\w]+(?: dot [\w]+)* at [\w-]+(?: dot [\w-]+)* dot (?:com|es|org|net|eu|co|uk|io)\b",
    re.IGNORECASE,
)
# Madrid postcodes are 28001-28055 (and the region's 28xxx): five digits, never a price.
_POSTCODE = re.compile(
    r"(?:\b(?:post ?code|postal code|zip(?: code)?|cp)\s*:?\s*\d{5}\b)"
    r"|(?<![\d€$£.,])\b28\d{3}\b(?!\s*(?:k|thousand|euros?|€|grand)\b)",
    re.IGNORECASE,
)
# Sayings with numbers in them: "thanks a million" is no budget.
_IDIOMS = re.compile(
    r"\b(thanks a (million|bunch|lot)|a million thanks|one in a million|a million times"
    r"|(a )?hundred (per ?cent|%)|twenty[- ]four seven|24/7|(in|at) a minute|one moment"
    r"|one sec(ond)?|first things first)\b",
    re.IGNORECASE,
)
_PATTERNS = (_EMAIL, _SPOKEN_EMAIL, _PHONE, _POSTCODE, _IDIOMS)


def blank_contact_details(text: str) -> str:
    """`text` with phone numbers, e-mail addresses, postcodes and sayings replaced by spaces."""
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: " " * len(m.group()), text)
    return text


def has_contact_details(text: str) -> bool:
    return any(pattern.search(text) for pattern in _PATTERNS)
