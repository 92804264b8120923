"""`ModelHealth`: whether the remote chat model is failing, so turns go to the offline policy for
a while (degraded mode) and callers still get real answers."""

from __future__ import annotations

import logging
import time

logger = logging.getLogger(__name__)


class ModelHealth:
    """Counts consecutive remote-model failures; after `threshold`, degrade for `cooldown_s`."""

    def __init__(self, threshold: int = 2, cooldown_s: float = 60.0) -> None:
        self.threshold = threshold
        self.cooldown_s = cooldown_s
        self._failures = 0
        self._degraded_until = 0.0

    @property
    def degraded(self) -> bool:
        return time.monotonic() < self._degraded_until

    def failure(self) -> None:
        self._failures += 1
        if self._failures >= self.threshold and not self.degraded:
            self._degraded_until = time.monotonic() + self.cooldown_s
            self._failures = 0
            logger.warning(
                "Remote chat model failed %d turns in a row: answering with the offline policy "
                "for %.0fs",
                self.threshold,
                self.cooldown_s,
            )

    def success(self) -> None:
        self._failures = 0
