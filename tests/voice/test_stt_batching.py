"""Turns from many calls share the local model's one worker thread in batches (no model here:
the batch function records what it was given)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from property_agent.voice.stt.batching import BatchQueue

pytestmark = pytest.mark.unit


class Transcriber:
    """Hears each turn as its own name in capitals; a turn named in `gates` holds its batch until
    released, so the test decides when the worker is busy."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.gates: dict[str, threading.Event] = {}
        self.failing: set[str] = set()

    def __call__(self, batch: list[str]) -> list[str]:
        self.batches.append(batch)
        for turn in batch:
            if turn in self.gates:
                self.gates[turn].wait(10)
            if turn in self.failing:
                raise RuntimeError(f"cannot hear {turn}")
        return [turn.upper() for turn in batch]


@pytest.fixture
def worker() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(max_workers=1) as pool:
        yield pool


async def test_turns_that_end_together_are_heard_in_one_batch_each_with_its_own_words(
    worker: ThreadPoolExecutor,
) -> None:
    model = Transcriber()
    queue = BatchQueue(model, worker, window_s=0.05, max_batch=8)
    heard = await asyncio.gather(queue.submit("anna"), queue.submit("ben"), queue.submit("cho"))
    assert heard == ["ANNA", "BEN", "CHO"]
    assert model.batches == [["anna", "ben", "cho"]]


async def test_turns_ending_while_the_model_is_busy_go_together_in_the_next_batch(
    worker: ThreadPoolExecutor,
) -> None:
    model = Transcriber()
    model.gates["anna"] = gate = threading.Event()
    queue = BatchQueue(model, worker, window_s=0.0, max_batch=8)
    first = asyncio.ensure_future(queue.submit("anna"))
    await asyncio.sleep(0.05)  # anna's batch is running
    later = asyncio.ensure_future(asyncio.gather(queue.submit("ben"), queue.submit("cho")))
    await asyncio.sleep(0.05)
    gate.set()
    assert await first == "ANNA"
    assert await later == ["BEN", "CHO"]
    assert model.batches == [["anna"], ["ben", "cho"]]


async def test_a_batch_holds_at_most_max_batch_turns(worker: ThreadPoolExecutor) -> None:
    model = Transcriber()
    queue = BatchQueue(model, worker, window_s=0.05, max_batch=2)
    names = ["anna", "ben", "cho", "dev", "eli"]
    assert await asyncio.gather(*map(queue.submit, names)) == [n.upper() for n in names]
    assert [len(batch) for batch in model.batches] == [2, 2, 1]


async def test_a_caller_who_stops_waiting_leaves_the_queue(worker: ThreadPoolExecutor) -> None:
    """A barge-in cancels the turn's transcription: it is not run for nobody."""
    model = Transcriber()
    model.gates["anna"] = gate = threading.Event()
    queue = BatchQueue(model, worker, window_s=0.0, max_batch=8)
    first = asyncio.ensure_future(queue.submit("anna"))
    await asyncio.sleep(0.05)
    gone = asyncio.ensure_future(queue.submit("ben"))
    stays = asyncio.ensure_future(queue.submit("cho"))
    also_cho = asyncio.ensure_future(queue.submit("cho"))  # equal items are still two turns
    await asyncio.sleep(0.01)
    gone.cancel()
    gate.set()
    assert (await first, await stays, await also_cho) == ("ANNA", "CHO", "CHO")
    assert model.batches == [["anna"], ["cho", "cho"]]


async def test_a_failed_batch_fails_every_turn_in_it_and_the_queue_goes_on(
    worker: ThreadPoolExecutor,
) -> None:
    model = Transcriber()
    model.failing.add("ben")
    queue = BatchQueue(model, worker, window_s=0.05, max_batch=8)
    results = await asyncio.gather(
        queue.submit("anna"), queue.submit("ben"), return_exceptions=True
    )
    assert all(isinstance(r, RuntimeError) and "ben" in str(r) for r in results)
    assert await queue.submit("cho") == "CHO"
