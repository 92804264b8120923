"""One local voice shared by every call: a call whose turn just ended hears its first words before
another call's later sentences are synthesised (no model here: each step records its name)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator

import pytest

from property_agent.voice.tts.blocking import iterate_in_executor
from property_agent.voice.tts.scheduling import RankedWorker, begin_turn

pytestmark = pytest.mark.unit


@pytest.fixture
def worker() -> Iterator[RankedWorker]:
    pool = RankedWorker("test-voice")
    yield pool
    pool.shutdown(cancel_futures=True)


def sentence(name: str, spoken: list[str]) -> Iterator[str]:
    """A blocking synthesis of one sentence in one piece (runs on the worker)."""
    spoken.append(name)
    yield name


async def answer(
    call: str, sentences: int, worker: RankedWorker, spoken: list[str]
) -> AsyncIterator[str]:
    """One call's turn, sentence by sentence, as the voice session speaks it."""
    begin_turn()
    for n in range(1, sentences + 1):
        async for piece in iterate_in_executor(sentence(f"{call} {n}", spoken), worker):
            yield piece


async def test_a_second_call_first_sentence_comes_before_the_first_call_third(
    worker: RankedWorker,
) -> None:
    """Anna is hearing her second sentence and her third is waiting for the voice (busy with
    someone else) when Ben's turn ends: Ben's first sentence is synthesised before her third."""
    spoken: list[str] = []
    busy, release = threading.Event(), threading.Event()

    def someone_else() -> None:
        busy.set()
        release.wait(10)

    async def until_waiting(count: int) -> None:
        await asyncio.to_thread(busy.wait, 10)
        while len(worker.waiting_ranks()) < count:  # noqa: ASYNC110 (a thread's queue: no Event)
            await asyncio.sleep(0.005)

    async def anna() -> None:
        async for piece in answer("anna", 3, worker, spoken):
            if piece == "anna 2":
                await asyncio.sleep(0.05)  # her last step for sentence two is done
                worker.submit(someone_else)
                await asyncio.to_thread(busy.wait, 10)

    async def ben() -> None:
        await until_waiting(1)  # anna's third sentence is queued
        async for _ in answer("ben", 1, worker, spoken):
            pass

    async def voice_frees_up() -> None:
        await until_waiting(2)  # and ben's first
        release.set()

    await asyncio.gather(anna(), ben(), voice_frees_up())
    assert spoken == ["anna 1", "anna 2", "ben 1", "anna 3"]


def test_the_worker_runs_the_lowest_rank_first_first_come_first_served_within_a_rank(
    worker: RankedWorker,
) -> None:
    started = threading.Event()
    release = threading.Event()
    ran: list[str] = []

    def hold() -> None:
        started.set()
        release.wait(10)

    worker.submit(hold)
    started.wait(10)
    jobs = [("anna 3", 2), ("anna 2", 1), ("ben 1", 0), ("cho 1", 0), ("ben 2", 1)]
    futures = [worker.submit_ranked(rank, ran.append, name) for name, rank in jobs]
    assert worker.waiting_ranks() == [0, 0, 1, 1, 2]
    release.set()
    for future in futures:
        future.result(10)
    assert ran == ["ben 1", "cho 1", "anna 2", "ben 2", "anna 3"]
