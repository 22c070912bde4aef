"""Training runs in both engines: the compiled derivation, the batched numeric core, and
how their histories are compared."""

from __future__ import annotations

import dataclasses
import os
from fractions import Fraction

import gmpy2
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from explainer import examples
from explainer.engines import compiled, numeric, numeric_run, symbolic, training
from explainer.spec import Sample, load_spec, parse_spec
from tests.conftest import SPECS
from tests.strategies import specs


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_the_compiled_derivation_computes_what_evaluate_computes(spec):
    """Every activation, cost and bias mode: the compiled function's cost, gradients and
    outputs are symbolic.evaluate's, to the working precision."""
    d = symbolic.derive(spec.network)
    program = compiled.compile_derivation(d)
    params = {p.label: symbolic.rational(p.value) for p in spec.network.parameters}
    values = symbolic.evaluate(d, params, spec.sample)
    with gmpy2.context(gmpy2.get_context(), precision=210):
        arguments = [compiled.number(p.value) for p in spec.network.parameters]
        arguments += [compiled.number(v) for v in (*spec.sample.input, *spec.sample.expected)]
        cost, gradient, _ = program.gradient(*arguments)
        outputs = program.outputs(*arguments)
        assert program.cost(*arguments) == cost

    def close(a, b) -> bool:
        return abs(float(a) - float(b)) <= 1e-40 * max(1.0, abs(float(b)))

    assert close(cost, values.cost)
    for p, g in zip(spec.network.parameters, gradient, strict=True):
        assert close(g, values.gradient[p.label]), p.label
    net = spec.network
    for n, o in zip(net.neurons(net.depth), outputs, strict=True):
        assert close(o, values.output[n]), n


def test_a_batch_is_the_mean_of_its_samples():
    """One matrix pass over the batch gives the mean of the per-sample gradients."""
    spec = load_spec(SPECS / "three-samples.toml")
    net = spec.network
    theta = numeric.vector(net, numeric.initial(net))
    cost, gradient = numeric.batch_gradient(net, theta, *numeric.columns(spec.samples))
    params = numeric.arrays(net, numeric.initial(net))
    one_by_one = [numeric.backward(net, params, numeric.forward(net, params, s), s) for s in spec.samples]
    for k, label in enumerate(numeric.layout(net).labels):
        mean = sum(b.gradient[label] for b in one_by_one) / len(one_by_one)
        assert gradient[k] == pytest.approx(mean, rel=1e-14, abs=1e-17)
    costs = [numeric.forward(net, params, s).cost for s in spec.samples]
    assert cost == pytest.approx(sum(costs) / len(costs), rel=1e-15)


def _long_seed(steps: int):
    return parse_spec(examples.seed_spec().read_text().replace("steps = 1", f"steps = {steps}").encode(), "run")


def test_runs_agree_within_an_allowance_that_grows_with_the_step():
    spec = _long_seed(200)
    d = symbolic.derive(spec.network)
    trace = training.symbolic_trace(spec, d)
    theirs = numeric_run.train(spec)
    history = training.compare(trace, theirs)
    assert history.agrees and history.parameter_discrepancy < 1e-13
    per_step = training.STEP_ROUNDING * len(spec.network.parameters)
    assert history.allowance == pytest.approx(1e-10 + 200 * per_step)
    # A difference the allowance of step 150 does not cover is a disagreement.
    planted = theirs.parameters.copy()
    planted[150, 3] += 2 * (1e-10 + 150 * per_step) * max(1.0, abs(planted[150, 3]))
    assert not training.compare(trace, dataclasses.replace(theirs, parameters=planted)).agrees


