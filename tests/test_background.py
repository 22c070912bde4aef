"""Proofs on the other cores while the walkthrough is built: same results, whatever the timing."""

from __future__ import annotations

import dataclasses
import os

import pytest

from explainer import background, pipeline, proof
from explainer.background import Pending
from explainer.proof import EVALUATED, EXACT, Proof
from explainer.render import render
from explainer.walkthrough import build

needs_fork = pytest.mark.skipif((os.cpu_count() or 1) < 2 or not hasattr(os, "fork"),
                                reason="forked workers need fork and two cores")


def _square(label: str) -> tuple[str, int, int]:
    return label, int(label[1:]) ** 2, os.getpid()


@needs_fork
def test_jobs_run_in_other_processes_and_come_back_in_order():
    labels = [f"w{k}" for k in range(12, 0, -1)]
    with background.start(_square, labels) as pending:
        results = pending.result()
    assert list(results) == labels
    assert all(results[label][:2] == (label, int(label[1:]) ** 2) for label in labels)
    assert {pid for _, _, pid in results.values()} != {os.getpid()}  # really elsewhere
    assert background._TASK is None  # released for the next run


def test_few_jobs_run_here_when_asked_for_their_results():
    calls: list[str] = []

    def task(label: str) -> str:
        calls.append(label)
        return label.upper()

    pending = background.start(task, ["w1"])  # one job: a worker would cost more than it saves
    assert calls == []
    assert pending.result() == {"w1": "W1"} and calls == ["w1"]
    assert pending.result() == {"w1": "W1"} and calls == ["w1"]  # computed once


@needs_fork
def test_leaving_early_stops_the_workers():
    with background.start(_square, ["w1", "w2", "w3", "w4"]) as pending:
        pool = pending._pool
        assert pool is not None
    assert pending._pool is None and background._TASK is None
    with background.start(_square, ["w1", "w2", "w3", "w4"]) as again:  # a new run can start
        assert again.result()["w4"][1] == 16


def test_a_walkthrough_shows_only_the_outcome_of_each_proof(seed):
    """What makes building the walkthrough before the proofs end safe: two sets of
    proofs with the same outcomes give the same document."""
    d = seed.symbolic.derivation
    real = d.proofs
    assert all(p.outcome == (EXACT, True) for p in real.values())
    other = {label: dataclasses.replace(p, detail="another wording of the same result")
             for label, p in real.items()}
    try:
        before = build(seed, 4)
        d.proofs = other
        assert build(seed, 4) == before
        d.proofs = {**real, "w5": Proof(EVALUATED, True, "")}
        assert build(seed, 4) != before  # and the outcome does show
    finally:
        d.proofs = real


def _present(explanation):
    return render(build(explanation, 4), "md")


def test_presenting_while_proving_gives_what_proving_first_gives(seed_spec, seed):
    explanation, shown = pipeline.explain_and_present(seed_spec, None, _present)
    assert shown == _present(seed)
    assert explanation.symbolic.derivation.proofs == seed.symbolic.derivation.proofs


def test_a_proof_that_does_not_hold_is_shown(seed_spec, seed, monkeypatch):
    """Proofs that come out otherwise than expected make the walkthrough be built again."""
    honest = proof.start

    def failing(d, labels, behind=False):
        results = honest(d, labels, behind).result()
        results["w5"] = Proof(EXACT, False, "planted: the difference did not reduce to 0")
        return Pending.finished(results)

    monkeypatch.setattr(proof, "start", failing)
    seen: list[dict[str, Proof]] = []

    def present(explanation):
        seen.append(dict(explanation.symbolic.derivation.proofs))
        return _present(explanation)

    explanation, shown = pipeline.explain_and_present(seed_spec, None, present)
    assert len(seen) == 2  # once expecting every proof to hold, once with the real results
    assert seen[0]["w5"].holds and not seen[1]["w5"].holds
    assert "FAILED" in shown and "FAILED" not in _present(seed)
    assert explanation.symbolic.derivation.proofs["w5"].holds is False


def test_expected_proofs_follow_the_route(seed):
    d = seed.symbolic.derivation
    assert {p.outcome for p in proof.expected(d, ["w1", "b4"]).values()} == {(EXACT, True)}
    assert proof.expected(d, []) == {}


def _niceness(label: str) -> int:
    return os.nice(0)


@needs_fork
def test_workers_yield_only_to_a_caller_that_goes_on_working():
    mine = os.nice(0)
    with background.start(_niceness, ["a", "b", "c", "d"]) as waiting:
        assert set(waiting.result().values()) == {mine}
    with background.start(_niceness, ["a", "b", "c", "d"], behind=True) as working:
        assert set(working.result().values()) == {min(mine + background.NICENESS, 19)}


def test_without_a_process_to_spare_the_jobs_run_here(monkeypatch):
    import multiprocessing

    class NoFork:
        def Pool(self, *args, **kwargs):  # multiprocessing's name
            raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(multiprocessing, "get_context", lambda method: NoFork())
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    pending = background.start(_square, ["w1", "w2", "w3", "w4"])
    assert pending._pool is None and background._TASK is None
    assert {label: r[1] for label, r in pending.result().items()} == {"w1": 1, "w2": 4, "w3": 9, "w4": 16}
