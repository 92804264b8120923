"""What every provider kind (STT, TTS) shares: the registry, the setting's value → the
provider's `from_settings`, importing the provider's module only when that value is chosen (so an
optional SDK that is missing only matters to the provider that needs it); and failures reported
as the kind's own error, naming the provider."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Generic, TypeVar

from property_agent.config import Settings

P = TypeVar("P")


class ProviderRegistry(Mapping[str, Callable[[Settings], P]], Generic[P]):
    """`{value: "module:Class"}` for the setting `setting` (e.g. `STT__MODEL`); looking a value
    up imports its module and hands back `Class.from_settings`."""

    def __init__(self, setting: str, kind: str, providers: dict[str, str]) -> None:
        self.setting = setting
        self.kind = kind
        self._paths = dict(providers)

    def __getitem__(self, value: str) -> Callable[[Settings], P]:
        module, _, name = self._paths[value].partition(":")
        provider = getattr(importlib.import_module(module), name)
        factory: Callable[[Settings], P] = provider.from_settings
        return factory

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def create(self, value: str, settings: Settings) -> P:
        """The provider `value` names, built from `settings`; an unknown value fails at once,
        naming the valid ones."""
        if value not in self._paths:
            raise ValueError(
                f"{self.setting}={value!r} is not a {self.kind} provider; use one of: "
                f"{', '.join(self._paths)}"
            )
        return self[value](settings)


@contextmanager
def reported_as(error: type[Exception], prefix: str) -> Iterator[None]:
    """Any failure inside becomes `error("<prefix>: <what went wrong>")`; an `error` already
    says what to fix and passes through as it is."""
    try:
        yield
    except error:
        raise
    except Exception as exc:  # engines report bad input with bare asserts: say which
        raise error(f"{prefix}: {str(exc) or repr(exc)}") from exc
