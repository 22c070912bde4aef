"""Independent jobs, one per parameter label, on the machine's cores.

    results = run(task, ["w1", "w2", …])     # {"w1": task("w1"), …}

    with start(task, labels) as running:     # or: begin now, do other work, collect later
        …
        results = running.results()

The proofs are such jobs: each differentiates the whole cost once and shares
nothing with the others. Forked workers inherit the derivation as it is in
memory (the task reaches them through the fork, never pickled), so nothing
crosses between processes but a label going out and a result coming back.
Without fork (or with one core, or too few jobs to be worth a worker, or when no
process can be started) the jobs run in this process when their results are
asked for: the same results, only later.
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
NICENESS = 10  # of workers started `behind` the caller (see start)

_TASK: Callable[[str], object] | None = None  # in a worker process: its task (see _install)


def _install(task: Callable[[str], object], behind: bool) -> None:
    """Runs first in each worker process: the task it will run, and its priority."""
    global _TASK
    _TASK = task
    if behind:
        os.nice(NICENESS)


def _run_task(label: str) -> object:
    assert _TASK is not None, "a worker runs its task only after _install"
    return _TASK(label)


class Running(Generic[T]):
    """Jobs under way (or, without workers, waiting to run here). `results()` waits for them;
    leaving a `with` block stops any worker still running."""

    def __init__(self, task: Callable[[str], T], labels: list[str], pool: Pool | None = None,
                 pending: AsyncResult | None = None) -> None:
        self._task, self._labels, self._pool, self._pending = task, labels, pool, pending
        self._results: dict[str, T] | None = None

    def wait(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds; whether every job is done (jobs that run here
        when their results are asked for count as done)."""
        if self._pending is None or self._results is not None:
            return True
        self._pending.wait(timeout)
        return self._pending.ready()

    def results(self) -> dict[str, T]:
        """Every job's result, by label, in the order the labels were given."""
        if self._results is None:
            if self._pending is None:
                self._results = {label: self._task(label) for label in self._labels}
            else:
                try:
                    self._results = dict(zip(self._labels, self._pending.get(), strict=True))
                finally:
                    self.close()
        return self._results

    def close(self) -> None:
        """Stop the workers, finished or not."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def __enter__(self) -> Running[T]:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


def start(task: Callable[[str], T], labels: list[str], behind: bool = False, alone: bool = False) -> Running[T]:
    """Begin `task(label)` for every label on the machine's cores, and return at once.

    `behind`: the caller goes on working meanwhile and its work comes first (it is
    on the critical path), so the workers run at a lower priority and take the
    cores it leaves free. One job is handed out at a time: jobs differ in cost by
    orders of magnitude (the proof of a first-layer weight of a deep network against
    a last-layer bias), and handing them out as workers come free keeps every core busy.

    `alone`: one long job, worth a worker of its own while the caller does other work
    (a training run's symbolic engine beside its numeric core); it gets one on a machine
    of two cores or more.
    """
    cores = os.cpu_count() or 1
    # Behind a caller that keeps a core busy, one worker fewer: more would only take turns.
    workers = min(cores - 1 if behind else cores, len(labels) // JOBS_PER_WORKER)
    if alone and cores > 1:
        workers = len(labels)
    least = 1 if behind or alone else 2
    if workers < least or "fork" not in multiprocessing.get_all_start_methods():
        return Running(task, labels)
    try:
        pool = multiprocessing.get_context("fork").Pool(workers, initializer=_install, initargs=(task, behind))
    except OSError:  # no process to spare (a limit on processes or memory): run them here
        return Running(task, labels)
    return Running(task, labels, pool, pool.map_async(_run_task, labels, chunksize=1))


def run(task: Callable[[str], T], labels: list[str]) -> dict[str, T]:
    """`task(label)` for every label, by label in the order given, on the machine's cores."""
    with start(task, labels) as running:
        return running.results()
