"""Turns from many calls transcribed together: one batch on the model's one worker thread.

Whisper on the CPU costs less per turn in a batch than one by one (the decoder's beam steps are
small matrix products whose cost is mostly reading the weights), and callers who end their turns
together no longer queue behind each other. `BatchQueue` gathers what the event loop submits:
when the worker is idle, the first job waits `window_s` for companions (turns that end within
the window go as one batch); while a batch runs, new jobs wait and go as the next batch, at most
`max_batch` at a time. A job whose caller stopped waiting (barge-in) leaves the queue.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from typing import Generic, TypeVar

In = TypeVar("In")
Out = TypeVar("Out")


class BatchQueue(Generic[In, Out]):
    """Jobs from the event loop, run `max_batch` at a time by `run_batch` on `executor`."""

    def __init__(
        self,
        run_batch: Callable[[list[In]], Sequence[Out]],
        executor: Executor,
        *,
        window_s: float,
        max_batch: int,
    ) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self._run_batch = run_batch
        self._executor = executor
        self._window_s = window_s
        self._max_batch = max_batch
        self._waiting: list[tuple[In, asyncio.Future[Out]]] = []  # (compared by identity)
        self._timer: asyncio.TimerHandle | None = None
        self._running: asyncio.Future[Sequence[Out]] | None = None
        self.batch_sizes: list[int] = []  # every batch run so far, for logs and tests

    async def submit(self, item: In) -> Out:
        """`run_batch`'s result for `item`, computed in a batch with whatever else is waiting."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Out] = loop.create_future()
        entry = (item, future)
        self._waiting.append(entry)
        if self._running is not None and self._running.get_loop() is not loop:
            self._running = None  # left behind by a loop that has closed (tests, restarts)
        if self._running is None:
            if len(self._waiting) >= self._max_batch or self._window_s <= 0:
                self._dispatch()
            elif self._timer is None:
                self._timer = loop.call_later(self._window_s, self._dispatch)
        try:
            return await future
        except asyncio.CancelledError:
            # Not started yet: nobody else needs it run. (By identity: items may be arrays.)
            self._waiting = [waiting for waiting in self._waiting if waiting is not entry]
            raise

    def _dispatch(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch = self._waiting[: self._max_batch]
        del self._waiting[: self._max_batch]
        if not batch:
            return
        self.batch_sizes.append(len(batch))
        loop = asyncio.get_running_loop()
        running = loop.run_in_executor(self._executor, self._run_batch, [i for i, _ in batch])
        running.add_done_callback(lambda done: self._finished(done, batch))
        self._running = running

    def _finished(
        self, done: asyncio.Future[Sequence[Out]], batch: list[tuple[In, asyncio.Future[Out]]]
    ) -> None:
        if self._running is done:
            self._running = None
        error = done.exception()
        results: Sequence[Out | None] = [None] * len(batch) if error else done.result()
        for (_, future), result in zip(batch, results, strict=True):
            if future.done():  # its caller stopped waiting
                continue
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(result)  # type: ignore[arg-type]  # (None only on error)
        if self._waiting:  # they have waited a whole batch already: no window
            self._dispatch()
