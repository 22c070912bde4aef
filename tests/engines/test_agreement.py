"""The three witnesses agree on the seed, and a planted bug is caught."""

from __future__ import annotations

import dataclasses

import numpy as np

from explainer import functions
from explainer.engines import agreement, differences, numeric, symbolic
from explainer.engines.agreement import RELATIVE_TOLERANCE, compare
from explainer.spec import load_spec
from tests.conftest import REPO, TESTS


def test_the_seed_agrees_everywhere(seed):
    a = seed.agreement
    assert a.agrees
    assert len(a.comparisons) == 12
    assert a.worst_numeric.numeric_discrepancy < 1e-14
    assert a.worst_fd.fd_discrepancy < RELATIVE_TOLERANCE
    assert a.cost_discrepancy < 1e-15


def test_a_wrong_activation_derivative_in_the_numeric_core_is_caught(seed_spec, monkeypatch):
    # Plant the seed article's own kind of slip: σ′ evaluated at the output, σ(o)(1 − σ(o)).
    sigmoid = functions.ACTIVATIONS["sigmoid"]

    def slipped(i, o, slope):
        s = sigmoid.numpy_form(o)
        return s * (1 - s)

    monkeypatch.setitem(functions.ACTIVATIONS, "sigmoid",
                        dataclasses.replace(sigmoid, numpy_derivative=slipped))
    num = numeric.step(seed_spec)
    sym = symbolic.step(seed_spec)
    agreement = compare(seed_spec, sym, num)
    assert not agreement.agrees
    assert agreement.worst_numeric.numeric_discrepancy > 1e-3
    # The symbolic engine and finite differences still agree with each other.
    assert all(c.fd_discrepancy < RELATIVE_TOLERANCE for c in agreement.comparisons)


def test_the_slip_reproduces_the_seeds_printed_w5(seed_spec, monkeypatch):
    """Why the seed's gradients are off: σ′(o) in place of σ′(i) gives its printed ∂C/∂w5."""
    sigmoid = functions.ACTIVATIONS["sigmoid"]
    slipped = dataclasses.replace(
        sigmoid, numpy_derivative=lambda i, o, slope: sigmoid.numpy_form(o) * (1 - sigmoid.numpy_form(o)))
    monkeypatch.setitem(functions.ACTIVATIONS, "sigmoid", slipped)
    num = numeric.step(seed_spec)
    w5 = next(p for p in seed_spec.network.parameters if p.label == "w5")
    assert np.isclose(num.backward.gradient[w5.label], -0.052525710835624, rtol=1e-12)


def test_a_step_landing_exactly_on_the_minimum_agrees():
    """y − exp shrinks by 1 − η(x² + 1) = 0 here: the exact cost after the step is 0 and
    float64 leaves a few 1e-33 — agreement, not a DISAGREEMENT (exit 1) as a plain
    relative difference of the costs would have it."""
    from explainer.pipeline import explain
    from explainer.spec import parse_spec

    spec = parse_spec(b'''title = "on the minimum"
[network]
layers = [1, 2]
activation = "linear"
cost = "half_sum_squared"
[[network.layer]]
weights = [[0.5], [-0.2]]
biases = [0.1, 0.3]
[training]
learning_rate = 0.1
[[training.sample]]
input = [3]
expected = [1, 2]
''', "minimum.toml")
    explanation = explain(spec)
    assert explanation.symbolic.after.cost == 0
    assert explanation.agrees


def test_the_readme_states_the_agreement_rule_the_code_applies():
    """The README's rule, constant by constant, and its example: a gradient behind a
    saturated sigmoid, off by more than 10⁻¹⁰ relative, agreeing by the allowance."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert (agreement.RELATIVE_TOLERANCE, agreement.FD_STEP) == (1e-10, 1e-3)
    for words in ("|a − b| ≤ 10⁻¹⁰ · max(|a|, |b|)", f"{agreement.NUMERIC_ULPS} ε · n · s",
                  f"{differences.FD_MARGIN} · {differences.FD_ROUNDING} ε′ · max(1, |C|) / h", "h = 10⁻³",
                  "|a − b| ≤ 10⁻¹⁰ · max(1, |a|, |b|)"):
        assert words in readme, words
    spec = load_spec(TESTS / "checker" / "public" / "schiendorfer.toml")
    result = compare(spec, symbolic.step(spec, symbolic.derive(spec.network)), numeric.step(spec))
    w1 = next(c for c in result.comparisons if c.label == "w1")
    assert f"{w1.symbolic:.2e}".replace("e-08", "") == "-5.34" and "−5.34·10⁻⁸" in readme
    assert f"{w1.fd_discrepancy:.1e}" == "4.1e-10" and "4.1·10⁻¹⁰" in readme
    assert w1.fd_discrepancy > RELATIVE_TOLERANCE and w1.agrees and result.agrees
