"""The two [training] options of issue 17, in both engines.

`batch_gradient = "sum"`: a batch step applies η · Σₛ ∂Cₛ/∂p instead of η · the mean. The
numbers are pinned against a plain re-implementation written here (each sample's gradient
from the numeric core's one-sample backward pass, added up in a loop) and against the mean
mode: the sum is B times the mean, and a summed run with η is a mean run with B·η.

No `learning_rate`: the step stops at the gradients, which are the same as with one.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings

from explainer.engines import numeric, numeric_run, symbolic, training
from explainer.engines.quantities import quantities
from explainer.output.json_report import to_json
from explainer.pipeline import explain
from explainer.spec import Sample, load_spec
from tests.conftest import SPECS
from tests.strategies import trainings


def _plain_sum(spec) -> dict[str, float]:
    """Σₛ ∂Cₛ/∂p at the spec's parameters: one backward pass per sample, added up here."""
    net = spec.network
    params = numeric.arrays(net, numeric.initial(net))
    total = dict.fromkeys((p.label for p in net.parameters), 0.0)
    for sample in spec.samples:
        gradient = numeric.backward(net, params, numeric.forward(net, params, sample), sample).gradient
        for label in total:
            total[label] += gradient[label]
    return total


def test_a_summed_batch_step_applies_the_sum_of_the_samples_gradients():
    spec = load_spec(SPECS / "batch-sum.toml")
    mean = dataclasses.replace(spec, batch_gradient="mean")
    eta, count = float(spec.learning_rate), len(spec.samples)
    total = _plain_sum(spec)
    sym, num = symbolic.step(spec), numeric.step(spec)
    sym_mean = symbolic.step(mean)
    for p in spec.network.parameters:
        label, start = p.label, float(p.value)
        assert float(sym.gradient[label]) == pytest.approx(total[label], rel=1e-13, abs=1e-16)
        assert sym.gradient[label] == pytest.approx(count * sym_mean.gradient[label], rel=1e-30)
        assert float(sym.updated[label]) == pytest.approx(start - eta * total[label], rel=1e-13)
        assert num.updated[label] == pytest.approx(start - eta * total[label], rel=1e-13)
    assert explain(spec).agrees


def test_a_summed_run_is_a_mean_run_with_the_learning_rate_times_the_batch():
    """Both engines, a compiled batch and one of more than COMPILED_BATCH samples."""
    small = load_spec(SPECS / "batch-sum.toml")
    extra = tuple(Sample((Fraction(k, 10), Fraction(-k, 7)), (Fraction(k % 2), Fraction(1, 2)))
                  for k in range(1, training.COMPILED_BATCH + 1))
    large = dataclasses.replace(small, samples=small.samples + extra, steps=2)
    for spec in (small, large):
        count = len(spec.samples)
        mean = dataclasses.replace(spec, batch_gradient="mean", learning_rate=spec.learning_rate * count)
        d = symbolic.derive(spec.network)
        ours, theirs = training.symbolic_trace(spec, d), numeric_run.train(spec)
        assert training.compare(ours, theirs).agrees
        for run in (training.symbolic_trace(mean, d).parameters, numeric_run.train(mean).parameters):
            np.testing.assert_allclose(ours.parameters, run, rtol=1e-12, atol=1e-15)
        # and not the mean run with the same η: the option changes the run
        assert not np.allclose(theirs.parameters[-1], numeric_run.train(
            dataclasses.replace(spec, batch_gradient="mean")).parameters[-1], rtol=1e-6)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trainings())
def test_random_trainings_agree_and_a_sum_is_the_mean_times_the_batch(spec):
    assume(all(a not in ("relu", "leaky_relu") for a in spec.network.activations))  # no kinks
    e = explain(spec)
    assert e.agrees
    if spec.batched and spec.batch_gradient == "sum":
        mean = symbolic.step(dataclasses.replace(spec, batch_gradient="mean"))
        for label, g in e.symbolic.gradient.items():
            assert g == pytest.approx(len(spec.samples) * mean.gradient[label], rel=1e-30, abs=1e-40)
    if not spec.steps_taken:
        assert e.symbolic.updated is e.symbolic.after is e.numeric.updated is e.numeric.after is None


def test_without_a_learning_rate_the_step_stops_at_the_gradients():
    spec = load_spec(SPECS / "no-learning-rate.toml")
    seed = dataclasses.replace(spec, learning_rate=Fraction(1, 10))
    e, full = explain(spec), explain(seed)
    assert spec.learning_rate is None and not spec.steps_taken and not spec.is_run
    assert e.agrees and e.history is None and e.agreement.after_cost_discrepancy is None
    assert e.symbolic.gradient == full.symbolic.gradient and e.symbolic.values.cost == full.symbolic.values.cost
    values = quantities(spec, e.symbolic)
    assert not [k for k in values if k.split(".")[0] in ("step", "change", "updated", "after")]
    data = to_json(e)
    assert data["learning_rate"] is None and "updated" not in data and "after" not in data
    assert "after_cost_relative_difference" not in data["checks"]
    assert data["gradient"] == to_json(full)["gradient"]
    assert (data["mode"], data["batch_gradient"]) == ("sgd", "mean")
