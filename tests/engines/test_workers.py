"""Jobs on the machine's cores (the proofs): the same results, in order, wherever they ran,
and the walkthrough built while they run is the one building it after them gives."""

from __future__ import annotations

import dataclasses
import os
from types import MappingProxyType

import pytest

from explainer import pipeline
from explainer.engines import proof, workers
from explainer.engines.proof import EVALUATED, EXACT, Proof
from explainer.output.json_report import to_json
from explainer.output.render import render
from explainer.walkthrough.build import build

needs_fork = pytest.mark.skipif((os.cpu_count() or 1) < 2 or not hasattr(os, "fork"),
                                reason="forked workers need fork and two cores")


def _square(label: str) -> tuple[str, int, int]:
    return label, int(label[1:]) ** 2, os.getpid()


@needs_fork
def test_jobs_run_in_other_processes_and_come_back_in_order():
    labels = [f"w{k}" for k in range(12, 0, -1)]
    results = workers.run(_square, labels)
    assert list(results) == labels
    assert all(results[label][:2] == (label, int(label[1:]) ** 2) for label in labels)
    assert {pid for _, _, pid in results.values()} != {os.getpid()}  # really elsewhere
    assert workers._TASK is None  # released for the next run
    assert workers.run(_square, ["w1", "w2", "w3", "w4"])["w4"][1] == 16  # and a new run works


def test_few_jobs_run_here():
    results = workers.run(_square, ["w1"])  # one job: a worker would cost more than it saves
    assert results == {"w1": ("w1", 1, os.getpid())}


def test_without_a_process_to_spare_the_jobs_run_here(monkeypatch):
    import multiprocessing

    class NoFork:
        def Pool(self, *args, **kwargs):  # multiprocessing's name
            raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(multiprocessing, "get_context", lambda method: NoFork())
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    results = workers.run(_square, ["w1", "w2", "w3", "w4"])
    assert {pid for _, _, pid in results.values()} == {os.getpid()}
    assert workers._TASK is None


def test_the_explanation_is_immutable(seed):
    with pytest.raises(dataclasses.FrozenInstanceError):
        seed.proofs = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        seed.proofs["w5"] = Proof(EXACT, False)  # type: ignore[index]


def test_a_walkthrough_shows_each_proof_s_outcome(seed):
    assert all(p.outcome == (EXACT, True) for p in seed.proofs.values())
    reworded = {label: dataclasses.replace(p, points=7) for label, p in seed.proofs.items()}
    before = render(build(seed, 4), "md")
    assert render(build(dataclasses.replace(seed, proofs=MappingProxyType(reworded)), 4), "md") == before
    evaluated = MappingProxyType({**seed.proofs, "w5": Proof(EVALUATED, True)})
    assert render(build(dataclasses.replace(seed, proofs=evaluated), 4), "md") != before
    failed = MappingProxyType({**seed.proofs, "w5": Proof(EXACT, False)})
    shown = render(build(dataclasses.replace(seed, proofs=failed), 4), "md")
    assert "FAILED" in shown and "FAILED" not in before


def _niceness(label: str) -> int:
    return os.nice(0)


@needs_fork
def test_workers_yield_only_to_a_caller_that_goes_on_working():
    mine = os.nice(0)
    assert set(workers.run(_niceness, ["a", "b", "c", "d"]).values()) == {mine}
    with workers.start(_niceness, ["a", "b", "c", "d"], behind=True) as running:
        assert set(running.results().values()) == {min(mine + workers.NICENESS, 19)}


def _present(explanation):
    return render(build(explanation, 4), "md")


def test_presenting_while_proving_gives_what_proving_first_gives(seed_spec, seed):
    explanation, shown = pipeline.explain_and_present(seed_spec, None, _present)
    assert shown == _present(seed)
    assert dict(explanation.proofs) == dict(seed.proofs)
    assert to_json(explanation) == to_json(seed)


def test_a_proof_that_does_not_hold_makes_the_walkthrough_be_built_again(seed_spec, seed, monkeypatch):
    honest = proof.start

    def failing(d, labels, behind=False):
        results = honest(d, labels, behind).results()
        results["w5"] = Proof(EXACT, False)  # planted: the difference did not reduce to 0
        return workers.Running(lambda label: results[label], labels)

    monkeypatch.setattr(proof, "start", failing)
    seen: list[dict[str, Proof]] = []

    def present(explanation):
        seen.append(dict(explanation.proofs))
        return _present(explanation)

    explanation, shown = pipeline.explain_and_present(seed_spec, None, present)
    assert len(seen) == 2  # once expecting every proof to hold, once with the real results
    assert seen[0]["w5"].holds and not seen[1]["w5"].holds
    assert "FAILED" in shown and "FAILED" not in _present(seed)
    assert explanation.proofs["w5"].holds is False


def test_expected_proofs_follow_the_route(seed):
    d = seed.symbolic.derivation
    assert {p.outcome for p in proof.expected(d, ["w1", "b4"]).values()} == {(EXACT, True)}
    assert proof.expected(d, []) == {}
