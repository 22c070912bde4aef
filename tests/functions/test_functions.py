"""Every form of every activation and cost agrees with the others.

Each function is written once per engine (SymPy, NumPy, mpmath) in
`explainer.functions`, by hand, so nothing guarantees they are the same function
but these tests: the SymPy form's own derivative is the reference, and the
NumPy and mpmath derivatives (σ′ as people compute it, from the output) must
equal it. The by-hand identities σ′(i) = o(1 − o) for the sigmoid and 1 − o² for
tanh are proven exactly, here rather than on every run.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy

from explainer.functions import ACTIVATIONS, COSTS

POINTS = (-2.5, -0.7, -0.01, 0.3, 1.9)  # away from ReLU's kink at 0
SLOPE = 0.01
i = sympy.Symbol("i", real=True)

# σ′ written with the output o, as a person computes it by hand: written here, in the
# test, independently of explainer.functions.
BY_HAND = {"sigmoid": lambda o: o * (1 - o), "tanh": lambda o: 1 - o**2, "linear": lambda o: sympy.Integer(1)}


@pytest.mark.parametrize("name", sorted(BY_HAND))
def test_the_by_hand_derivative_is_the_derivative(name):
    o = ACTIVATIONS[name].sympy_form(i, sympy.Rational(1, 100))
    assert sympy.simplify(sympy.diff(o, i) - BY_HAND[name](o)) == 0


@pytest.mark.parametrize("name", [n for n, a in ACTIVATIONS.items() if not a.vector])
def test_every_form_of_an_activation_is_the_same_function(name):
    act = ACTIVATIONS[name]
    slope = sympy.Rational(1, 100)
    derivative = sympy.diff(act.sympy_form(i, slope), i)
    for x in POINTS:
        expected_o = float(act.sympy_form(sympy.Float(x, 30), slope))
        expected_d = float(derivative.subs(i, sympy.Float(x, 30)))
        o_np = float(act.numpy_form(np.array([x]), SLOPE)[0])
        d_np = float(act.numpy_derivative(np.array([x]), np.array([o_np]), SLOPE)[0])
        with mpmath.workdps(30):
            o_mp = act.mpmath_form(mpmath.mpf(x), mpmath.mpf(SLOPE))
            d_mp = act.mpmath_derivative(mpmath.mpf(x), o_mp, mpmath.mpf(SLOPE))
        assert o_np == pytest.approx(expected_o, rel=1e-14, abs=1e-300), x
        assert float(o_mp) == pytest.approx(expected_o, rel=1e-14, abs=1e-300), x
        assert d_np == pytest.approx(expected_d, rel=1e-12, abs=1e-300), x
        assert float(d_mp) == pytest.approx(expected_d, rel=1e-12, abs=1e-300), x


@pytest.mark.parametrize("name, at_zero", [("relu", 0.0), ("leaky_relu", SLOPE)])
def test_the_kink_takes_the_left_derivative_in_every_engine(name, at_zero):
    act = ACTIVATIONS[name]
    assert float(act.numpy_derivative(np.array([0.0]), np.array([0.0]), SLOPE)[0]) == at_zero
    assert float(act.mpmath_derivative(mpmath.mpf(0), mpmath.mpf(0), mpmath.mpf(SLOPE))) == at_zero


def test_softmax_in_every_engine():
    act = ACTIVATIONS["softmax"]
    xs = [0.4, -1.2, 2.0]
    symbols = sympy.symbols("a b c", real=True)
    exprs = act.sympy_vector_form(list(symbols))
    at = dict(zip(symbols, xs, strict=True))
    expected = [float(e.subs(at)) for e in exprs]
    o_np = act.numpy_form(np.array(xs), 0.0)
    with mpmath.workdps(30):
        o_mp = act.mpmath_vector_form([mpmath.mpf(x) for x in xs])
    assert np.allclose(o_np, expected, rtol=1e-14)
    assert np.allclose([float(v) for v in o_mp], expected, rtol=1e-14)
    jacobian = act.numpy_jacobian(np.array(xs), o_np)
    for k, e in enumerate(exprs):
        for j, s in enumerate(symbols):
            assert jacobian[k, j] == pytest.approx(float(sympy.diff(e, s).subs(at)), rel=1e-12, abs=1e-15)
    for j in range(3):  # the checker's σ′ of softmax is the Jacobian's diagonal
        diagonal = act.mpmath_derivative(mpmath.mpf(xs[j]), o_mp[j], mpmath.mpf(0))
        assert float(diagonal) == pytest.approx(jacobian[j, j], rel=1e-12)


@pytest.mark.parametrize("name", sorted(COSTS))
def test_every_form_of_a_cost_is_the_same_function(name):
    cost = COSTS[name]
    y_values, exp_values = [0.3, 0.85], [0.2, 1.0] if name != "cross_entropy" else [0.25, 0.75]
    ys = sympy.symbols("y1 y2", positive=True)
    exps = [sympy.Rational(str(e)) for e in exp_values]
    expr = cost.sympy_form(list(ys), exps)
    at = dict(zip(ys, y_values, strict=True))
    expected = float(expr.subs(at))
    y, exp = np.array(y_values), np.array(exp_values)
    assert float(cost.numpy_form(y, exp)) == pytest.approx(expected, rel=1e-14)
    with mpmath.workdps(30):
        mp_y, mp_exp = [mpmath.mpf(v) for v in y_values], [mpmath.mpf(str(v)) for v in exp_values]
        assert float(cost.mpmath_form(mp_y, mp_exp)) == pytest.approx(expected, rel=1e-14)
        for j, s in enumerate(ys):
            derivative = float(sympy.diff(expr, s).subs(at))
            assert float(cost.numpy_derivative(y, exp)[j]) == pytest.approx(derivative, rel=1e-13)
            assert float(cost.mpmath_derivative(mp_y[j], mp_exp[j], 2)) == pytest.approx(derivative, rel=1e-13)


def test_what_the_cost_flags_say_matches_the_formulas():
    for cost in COSTS.values():
        y, e = sympy.symbols("y e", real=True)
        term = cost.sympy_terms([y], [e])[0]
        assert cost.squared == (sympy.diff(term, y, 3) == 0 and sympy.diff(term, y, 2) != 0)
        assert cost.halved == (cost.squared and sympy.diff(term, y, 2) == 1)
        assert bool(cost.logarithm_of) == term.has(sympy.log)
