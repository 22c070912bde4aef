"""Evaluating SymPy expressions with mpmath, fast: each shared subexpression once.

The symbolic engine's expressions are evaluated at PRECISION digits (or more, see
`explainer.engines.precision`) many times
(every neuron, every parameter, the proof points). SymPy's own `evalf` with
substitution walks every repetition of a subtree and builds SymPy numbers on the
way; this walker keeps mpmath numbers and a memo keyed by subexpression.
"""

from __future__ import annotations

import mpmath
import sympy

from explainer.engines.precision import PRECISION


def to_mp(value: sympy.Expr, digits: int = PRECISION) -> mpmath.mpf:
    """A SymPy number as an mpmath one with `digits` digits (a Rational rounded once)."""
    with mpmath.workdps(digits):
        if isinstance(value, sympy.Rational):
            return mpmath.mpf(int(value.p)) / int(value.q)
        return mpmath.mpf(sympy.Float(value, digits)._mpf_)


def mp_evaluate(expr: sympy.Expr, values: dict, memo: dict) -> mpmath.mpf:
    """Evaluate an expression tree with mpmath, each shared subexpression once.

    SymPy's expressions share subtrees, and `diff` of a deep cost repeats them many
    times over; a memo keyed by subexpression makes this linear in the distinct
    nodes, where evalf would walk every repetition. The caller sets the precision
    (mpmath.workdps): the arithmetic here uses whatever is in force.
    """
    found = memo.get(expr)
    if found is not None:
        return found
    if expr.is_Symbol:
        result = values[expr]
    elif expr.is_Number:
        result = to_mp(expr, mpmath.mp.dps)
    elif expr.is_Add:
        result = mpmath.fsum(mp_evaluate(a, values, memo) for a in expr.args)
    elif expr.is_Mul:
        result = mpmath.fprod(mp_evaluate(a, values, memo) for a in expr.args)
    elif expr.is_Pow:
        base, exponent = expr.args
        result = mp_evaluate(base, values, memo) ** mp_evaluate(exponent, values, memo)
    elif isinstance(expr, sympy.exp):
        result = mpmath.exp(mp_evaluate(expr.args[0], values, memo))
    elif isinstance(expr, sympy.log):
        result = mpmath.log(mp_evaluate(expr.args[0], values, memo))
    elif isinstance(expr, sympy.tanh):
        result = mpmath.tanh(mp_evaluate(expr.args[0], values, memo))
    elif isinstance(expr, sympy.Max | sympy.Min):
        pick = max if isinstance(expr, sympy.Max) else min
        result = pick(mp_evaluate(a, values, memo) for a in expr.args)
    elif isinstance(expr, sympy.Heaviside):  # the step ReLU's derivative is made of
        u = mp_evaluate(expr.args[0], values, memo)
        result = mpmath.mpf(1) if u > 0 else mpmath.mpf(0) if u < 0 else mpmath.mpf(1) / 2
    else:  # Piecewise and anything rarer: SymPy evaluates it after substitution
        digits = mpmath.mp.dps
        subs = {s: sympy.Float(v, digits) for s, v in values.items() if s in expr.free_symbols}
        result = to_mp(expr.xreplace(subs).evalf(digits), digits)
    memo[expr] = result
    return result
