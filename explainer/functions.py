"""Activation and cost functions, each written twice on purpose.

Every function has a SymPy form, used by the symbolic engine, and a hand-written
NumPy form with its derivative, used by the numeric core. Nothing here turns one
into the other: the two engines agreeing is only evidence when neither was
generated from the other.

An activation maps a neuron's input i to its output o = σ(i). A cost maps the
last layer's outputs y = (o_L1, o_L2, …) and the expected values exp to one
number C.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import sympy


@dataclass(frozen=True)
class Activation:
    """o = σ(i) in both engines, and σ′ as the numeric core computes it.

    `derivative_from_output` is σ′ written with the neuron's output o, the way
    people compute it by hand (for the sigmoid, σ′(i) = o(1 − o)). The symbolic
    engine proves it equal to SymPy's derivative of `sympy_form` before using it.
    """

    name: str
    sympy_form: Callable[[sympy.Expr], sympy.Expr]
    derivative_from_output: Callable[[sympy.Expr], sympy.Expr]
    numpy_form: Callable[[np.ndarray], np.ndarray]
    numpy_derivative: Callable[[np.ndarray, np.ndarray], np.ndarray]  # (i, o) -> σ′(i)


def _sigmoid_numpy(i: np.ndarray) -> np.ndarray:
    # Two branches so that neither exp overflows: for i < 0 use e^i / (1 + e^i).
    e = np.exp(-np.abs(i))
    return np.where(i >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


SIGMOID = Activation(
    name="sigmoid",
    sympy_form=lambda i: 1 / (1 + sympy.exp(-i)),
    derivative_from_output=lambda o: o * (1 - o),
    numpy_form=_sigmoid_numpy,
    numpy_derivative=lambda i, o: o * (1.0 - o),
)

ACTIVATIONS: dict[str, Activation] = {a.name: a for a in (SIGMOID,)}


@dataclass(frozen=True)
class Cost:
    """C(y, exp) in both engines, and ∂C/∂y as the numeric core computes it.

    The SymPy form is given term by term, one term per output neuron, so a
    walkthrough can show the cost the way a person adds it up.
    """

    name: str
    sympy_terms: Callable[[Sequence[sympy.Expr], Sequence[sympy.Expr]], list[sympy.Expr]]
    numpy_form: Callable[[np.ndarray, np.ndarray], float]
    numpy_derivative: Callable[[np.ndarray, np.ndarray], np.ndarray]

    def sympy_form(self, y: Sequence[sympy.Expr], exp: Sequence[sympy.Expr]) -> sympy.Expr:
        return sympy.Add(*self.sympy_terms(y, exp))


SUM_SQUARED = Cost(
    name="sum_squared",
    sympy_terms=lambda y, exp: [(yj - ej) ** 2 for yj, ej in zip(y, exp, strict=True)],
    numpy_form=lambda y, exp: float(np.sum((y - exp) ** 2)),
    numpy_derivative=lambda y, exp: 2.0 * (y - exp),
)

COSTS: dict[str, Cost] = {c.name: c for c in (SUM_SQUARED,)}
