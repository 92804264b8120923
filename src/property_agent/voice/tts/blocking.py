"""Run a blocking, lazily computed iterator (one sentence of audio per step) on a worker thread.

Each step is its own job on the executor, and the next step starts as soon as a result is handed
over, so synthesis of sentence two overlaps playback of sentence one. Stepping instead of
draining the whole iterator in one job has two wins: concurrent calls sharing a one-worker pool
take turns sentence by sentence, and a caller who stops listening (barge-in) stops synthesis
after at most one more sentence.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from functools import cache
from typing import TypeVar, cast

T = TypeVar("T")
_DONE = object()


@cache
def engine_worker(name: str) -> ThreadPoolExecutor:
    """The one worker thread of a local engine (created on first use, one per name per
    process): its model already uses every core it is given, so jobs queue rather than
    compete."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)


def _step(iterator: Iterator[T]) -> T | object:
    # StopIteration cannot cross into a Future, so the end is a sentinel.
    return next(iterator, _DONE)


def _retrieve(future: asyncio.Future[object]) -> None:
    """Mark an abandoned step's outcome as seen, so a late error is not logged as unhandled."""
    if not future.cancelled():
        future.exception()


async def iterate_in_executor(iterator: Iterator[T], executor: Executor) -> AsyncGenerator[T, None]:
    """Yield the items of a blocking `iterator`, each computed on `executor`, one step ahead."""
    loop = asyncio.get_running_loop()
    pending: asyncio.Future[object] = loop.run_in_executor(executor, _step, iterator)
    try:
        while True:
            item = await pending
            if item is _DONE:
                return
            pending = loop.run_in_executor(executor, _step, iterator)
            yield cast(T, item)
    finally:
        if not pending.done():
            pending.add_done_callback(_retrieve)
