"""Independent jobs, one per parameter label, on the machine's cores.

    results = run(task, ["w1", "w2", …])   # {"w1": task("w1"), …}

The proofs are such jobs: each differentiates the whole cost once and shares
nothing with the others. Forked workers inherit the derivation as it is in
memory, so nothing is pickled but a label going out and a result coming back.
Without fork (or with one core, or too few jobs to be worth a worker, or when
no process can be started) the jobs run in this process: the same results.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

JOBS_PER_WORKER = 2  # below this many jobs per core, a worker costs more than it saves

_TASK: Callable[[str], object] | None = None  # what a forked worker runs (see run)


def _run_task(label: str) -> object:
    assert _TASK is not None, "a worker runs only inside run()"
    return _TASK(label)


def run(task: Callable[[str], T], labels: list[str]) -> dict[str, T]:
    """`task(label)` for every label, by label in the order given, on the machine's cores.

    One job is handed out at a time: jobs differ in cost by orders of magnitude (the
    proof of a first-layer weight of a deep network against a last-layer bias), and
    handing them out as workers come free keeps every core busy.
    """
    global _TASK
    workers = min(os.cpu_count() or 1, len(labels) // JOBS_PER_WORKER)
    if workers < 2 or _TASK is not None or "fork" not in multiprocessing.get_all_start_methods():
        return {label: task(label) for label in labels}
    _TASK = task  # set before the fork, so the workers inherit it
    try:
        try:
            pool = multiprocessing.get_context("fork").Pool(workers)
        except OSError:  # no process to spare (a limit on processes or memory): run them here
            return {label: task(label) for label in labels}
        with pool:
            return dict(zip(labels, pool.map(_run_task, labels, chunksize=1), strict=True))
    finally:
        _TASK = None
