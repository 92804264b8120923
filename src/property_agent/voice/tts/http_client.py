"""The HTTP side shared by the remote speech providers: one client per provider, errors as
`TTSError` naming the provider and status, never the API key."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from property_agent.voice.tts.base import TTSError

_ERROR_BODY_CHARS = 300


class SpeechClient:
    """A lazily created `httpx.AsyncClient` (created inside the running loop) with one timeout."""

    def __init__(self, provider: str, timeout_s: float) -> None:
        self._provider = provider
        self._timeout = httpx.Timeout(timeout_s)
        self._client: httpx.AsyncClient | None = None

    @asynccontextmanager
    async def post(
        self, url: str, payload: dict[str, Any], headers: dict[str, str]
    ) -> AsyncIterator[httpx.Response]:
        """POST `payload` and hand over the streaming response; HTTP and network failures,
        including ones while the body streams, raise `TTSError`."""
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self._timeout)
        try:
            async with self._client.stream("POST", url, json=payload, headers=headers) as response:
                if response.status_code >= 400:
                    body = (await response.aread()).decode("utf-8", errors="replace")
                    raise TTSError(
                        f"{self._provider}: HTTP {response.status_code} from {url}: "
                        f"{' '.join(body.split())[:_ERROR_BODY_CHARS]}"
                    )
                yield response
        except httpx.HTTPError as exc:
            raise TTSError(f"{self._provider}: {type(exc).__name__} from {url}: {exc}") from exc

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
