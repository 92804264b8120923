"""Run a blocking, lazily computed iterator (one sentence of audio per step) on a worker thread.

Each step is its own job on the executor, and the next step starts as soon as a result is handed
over, so synthesis of sentence two overlaps playback of sentence one. Stepping instead of
draining the whole iterator in one job has two wins: concurrent calls sharing a one-worker pool
take turns sentence by sentence, and a caller who stops listening (barge-in) stops synthesis
after at most one more sentence. On a `RankedWorker` each step is ranked by its place in the
turn (`scheduling.py`), so one call's long answer never holds back another call's first words.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Iterator
from concurrent.futures import Executor
from functools import cache
from typing import TypeVar, cast

from property_agent.voice.tts.scheduling import RankedWorker, current_turn

T = TypeVar("T")
_DONE = object()


@cache
def engine_worker(name: str) -> RankedWorker:
    """The one worker thread of a local engine (created on first use, one per name per
    process): its model already uses every core it is given, so jobs queue rather than
    compete, first pieces of a turn first."""
    return RankedWorker(f"{name}_0")


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
    turn = current_turn()

    def next_step() -> asyncio.Future[object]:
        if isinstance(executor, RankedWorker):
            return asyncio.wrap_future(executor.submit_ranked(turn.next_rank(), _step, iterator))
        return loop.run_in_executor(executor, _step, iterator)

    pending = next_step()
    try:
        while True:
            item = await pending
            if item is _DONE:
                return
            pending = next_step()
            yield cast(T, item)
    finally:
        if not pending.done():
            pending.add_done_callback(_retrieve)
