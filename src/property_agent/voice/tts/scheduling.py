"""First sentences first: the order a local voice engine's one worker thread synthesises in.

With one worker shared by every call, a first-in-first-out queue made a caller whose turn just
ended wait behind other calls' third and fourth sentences, which nobody needs yet (they play
after the sentences before them). `RankedWorker` runs the waiting job of the lowest rank first,
first come first served within a rank. A piece's rank is how many pieces its turn has already
asked for (`SpeechTurn`): every call's first piece of audio comes before anyone's second.
"""

from __future__ import annotations

import heapq
import itertools
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")


class SpeechTurn:
    """Counts the pieces of audio one turn has asked for; the next one's rank."""

    def __init__(self) -> None:
        self.pieces = 0

    def next_rank(self) -> int:
        rank, self.pieces = self.pieces, self.pieces + 1
        return rank


_turn: ContextVar[SpeechTurn | None] = ContextVar("speech_turn", default=None)


def begin_turn() -> SpeechTurn:
    """Start counting a new turn's pieces in this task (the voice session calls it per turn)."""
    turn = SpeechTurn()
    _turn.set(turn)
    return turn


def current_turn() -> SpeechTurn:
    """This task's turn; speech outside a turn (a greeting, a goodbye) counts on its own."""
    return _turn.get() or SpeechTurn()


class RankedWorker(Executor):
    """One worker thread that runs the waiting job of the lowest rank first (FIFO within a
    rank). `submit` ranks a job 0; `submit_ranked` says its rank."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._queue: list[tuple[int, int, Future[Any], Callable[[], Any]]] = []
        self._order = itertools.count()
        self._ready = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        return self.submit_ranked(0, fn, *args, **kwargs)

    def submit_ranked(
        self, rank: int, fn: Callable[..., T], /, *args: Any, **kwargs: Any
    ) -> Future[T]:
        future: Future[T] = Future()
        with self._ready:
            if self._closed:
                raise RuntimeError(f"{self._name}: cannot schedule after shutdown")
            heapq.heappush(
                self._queue, (rank, next(self._order), future, lambda: fn(*args, **kwargs))
            )
            if self._thread is None:  # started on first use, not at import
                self._thread = threading.Thread(target=self._work, name=self._name, daemon=True)
                self._thread.start()
            self._ready.notify()
        return future

    def waiting_ranks(self) -> list[int]:
        """The ranks of the jobs not started yet, in the order they will run."""
        with self._ready:
            return [rank for rank, *_ in sorted(self._queue)]

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._ready:
            self._closed = True
            if cancel_futures:
                for *_, future, _job in self._queue:
                    future.cancel()
                self._queue.clear()
            self._ready.notify_all()
            thread = self._thread
        if wait and thread is not None:
            thread.join()

    def _work(self) -> None:
        while True:
            with self._ready:
                while not self._queue and not self._closed:
                    self._ready.wait()
                if not self._queue:
                    return
                *_, future, job = heapq.heappop(self._queue)
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = job()
            except BaseException as exc:
                future.set_exception(exc)
            else:
                future.set_result(result)
