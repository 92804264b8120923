"""Outbound calls through Twilio's REST API: Twilio rings `to_number` from `from_number` and,
when answered, fetches TwiML from `twiml_url` (normally our own voice webhook)."""

from __future__ import annotations

import asyncio
import logging

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http import HttpClient
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from property_agent.config import Settings
from property_agent.telephony.records import redact_number

logger = logging.getLogger(__name__)

# twilio's default HTTP client waits forever; a dialler request should not.
TWILIO_TIMEOUT_S = 15.0


class TwilioNotConfigured(Exception):
    """The settings needed to place calls are missing; the message names them."""


class TwilioCallFailed(Exception):
    """Twilio refused the call or could not be reached; the message is Twilio's, not ours."""


def missing_credentials(settings: Settings) -> list[str]:
    missing = []
    if not settings.twilio.account_sid:
        missing.append("TWILIO__ACCOUNT_SID")
    if settings.twilio.auth_token is None:
        missing.append("TWILIO__AUTH_TOKEN")
    return missing


async def place_call(
    settings: Settings,
    from_number: str,
    to_number: str,
    twiml_url: str,
    http_client: HttpClient | None = None,
) -> str:
    """Ask Twilio to place the call and return its CallSid. The twilio client blocks, so it runs
    in a worker thread. Raises `TwilioNotConfigured` or `TwilioCallFailed`."""
    sid_setting, token = settings.twilio.account_sid, settings.twilio.auth_token
    if not sid_setting or token is None:
        missing = missing_credentials(settings)
        raise TwilioNotConfigured(
            f"Outbound calls need {' and '.join(missing)} to be set on the server."
        )
    client = Client(
        sid_setting,
        token.get_secret_value(),
        http_client=http_client or TwilioHttpClient(timeout=TWILIO_TIMEOUT_S),
    )
    if settings.twilio.api_base_url:
        client.api.base_url = settings.twilio.api_base_url
    base = settings.twilio.api_base_url or "https://api.twilio.com"
    sid = await asyncio.to_thread(_create_call, client, base, from_number, to_number, twiml_url)
    logger.info("Placed call %s to %s", sid, redact_number(to_number))
    return sid


def _create_call(client: Client, base: str, from_number: str, to_number: str, url: str) -> str:
    try:
        call = client.calls.create(to=to_number, from_=from_number, url=url)
    except TwilioRestException as exc:
        raise TwilioCallFailed(f"Twilio refused the call (HTTP {exc.status}): {exc.msg}") from None
    except TwilioException as exc:  # TwilioServiceException (RFC 9457 errors) and the like
        detail = getattr(exc, "detail", None) or getattr(exc, "title", None) or type(exc).__name__
        raise TwilioCallFailed(f"Twilio refused the call: {detail}") from None
    except OSError as exc:  # requests' connection errors and timeouts are OSErrors
        raise TwilioCallFailed(f"Cannot reach Twilio at {base}: {type(exc).__name__}") from None
    return str(call.sid)
