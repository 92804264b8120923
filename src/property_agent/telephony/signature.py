"""Is this webhook from Twilio? Twilio signs the URL it requested plus the form fields with the
account auth token (`X-Twilio-Signature`); we recompute it with twilio's own validator."""

from __future__ import annotations

from collections.abc import Mapping

from twilio.request_validator import RequestValidator

SIGNATURE_HEADER = "X-Twilio-Signature"


def signed_url(base_url: str, path: str, query: str) -> str:
    """The URL Twilio signed: our public base, the request path and its query string."""
    return f"{base_url.rstrip('/')}{path}" + (f"?{query}" if query else "")


def signature_problem(
    auth_token: str, url: str, params: Mapping[str, object], signature: str | None
) -> str | None:
    """None when `signature` is Twilio's for this URL and these form fields; otherwise why not,
    in words fit for the 403 body (naming nothing secret)."""
    if not signature:
        return f"Missing {SIGNATURE_HEADER} header: only Twilio may call this webhook."
    # twilio's validator reads repeated fields through `getlist`, which Starlette's multidicts have.
    if not RequestValidator(auth_token).validate(url, params, signature):
        return (
            f"Invalid {SIGNATURE_HEADER} for {url}: the request was not signed by Twilio with "
            "TWILIO__AUTH_TOKEN, or Twilio called another URL (check PUBLIC_BASE_URL)."
        )
    return None
