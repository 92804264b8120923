"""What every settings group shares: placeholders pasted from `.env.example` count as unset, and
URLs are checked once, naming the variable to fix."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

_PLACEHOLDER = re.compile(
    r"^(your[_\- ].*|.*_here|<.*>|\{.*\}|changeme|change[_\- ]me|x{3,}|\.{3}|todo|placeholder)$",
    re.IGNORECASE,
)


def is_placeholder(value: object) -> bool:
    """True for values people paste from examples instead of a real secret or URL."""
    return isinstance(value, str) and bool(_PLACEHOLDER.match(value.strip()))


class Group(BaseModel):
    """A settings group: placeholders fall back to the field's default (usually unset)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_placeholders(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not is_placeholder(v) and v != ""}
        return data


def http_url(value: str | None, setting: str) -> str | None:
    """An http(s) URL without its trailing slash; the error names the variable `setting`."""
    if value is None:
        return None
    value = value.strip().rstrip("/")
    if not re.match(r"^https?://[^\s/]+", value):
        raise ValueError(f"{setting} must start with http:// or https:// (got {value!r})")
    return value


def url_setting(field: str, setting: str) -> Any:
    """The validator of a group's URL field, assigned in the class body as pydantic documents
    for reused validators: `_check_url = url_setting("url", "QDRANT__URL")`."""

    def check(cls: type[Group], value: str | None) -> str | None:
        return http_url(value, setting)

    return field_validator(field)(check)
