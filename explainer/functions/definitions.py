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
from dataclasses import dataclass, field

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
    # C from the last layer's inputs i rather than its outputs y, keyed by the last
    # layer's activation, where ln y can be written without rounding y first
    # (log-sigmoid, log-softmax). ln of a rounded y loses every digit once y is
    # within 1e-16 of 1: a confident right answer then costs "0" or a number with
    # three correct digits, and the engines would seem to disagree.
    numpy_from_inputs: dict[str, Callable[[np.ndarray, np.ndarray], np.floating]] = field(
        default_factory=dict)

    def sympy_form(self, y: Sequence[Expr], exp: Sequence[Expr]) -> Expr:
        return sympy.Add(*self.sympy_terms(y, exp))

    def numpy_value(self, activation: str, i: np.ndarray, y: np.ndarray, exp: np.ndarray) -> np.floating:
        """C in NumPy, from the inputs i of the last layer where that is more accurate."""
        stable = self.numpy_from_inputs.get(activation)
        return stable(i, exp) if stable else self.numpy_form(y, exp)


def _pairs(y: Sequence[Expr], exp: Sequence[Expr]):
    return zip(y, exp, strict=True)


def _ratio(a: np.ndarray, b: np.ndarray, where: np.ndarray) -> np.ndarray:
    """a / b where `where` holds and 0 elsewhere, without dividing there at all (np.where
    would divide everywhere first, and 0 / 0 warns and gives nan)."""
    return np.divide(a, b, out=np.zeros(np.broadcast(a, b).shape, np.result_type(a, b)), where=where)


def _log_sigmoid(i: np.ndarray) -> np.ndarray:
    # ln σ(i) = −ln(1 + e^(−i)); logaddexp never overflows and keeps ln σ(i) ≈ −i for i ≪ 0.
    return -np.logaddexp(0, -i)


def _log_softmax(i: np.ndarray) -> np.ndarray:
    # ln o_k = z_k − ln Σ e^z with z = i − max i (so every e^z ≤ 1 stays finite), and
    # Σ e^z = 1 + (the other terms): log1p keeps their digits when they are tiny.
    top = int(np.argmax(i))
    z = i - i[top]
    return z - np.log1p(np.sum(np.exp(np.delete(z, top))))


def _output_error(activation: str, i: np.ndarray, exp: np.ndarray) -> np.ndarray:
    """y − exp from the last layer's inputs, keeping its digits where y is close to ±1.

    There y − exp = (1 − exp) − (1 − y), or (−1 − exp) + (1 + y), with 1 ∓ y computed
    without rounding y first (σ(−i) for a sigmoid, 2σ(∓2i) for tanh, the other outputs'
    share for softmax): y itself, rounded, would leave 1 − y with few correct digits.
    """
    sigmoid = SIGMOID.numpy_form
    y = ACTIVATIONS[activation].numpy_form(i, 0.0)
    if activation == "sigmoid":
        below_one, above_minus_one = sigmoid(-i), 1 + y
    elif activation == "tanh":
        below_one, above_minus_one = 2 * sigmoid(-2 * i), 2 * sigmoid(2 * i)
    else:  # softmax: 1 − y_k is the share of the other outputs
        e = np.exp(i - np.max(i))
        others = np.array([np.sum(np.delete(e, k)) for k in range(len(e))], dtype=e.dtype)
        below_one, above_minus_one = others / np.sum(e), 1 + y
    return np.where(y > 0.5, (1 - exp) - below_one, np.where(y < -0.5, (-1 - exp) + above_minus_one, y - exp))


def _squared(total: Callable[[np.ndarray], np.floating]) -> dict[str, Callable]:
    """A squared-error cost from the last layer's inputs, for the activations `_output_error` knows."""
    return {a: (lambda i, exp, a=a: total(_output_error(a, i, exp) ** 2))
            for a in ("sigmoid", "tanh", "softmax")}


COSTS: dict[str, Cost] = {c.name: c for c in (
    Cost(
        name="sum_squared",  # Σ (y − exp)², the seed's cost
        sympy_terms=lambda y, exp: [(a - e) ** 2 for a, e in _pairs(y, exp)],
        numpy_form=lambda y, exp: np.sum((y - exp) ** 2),
        numpy_derivative=lambda y, exp: 2.0 * (y - exp),
        numpy_from_inputs=_squared(np.sum),
    ),
    Cost(
        name="half_sum_squared",  # ½ Σ (y − exp)²: the ½ cancels the 2 of the derivative
        sympy_terms=lambda y, exp: [sympy.Rational(1, 2) * (a - e) ** 2 for a, e in _pairs(y, exp)],
        numpy_form=lambda y, exp: 0.5 * np.sum((y - exp) ** 2),
        numpy_derivative=lambda y, exp: y - exp,
        numpy_from_inputs=_squared(lambda d: 0.5 * np.sum(d)),
    ),
    Cost(
        name="mean_squared",  # (1/n) Σ (y − exp)² over the n output neurons
        sympy_terms=lambda y, exp: [(a - e) ** 2 / len(y) for a, e in _pairs(y, exp)],
        numpy_form=lambda y, exp: np.mean((y - exp) ** 2),
        numpy_derivative=lambda y, exp: 2.0 * (y - exp) / len(y),
        numpy_from_inputs=_squared(np.mean),
    ),
    Cost(
        name="cross_entropy",  # −Σ exp · ln y, for outputs that are probabilities
        sympy_terms=lambda y, exp: [-e * sympy.log(a) for a, e in _pairs(y, exp)],
        numpy_form=lambda y, exp: -np.sum(np.where(exp != 0, exp * np.log(y), 0.0)),
        numpy_derivative=lambda y, exp: _ratio(-exp, y, exp != 0),
        numpy_from_inputs={
            "softmax": lambda i, exp: -np.sum(exp * _log_softmax(i)),
            "sigmoid": lambda i, exp: -np.sum(exp * _log_sigmoid(i)),
        },
    ),
    Cost(
        name="binary_cross_entropy",  # −Σ [exp ln y + (1 − exp) ln(1 − y)]
        sympy_terms=lambda y, exp: [-(e * sympy.log(a) + (1 - e) * sympy.log(1 - a))
                                    for a, e in _pairs(y, exp)],
        numpy_form=lambda y, exp: -np.sum(
            np.where(exp != 0, exp * np.log(y), 0.0)
            + np.where(exp != 1, (1 - exp) * np.log1p(-y), 0.0)),
        # (y − exp) / (y (1 − y)), written as its two terms so that a term whose
        # target share is 0 is 0 even where y rounds to 0 or 1
        numpy_derivative=lambda y, exp: _ratio(-exp, y, exp != 0) + _ratio(1 - exp, 1 - y, exp != 1),
        # 1 − σ(i) = σ(−i), so ln(1 − y) = ln σ(−i)
        numpy_from_inputs={
            "sigmoid": lambda i, exp: -np.sum(exp * _log_sigmoid(i) + (1 - exp) * _log_sigmoid(-i)),
        },
    ),
)}
