"""Process logging: one format, and phone numbers redacted in every record (+34*****1222).

Callers' numbers are personal data; they must never reach log files whole, whoever logs them.
"""

from __future__ import annotations

import logging
import re

# E.164 as Twilio sends it ("+34911231222"), with or without spaces. Unprefixed digit runs are
# left alone: listing ids and prices are long numbers too.
_PHONE = re.compile(r"(\+\d[\d\s().-]{6,}\d)(?!\w)")


def redact_phone_numbers(text: str) -> str:
    """Keep a leading + and country code hint and the last four digits: "+34*****1222"."""

    def mask(match: re.Match[str]) -> str:
        raw = match.group(1)
        digits = re.sub(r"\D", "", raw)
        if not 8 <= len(digits) <= 15:
            return raw
        return f"+{digits[:2]}{'*' * (len(digits) - 6)}{digits[-4:]}"

    return _PHONE.sub(mask, text) if any(c.isdigit() for c in text) else text


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(c.isdigit() for c in message):
            redacted = redact_phone_numbers(message)
            if redacted != message:
                record.msg, record.args = redacted, None
        return True


def setup_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S")
    )
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "urllib3", "sentence_transformers", "superlinked"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
