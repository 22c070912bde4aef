"""Independent jobs, one per parameter label, run on the other cores while this process goes on.

    pending = start(task, ["w1", "w2", …])   # forked workers begin at once
    …                                        # this process does other work meanwhile
    results = pending.result()               # {"w1": task("w1"), …}, waiting if need be

The proofs are such jobs: each differentiates the whole cost once and shares
nothing with the others. Forked workers inherit the derivation as it is in
memory, so nothing is pickled but a label going out and a result coming back.
Without fork (or with one core, or few jobs) the jobs run in this process when
`result()` is called: the same results, only later.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from multiprocessing.pool import AsyncResult, Pool
from types import TracebackType
from typing import Generic, TypeVar

T = TypeVar("T")

JOBS_PER_WORKER = 2  # below this many jobs per core, a worker costs more than it saves
NICENESS = 10  # of workers started `behind` this process (see start)

_TASK: Callable[[str], object] | None = None  # what a forked worker runs (see start)


def _run_task(label: str) -> object:
    assert _TASK is not None, "a worker runs only inside start()"
    return _TASK(label)


def _lower_priority() -> None:
    os.nice(NICENESS)


class Pending(Generic[T]):
    """Jobs under way. Use as a context manager, or call `result()` (which also
    stops the workers); leaving the `with` block early terminates them."""

    def __init__(self, task: Callable[[str], T], labels: list[str],
                 pool: Pool | None, running: AsyncResult | None) -> None:
        self._task, self._labels = task, labels
        self._pool, self._running = pool, running
        self._results: dict[str, T] | None = None

    @classmethod
    def finished(cls, results: dict[str, T]) -> Pending[T]:
        """Jobs with nothing left to run."""
        done: Pending[T] = cls(lambda label: results[label], list(results), None, None)
        done._results = dict(results)
        return done

    def result(self) -> dict[str, T]:
        """Every job's result, by label, in the order the labels were given."""
        if self._results is None:
            if self._running is None:
                self._results = {label: self._task(label) for label in self._labels}
            else:
                try:
                    self._results = dict(zip(self._labels, self._running.get(), strict=True))
                finally:
                    self.close()
        return self._results

    def close(self) -> None:
        """Stop the workers (finished or not) and release the task."""
        global _TASK
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
            _TASK = None

    def __enter__(self) -> Pending[T]:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


def start(task: Callable[[str], T], labels: list[str], behind: bool = False) -> Pending[T]:
    """Begin `task(label)` for every label on the machine's cores and return at once.

    `behind`: this process goes on working meanwhile and its work comes first (it
    is on the critical path), so the workers run at a lower priority and take the
    cores it leaves free. Otherwise (it only waits) they run at its priority.

    One job is handed out at a time: jobs differ in cost by orders of magnitude (the
    proof of a first-layer weight of a deep network against a last-layer bias), and
    handing them out as workers come free keeps every core busy.
    """
    global _TASK
    workers = min(os.cpu_count() or 1, len(labels) // JOBS_PER_WORKER)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return Pending(task, labels, None, None)
    if _TASK is not None:
        raise RuntimeError("background.start: one set of jobs at a time")
    _TASK = task  # set before the fork, so the workers inherit it
    try:
        fork = multiprocessing.get_context("fork")
        pool = fork.Pool(workers, initializer=_lower_priority if behind else None)
    except OSError:  # no process to spare (a limit on processes or memory): run them here
        _TASK = None
        return Pending(task, labels, None, None)
    except BaseException:
        _TASK = None
        raise
    return Pending(task, labels, pool, pool.map_async(_run_task, labels, chunksize=1))
