"""Which conversation thread a call continues.

A returning caller resumes their conversation (`TELEPHONY__RESUME_CALLER`): the thread id is a
keyed hash of their number, keyed with `API__KEY`, else `TWILIO__AUTH_TOKEN`, else a fixed key
(then the id is only a pseudonym: anyone with the code could hash every number, so set one of the
two in production). Numbers that are not E.164 or are withheld ("anonymous") never resume: they
would all share one thread. Otherwise the thread is `phone-<CallSid>`.
"""

from __future__ import annotations

from property_agent.config import Settings
from property_agent.domain import is_e164
from property_agent.telephony.protocol import Start
from property_agent.telephony.records import caller_thread_id, redact_number

FALLBACK_SECRET = "property-phone-agent/caller-ids"


def thread_for(start: Start, settings: Settings) -> str:
    """The conversation a call continues (see the module docstring)."""
    caller = start.caller
    if (
        settings.telephony.resume_caller
        and caller
        and is_e164(caller)
        and redact_number(caller) != "withheld"  # "+266696687" spells ANONYMOUS
    ):
        secret = settings.api.key or settings.twilio.auth_token
        key = secret.get_secret_value() if secret else FALLBACK_SECRET
        return caller_thread_id(caller, key)
    return f"phone-{start.call_sid}"
