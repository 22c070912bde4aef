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
from tests.strategies import specs


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
