"""Property tests: for random networks, symbolic engine = numeric core = finite differences."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from explainer.engines import numeric
from explainer.pipeline import explain
from explainer.spec import Network, Sample, Spec
from explainer.walkthrough.formatting import show, to_decimal

small = st.integers(-150, 150).map(lambda n: Fraction(n, 100))


HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]
COSTS_FOR = {  # the last layer's activation, and the costs that accept its outputs
    "sigmoid": ["sum_squared", "half_sum_squared", "mean_squared", "binary_cross_entropy"],
    "softmax": ["sum_squared", "cross_entropy"],
    "tanh": ["sum_squared", "mean_squared"],
    "linear": ["half_sum_squared", "mean_squared"],
}


@st.composite
def specs(draw) -> Spec:
    layers = tuple(draw(st.lists(st.integers(1, 3), min_size=2, max_size=4)))
    depth = len(layers) - 1
    last = draw(st.sampled_from(list(COSTS_FOR)))
    if last == "softmax" and layers[-1] == 1:
        last = "sigmoid"
    activations = (*[draw(st.sampled_from(HIDDEN)) for _ in range(depth - 1)], last)
    cost = draw(st.sampled_from(COSTS_FOR[last]))
    weights = tuple(
        tuple(tuple(draw(small) for _ in range(layers[n - 1])) for _ in range(layers[n]))
        for n in range(1, len(layers))
    )
    modes = tuple(draw(st.sampled_from(["neuron", "shared", "none"])) for _ in range(depth))
    biases = tuple(
        tuple(draw(small) for _ in range(n)) if mode == "neuron" else
        (draw(small),) if mode == "shared" else ()
        for n, mode in zip(layers[1:], modes, strict=True))
    net = Network(layers, activations, cost, draw(st.sampled_from(["source-major", "target-major"])),
                  weights, biases, modes, Fraction(draw(st.integers(1, 30)), 100))
    if cost in ("cross_entropy", "binary_cross_entropy"):
        expected = tuple(Fraction(draw(st.integers(0, 100)), 100) for _ in range(layers[-1]))
    else:
        expected = tuple(draw(small) for _ in range(layers[-1]))
    sample = Sample(tuple(draw(small) * 2 for _ in range(layers[0])), expected)
    labels = [p.label for p in net.parameters]
    frozen = frozenset(draw(st.lists(st.sampled_from(labels), max_size=2))) if labels else frozenset()
    rate = Fraction(draw(st.integers(1, 100)), 100)
    return Spec("random", net, rate, 1, (sample,), "<random>", "sgd", frozen)


def _near_a_kink(spec: Spec) -> bool:
    """Finite differences straddle ReLU's kink when a neuron's input is within reach of 0."""
    step = numeric.step(spec)
    return any(name in ("relu", "leaky_relu") and bool(np.any(np.abs(step.before.i[n + 1]) < 0.01))
               for n, name in enumerate(spec.network.activations))


# Found by this test: a linear layer rounded finite differences' long double to float64.
LINEAR_AFTER_LEAKY = Spec(
    "random", Network(
        (1, 3, 1, 1), ("leaky_relu", "sigmoid", "linear"), "half_sum_squared", "source-major",
        (((Fraction(1, 100),), (Fraction(-12, 25),), (Fraction(1, 100),)),
         ((Fraction(0), Fraction(53, 50), Fraction(0)),), ((Fraction(31, 50),),)),
        ((Fraction(0),) * 3, (Fraction(0),), (Fraction(0),)), ("neuron",) * 3, Fraction(1, 100)),
    Fraction(1, 100), 1, (Sample((Fraction(-89, 50),), (Fraction(0),)),), "<random>")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(LINEAR_AFTER_LEAKY)
@given(specs())
def test_engines_and_finite_differences_agree_on_random_networks(spec):
    assume(not _near_a_kink(spec))
    e = explain(spec)
    assert e.agreement.agrees, [c for c in e.agreement.comparisons if not c.agrees]
    assert all(p.holds for p in e.proofs.values())
    for label in spec.frozen:
        assert e.symbolic.updated[label] == e.symbolic.parameters[label]


@given(st.decimals(min_value=-1e6, max_value=1e6, allow_nan=False, places=12),
       st.integers(1, 20))
def test_shown_numbers_are_within_half_a_unit_of_the_last_digit(value, digits):
    import sympy

    exact = sympy.Rational(str(value))
    shown = show(exact, digits)
    if shown.exact:
        assert to_decimal(exact)[0] == to_decimal(sympy.Rational(shown.text.replace("−", "-")))[0]
        return
    text = shown.text.replace("−", "-")
    if "e" in text:
        mantissa, exponent = text.split("e")
        written = sympy.Rational(mantissa) * sympy.Rational(10) ** int(exponent)
        last = len(mantissa.split(".")[1]) if "." in mantissa else 0
        unit = sympy.Rational(10) ** (int(exponent) - last)
    else:
        written = sympy.Rational(text)
        # The last significant digit: the value's leading digit, `digits` places on.
        magnitude = to_decimal(exact)[0].adjusted()
        unit = sympy.Rational(10) ** (magnitude - digits + 1)
    assert abs(written - exact) <= unit / 2
    significant = text.split("e")[0].replace("-", "")
    significant = significant.replace(".", "") if "." in significant else significant.rstrip("0")
    assert len(significant.lstrip("0")) <= digits
