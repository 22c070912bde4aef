"""Property tests: for random networks, symbolic engine = numeric core = finite differences."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explainer.explain import explain
from explainer.formatting import show, to_decimal
from explainer.spec import Network, Sample, Spec

small = st.integers(-150, 150).map(lambda n: Fraction(n, 100))


@st.composite
def specs(draw) -> Spec:
    layers = tuple(draw(st.lists(st.integers(1, 3), min_size=2, max_size=4)))
    weights = tuple(
        tuple(tuple(draw(small) for _ in range(layers[n - 1])) for _ in range(layers[n]))
        for n in range(1, len(layers))
    )
    biases = tuple(tuple(draw(small) for _ in range(n)) for n in layers[1:])
    net = Network(layers, ("sigmoid",) * (len(layers) - 1), "sum_squared",
                  draw(st.sampled_from(["source-major", "target-major"])), weights, biases)
    sample = Sample(tuple(draw(small) * 2 for _ in range(layers[0])),
                    tuple(Fraction(draw(st.integers(0, 100)), 100) for _ in range(layers[-1])))
    rate = Fraction(draw(st.integers(1, 100)), 100)
    return Spec("random", net, rate, 1, (sample,), "<random>")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_engines_and_finite_differences_agree_on_random_networks(spec):
    e = explain(spec)
    assert e.agreement.agrees, [c for c in e.agreement.comparisons if not c.agrees]
    assert all(p.holds for p in e.symbolic.derivation.proofs.values())


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
