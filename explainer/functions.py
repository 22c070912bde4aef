"""Activation and cost functions, each written twice on purpose.

Every function has a SymPy form, used by the symbolic engine, and a hand-written
NumPy form with its derivative, used by the numeric core. Nothing here turns one
into the other: the two engines agreeing is only evidence when neither was
generated from the other.

An activation maps a layer's neuron inputs i to outputs o = σ(i). Most act on
each neuron alone; softmax mixes the whole layer, so its derivative is a Jacobian
matrix ∂o_k/∂i_j rather than one number per neuron. A cost maps the last layer's
outputs y = (o_L1, o_L2, …) and the expected values exp to one number C.

Conventions where the calculus leaves a choice: ReLU′(0) = 0 and leaky ReLU′(0)
= the leak slope (both engines use the left derivative at the kink).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import sympy

Expr = sympy.Expr


@dataclass(frozen=True)
class Activation:
    """o = σ(i) in both engines, and σ′ as the numeric core computes it.

    Element-wise activations give `sympy_form(i, slope)` for one neuron and
    `numpy_derivative(i, o, slope)`, the vector of σ′(i_j). `derivative_from_output`
    is σ′ written with the neuron's output o, the way people compute it by hand
    (sigmoid: o(1 − o)); the symbolic engine proves it equal to SymPy's derivative
    of `sympy_form` before using it, except where it is a piecewise choice.

    Softmax (`vector=True`) gives `sympy_vector_form(i's)` for the whole layer and
    `numpy_jacobian(i, o)`, the matrix J[k, j] = ∂o_k/∂i_j.
    """

    name: str
    sympy_form: Callable[[Expr, Expr], Expr] | None
    derivative_from_output: Callable[[Expr, Expr], Expr] | None
    numpy_form: Callable[[np.ndarray, float], np.ndarray]
    numpy_derivative: Callable[[np.ndarray, np.ndarray, float], np.ndarray] | None
    vector: bool = False
    sympy_vector_form: Callable[[Sequence[Expr]], list[Expr]] | None = None
    numpy_jacobian: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None


def _sigmoid_numpy(i: np.ndarray, slope: float = 0.0) -> np.ndarray:
    # Two branches so that exp never overflows: for i < 0 use e^i / (1 + e^i).
    e = np.exp(-np.abs(i))
    return np.where(i >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _softmax_numpy(i: np.ndarray, slope: float = 0.0) -> np.ndarray:
    # Subtracting the largest input changes nothing mathematically and keeps exp finite.
    e = np.exp(i - np.max(i))
    return e / np.sum(e)


def _softmax_sympy(inputs: Sequence[Expr]) -> list[Expr]:
    total = sympy.Add(*[sympy.exp(i) for i in inputs])
    return [sympy.exp(i) / total for i in inputs]


SIGMOID = Activation(
    name="sigmoid",
    sympy_form=lambda i, slope: 1 / (1 + sympy.exp(-i)),
    derivative_from_output=lambda o, slope: o * (1 - o),
    numpy_form=_sigmoid_numpy,
    numpy_derivative=lambda i, o, slope: o * (1.0 - o),
)
TANH = Activation(
    name="tanh",
    sympy_form=lambda i, slope: sympy.tanh(i),
    derivative_from_output=lambda o, slope: 1 - o**2,
    numpy_form=lambda i, slope: np.tanh(i),
    numpy_derivative=lambda i, o, slope: 1.0 - o * o,
)
RELU = Activation(
    name="relu",
    sympy_form=lambda i, slope: sympy.Piecewise((i, i > 0), (0, True)),
    derivative_from_output=None,  # a piecewise choice at 0: see the module docstring
    numpy_form=lambda i, slope: np.where(i > 0, i, 0.0),
    numpy_derivative=lambda i, o, slope: np.where(i > 0, 1.0, 0.0),
)
LEAKY_RELU = Activation(
    name="leaky_relu",
    sympy_form=lambda i, slope: sympy.Piecewise((i, i > 0), (slope * i, True)),
    derivative_from_output=None,
    numpy_form=lambda i, slope: np.where(i > 0, i, slope * i),
    numpy_derivative=lambda i, o, slope: np.where(i > 0, 1.0, slope),
)
LINEAR = Activation(
    name="linear",
    sympy_form=lambda i, slope: i,
    derivative_from_output=lambda o, slope: sympy.Integer(1),
    numpy_form=lambda i, slope: np.array(i, copy=True),  # keeps long double for finite differences
    numpy_derivative=lambda i, o, slope: np.ones_like(i),
)
SOFTMAX = Activation(
    name="softmax",
    sympy_form=None,
    derivative_from_output=None,
    numpy_form=_softmax_numpy,
    numpy_derivative=None,
    vector=True,
    sympy_vector_form=_softmax_sympy,
    # ∂o_k/∂i_j = o_k (δ_kj − o_j)
    numpy_jacobian=lambda i, o: np.diag(o) - np.outer(o, o),
)

ACTIVATIONS: dict[str, Activation] = {
    a.name: a for a in (SIGMOID, TANH, RELU, LEAKY_RELU, LINEAR, SOFTMAX)
}


@dataclass(frozen=True)
class Cost:
    """C(y, exp) in both engines, and ∂C/∂y as the numeric core computes it.

    The SymPy form is given term by term, one term per output neuron, so a
    walkthrough can show the cost the way a person adds it up.
    """

    name: str
    sympy_terms: Callable[[Sequence[Expr], Sequence[Expr]], list[Expr]]
    # Returns a NumPy scalar of the inputs' precision (finite differences run in long double).
    numpy_form: Callable[[np.ndarray, np.ndarray], np.floating]
    numpy_derivative: Callable[[np.ndarray, np.ndarray], np.ndarray]

    def sympy_form(self, y: Sequence[Expr], exp: Sequence[Expr]) -> Expr:
        return sympy.Add(*self.sympy_terms(y, exp))


def _pairs(y: Sequence[Expr], exp: Sequence[Expr]):
    return zip(y, exp, strict=True)


COSTS: dict[str, Cost] = {c.name: c for c in (
    Cost(
        name="sum_squared",  # Σ (y − exp)², the seed's cost
        sympy_terms=lambda y, exp: [(a - e) ** 2 for a, e in _pairs(y, exp)],
        numpy_form=lambda y, exp: np.sum((y - exp) ** 2),
        numpy_derivative=lambda y, exp: 2.0 * (y - exp),
    ),
    Cost(
        name="half_sum_squared",  # ½ Σ (y − exp)²: the ½ cancels the 2 of the derivative
        sympy_terms=lambda y, exp: [sympy.Rational(1, 2) * (a - e) ** 2 for a, e in _pairs(y, exp)],
        numpy_form=lambda y, exp: 0.5 * np.sum((y - exp) ** 2),
        numpy_derivative=lambda y, exp: y - exp,
    ),
    Cost(
        name="mean_squared",  # (1/n) Σ (y − exp)² over the n output neurons
        sympy_terms=lambda y, exp: [(a - e) ** 2 / len(y) for a, e in _pairs(y, exp)],
        numpy_form=lambda y, exp: np.mean((y - exp) ** 2),
        numpy_derivative=lambda y, exp: 2.0 * (y - exp) / len(y),
    ),
    Cost(
        name="cross_entropy",  # −Σ exp · ln y, for outputs that are probabilities
        sympy_terms=lambda y, exp: [-e * sympy.log(a) for a, e in _pairs(y, exp)],
        numpy_form=lambda y, exp: -np.sum(np.where(exp != 0, exp * np.log(y), 0.0)),
        numpy_derivative=lambda y, exp: np.where(exp != 0, -exp / y, 0.0),
    ),
    Cost(
        name="binary_cross_entropy",  # −Σ [exp ln y + (1 − exp) ln(1 − y)]
        sympy_terms=lambda y, exp: [-(e * sympy.log(a) + (1 - e) * sympy.log(1 - a))
                                    for a, e in _pairs(y, exp)],
        numpy_form=lambda y, exp: -np.sum(
            np.where(exp != 0, exp * np.log(y), 0.0)
            + np.where(exp != 1, (1 - exp) * np.log1p(-y), 0.0)),
        numpy_derivative=lambda y, exp: (y - exp) / (y * (1.0 - y)),
    ),
)}