def test_the_trace_keeps_thirty_digits_in_two_floats():
    """hi · (1 + rel) is the MPFR value to about 2^-106, at any magnitude float64 holds."""
    recorder = training._Recorder(0, 3)
    with gmpy2.context(gmpy2.get_context(), precision=210):
        exact = [gmpy2.mpfr(2) / 3, gmpy2.mpfr("-1.0349641231552339875892167362e-302"), gmpy2.mpfr(0)]
        recorder.add(exact[0], exact[1:])
        recorder.flush()
        trace = training.Trace(("a", "b"), recorder.hi, recorder.rel, 60, ())
        point = trace.point(0)
        for value, joined in zip(exact, [point.cost, *point.parameters.values()], strict=True):
            assert abs(gmpy2.mpfr(str(joined)) - value) <= abs(value) * gmpy2.mpfr(2) ** -104


def test_a_run_that_saturates_works_with_more_digits():
    text = examples.seed_spec().read_text().replace("input = [2, 3]", "input = [400, -300]")
    spec = parse_spec(text.replace("steps = 1", "steps = 3").encode(), "run")
    trace = training.symbolic_trace(spec, symbolic.derive(spec.network))
    assert trace.digits > 40 + 100  # h1's input is 240.25: 1 − o ≈ e^-240 ≈ 10^-104
    assert training.compare(trace, numeric_run.train(spec)).agrees


@pytest.mark.skipif((os.cpu_count() or 1) < 2 or not hasattr(os, "fork"), reason="needs fork and two cores")
def test_a_long_run_goes_to_a_core_of_its_own(monkeypatch):
    monkeypatch.setattr(training, "BACKGROUND", 10)
    spec = _long_seed(20)
    d = symbolic.derive(spec.network)
    seen = []
    with training.start(spec, d, seen.append) as started:
        assert started._step is not None  # forked
        history = started.history(numeric_run.train(spec))
    here = training.symbolic_trace(spec, d)
    np.testing.assert_array_equal(history.trace.hi, here.hi)
    np.testing.assert_array_equal(history.trace.rel, here.rel)
    assert history.agrees


def test_sgd_over_several_samples_updates_once_per_sample():
    spec = dataclasses.replace(load_spec(SPECS / "three-samples.toml"), mode="sgd", steps=2)
    trace = training.symbolic_trace(spec, symbolic.derive(spec.network))
    values = numeric.initial(spec.network)
    for _ in range(2):
        for sample in spec.samples:
            values = numeric.step(spec, values, sample).updated
    np.testing.assert_allclose(trace.parameters[-1], numeric.vector(spec.network, values), rtol=1e-13)
    assert trace.costs[-1] == pytest.approx(numeric.dataset_cost(spec, values), rel=1e-13)


def test_samples_as_columns():
    x, expected = numeric.columns((Sample((Fraction(1), Fraction(2)), (Fraction(3),)),
                                   Sample((Fraction(4), Fraction(5)), (Fraction(6),))))
    np.testing.assert_array_equal(x, [[1, 4], [2, 5]])
    np.testing.assert_array_equal(expected, [[3, 6]])


def test_a_large_batch_is_added_up_sample_by_sample(monkeypatch):
    """Above COMPILED_BATCH samples a step is each sample's compiled gradient, added up: the
    same run as the numeric core's, and as a batch compiled whole would give."""
    rows = "".join(f"[[training.sample]]\ninput = [{k / 10}]\nexpected = [{k % 2}]\n" for k in range(20))
    text = ('[network]\nlayers = [1, 2, 1]\nactivation = "sigmoid"\ncost = "sum_squared"\n'
            "[[network.layer]]\nweights = [[0.5], [-0.3]]\nbiases = [0.1, 0.2]\n"
            "[[network.layer]]\nweights = [[0.7, -0.4]]\nbiases = [0.05]\n"
            f'[training]\nlearning_rate = 0.5\nsteps = 4\nmode = "batch"\n{rows}')
    spec = parse_spec(text.encode(), "large.toml")
    assert len(spec.samples) > training.COMPILED_BATCH
    d = symbolic.derive(spec.network)
    trace = training.symbolic_trace(spec, d)
    assert training.compare(trace, numeric_run.train(spec)).agrees
    monkeypatch.setattr(training, "COMPILED_BATCH", 100)
    np.testing.assert_allclose(trace.hi, training.symbolic_trace(spec, d).hi, rtol=1e-15)
