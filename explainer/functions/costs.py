"""The costs: C(y, exp), each written once in every form the project needs.

A cost maps the last layer's outputs y = (o_L1, o_L2, …) and the expected values
exp to one number C. As with the activations, every form sits side by side:

* `sympy_terms`: C term by term (one term per output neuron) for the symbolic
  engine, so a walkthrough can show the cost the way a person adds it up;
* `numpy_form`, `numpy_derivative` (∂C/∂y) and, from the last layer's inputs,
  `numpy_from_inputs` and `numpy_derivative_from_inputs` for the numeric core,
  written by hand; they take one sample's vectors, or matrices with one column per
  sample (a batch), and give one cost (or ∂C/∂y column) per sample;
* `mpmath_form` and `mpmath_derivative` as a person computes them on paper;
* `latex`: how the walkthrough writes it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import mpmath
import numpy as np
import sympy

from explainer.functions.activations import SIGMOID, softmax_rest

Expr = sympy.Expr
mpf = mpmath.mpf


@dataclass(frozen=True)
class CostLatex:
    """How the walkthrough writes a cost.

    `formula` is a template for `Notation.fill` (${C} the cost, ${yj} the j-th output,
    ${expj} its expected value). `term` and `derivative` take the output and the
    expected value as LaTeX, and n, the number of output neurons (only the mean
    squared error uses it). A squared cost's terms are `scale(n)` times a square,
    which the walkthrough shows difference by difference.
    """

    words: str
    formula: str  # C = …, with y_j and exp_j
    term: Callable[[str, str, int], str]
    derivative: Callable[[str, str, int], str]
    scale: Callable[[int], str] | None = None  # squared costs: the factor before each square

    @property
    def body(self) -> str:
        """The formula without its "${C} = ": the right-hand side alone."""
        return self.formula.removeprefix("${C} = ")


@dataclass(frozen=True)
class Cost:
    """C(y, exp) in every form (see the module docstring).

    `squared`: a sum of squared differences; `halved`: with the ½ that cancels the 2
    of the derivative. `logarithm_of`: for a cost that takes logarithms of the
    outputs, the last-layer activations whose outputs it accepts (probabilities).
    """

    name: str
    latex: CostLatex
    sympy_terms: Callable[[Sequence[Expr], Sequence[Expr]], list[Expr]]
    # Returns a NumPy scalar of the inputs' precision (finite differences run in long double).
    numpy_form: Callable[[np.ndarray, np.ndarray], np.floating]
    numpy_derivative: Callable[[np.ndarray, np.ndarray], np.ndarray]
    mpmath_form: Callable[[Sequence[mpf], Sequence[mpf]], mpf]
    mpmath_derivative: Callable[[mpf, mpf, int], mpf]  # ∂C/∂o of one output neuron, n outputs
    squared: bool = False
    halved: bool = False
    logarithm_of: tuple[str, ...] = ()
    # A squared-error cost in NumPy: C = total of the squared errors e = y − exp, ∂C/∂y =
    # factor(n) · e (n outputs), with e from the last layer's inputs where y is near its
    # bound (see `_output_error`).
    numpy_squared: tuple[Callable[[np.ndarray], np.ndarray], Callable[[int], float]] | None = None
    # C from the last layer's inputs i (and outputs y) rather than y alone, keyed by the
    # last layer's activation, where ln y can be written without rounding y first
    # (log-sigmoid, log-softmax). ln of a rounded y loses every digit once y is
    # within 1e-16 of 1: a confident right answer then costs "0" or a number with
    # three correct digits, and the engines would seem to disagree.
    numpy_from_inputs: dict[str, Callable[[np.ndarray, np.ndarray, np.ndarray], np.floating]] = field(
        default_factory=dict)
    # ∂C/∂y from the last layer's inputs, for the same reason: 1 − y of a rounded y near 1
    # keeps no digit (at i = 40, σ(i) is 1 in float64, 1 − σ(i) = 4e-18).
    numpy_derivative_from_inputs: dict[str, Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]] = field(
        default_factory=dict)

    def sympy_form(self, y: Sequence[Expr], exp: Sequence[Expr]) -> Expr:
        return sympy.Add(*self.sympy_terms(y, exp))

    def numpy_value(self, activation: str, i: np.ndarray, y: np.ndarray, exp: np.ndarray) -> np.floating:
        """C in NumPy, from the inputs i of the last layer where that is more accurate."""
        return self.numpy_value_and_slope(activation, i, y, exp, slope=False)[0]

    def numpy_value_and_slope(self, activation: str, i: np.ndarray, y: np.ndarray, exp: np.ndarray,
                              slope: bool = True) -> tuple[np.floating, np.ndarray | None]:
        """C and ∂C/∂y in NumPy (∂C/∂y None unless `slope`), each from the inputs i of the last
        layer where that is more accurate; a squared error's y − exp is computed once for both."""
        if self.numpy_squared is not None:
            total, factor = self.numpy_squared
            error = _output_error(activation, i, y, exp) if activation in _BOUNDED else y - exp
            return total(error * error), factor(len(y)) * error if slope else None
        value = self.numpy_from_inputs.get(activation)
        cost = value(i, y, exp) if value else self.numpy_form(y, exp)
        if not slope:
            return cost, None
        derivative = self.numpy_derivative_from_inputs.get(activation)
        return cost, derivative(i, y, exp) if derivative else self.numpy_derivative(y, exp)


def _pairs(y: Sequence, exp: Sequence):
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
    z = i - np.max(i, axis=0)
    e = np.exp(z)
    top = np.arange(len(i)).reshape((-1,) + (1,) * (i.ndim - 1)) == np.argmax(i, axis=0)  # per column
    return z - np.log1p(np.sum(np.where(top, 0, e), axis=0))


_BOUNDED = ("sigmoid", "tanh", "softmax")  # the activations `_output_error` knows


def _output_error(activation: str, i: np.ndarray, y: np.ndarray, exp: np.ndarray) -> np.ndarray:
    """y − exp from the last layer's inputs, keeping its digits where y is close to ±1.

    There y − exp = (1 − exp) − (1 − y), or (−1 − exp) + (1 + y), with 1 ∓ y computed
    without subtracting a rounded y from 1 (for a sigmoid, 1 − σ(i) = e^-i σ(i); for tanh,
    1 − |y| = e^-2|i| (1 + |y|); for softmax the other outputs' share): that subtraction
    would leave 1 − y with few correct digits. Elsewhere y − exp is as good as it gets.
    """
    if activation == "softmax":
        return np.where(y > 0.5, (1 - exp) - softmax_rest(i), y - exp)
    if activation == "sigmoid":  # used where y > 1/2, i.e. i > 0: e^-|i| is e^-i there
        return np.where(y > 0.5, (1 - exp) - y * np.exp(-np.abs(i)), y - exp)
    gap = np.exp(-2 * np.abs(i)) * (1 + np.abs(y))  # 1 − |y|
    return np.where(y > 0.5, (1 - exp) - gap, np.where(y < -0.5, (-1 - exp) + gap, y - exp))


def _ln(x: mpf) -> mpf:
    # A person's own rounded output can be 0 or 1 exactly: carried forward, the
    # logarithm is then undefined, and so is everything after it (NaN matches no claim).
    return mpmath.log(x) if x > 0 else mpmath.nan


def _over(a: mpf, b: mpf) -> mpf:
    return a / b if b != 0 else mpmath.nan


def _sum_of_squares(y: Sequence[mpf], exp: Sequence[mpf]) -> mpf:
    return mpmath.fsum((a - b) ** 2 for a, b in _pairs(y, exp))


COSTS: dict[str, Cost] = {c.name: c for c in (
    Cost(
        name="sum_squared",  # Σ (y − exp)², the seed's cost
        latex=CostLatex(
            words="the sum of squared errors",
            formula=r"${C} = \sum_{j} \bigl(${yj} - ${expj}\bigr)^{2}",
            term=lambda out, exp, n: rf"\bigl({out} - {exp}\bigr)^{{2}}",
            derivative=lambda out, exp, n: rf"2\,\bigl({out} - {exp}\bigr)",
            scale=lambda n: "",
        ),
        sympy_terms=lambda y, exp: [(a - e) ** 2 for a, e in _pairs(y, exp)],
        numpy_form=lambda y, exp: np.sum((y - exp) ** 2, axis=0),
        numpy_derivative=lambda y, exp: 2.0 * (y - exp),
        numpy_squared=(lambda d: d.sum(axis=0), lambda n: 2.0),
        mpmath_form=_sum_of_squares,
        mpmath_derivative=lambda o, exp, n: 2 * (o - exp),
        squared=True,
    ),
    Cost(
        name="half_sum_squared",  # ½ Σ (y − exp)²: the ½ cancels the 2 of the derivative
        latex=CostLatex(
            words="half the sum of squared errors",
            formula=r"${C} = \frac{1}{2} \sum_{j} \bigl(${yj} - ${expj}\bigr)^{2}",
            term=lambda out, exp, n: rf"\tfrac{{1}}{{2}}\bigl({out} - {exp}\bigr)^{{2}}",
            derivative=lambda out, exp, n: rf"{out} - {exp}",
            scale=lambda n: r"\tfrac{1}{2}",
        ),
        sympy_terms=lambda y, exp: [sympy.Rational(1, 2) * (a - e) ** 2 for a, e in _pairs(y, exp)],
        numpy_form=lambda y, exp: 0.5 * np.sum((y - exp) ** 2, axis=0),
        numpy_derivative=lambda y, exp: y - exp,
        numpy_squared=(lambda d: 0.5 * d.sum(axis=0), lambda n: 1.0),
        mpmath_form=lambda y, exp: _sum_of_squares(y, exp) / 2,
        mpmath_derivative=lambda o, exp, n: o - exp,
        squared=True,
        halved=True,
    ),
    Cost(
        name="mean_squared",  # (1/n) Σ (y − exp)² over the n output neurons
        latex=CostLatex(
            words="the mean squared error over the output neurons",
            formula=r"${C} = \frac{1}{n} \sum_{j} \bigl(${yj} - ${expj}\bigr)^{2}",
            term=lambda out, exp, n: rf"\tfrac{{1}}{{{n}}}\bigl({out} - {exp}\bigr)^{{2}}",
            derivative=lambda out, exp, n: rf"\tfrac{{2}}{{{n}}}\bigl({out} - {exp}\bigr)",
            scale=lambda n: rf"\tfrac{{1}}{{{n}}}",
        ),
        sympy_terms=lambda y, exp: [(a - e) ** 2 / len(y) for a, e in _pairs(y, exp)],
        numpy_form=lambda y, exp: np.mean((y - exp) ** 2, axis=0),
        numpy_derivative=lambda y, exp: 2.0 * (y - exp) / len(y),
        numpy_squared=(lambda d: d.mean(axis=0), lambda n: 2.0 / n),
        mpmath_form=lambda y, exp: _sum_of_squares(y, exp) / len(y),
        mpmath_derivative=lambda o, exp, n: 2 * (o - exp) / n,
        squared=True,
    ),
    Cost(
        name="cross_entropy",  # −Σ exp · ln y, for outputs that are probabilities
        latex=CostLatex(
            words="the cross-entropy",
            formula=r"${C} = -\sum_{j} ${expj} \ln ${yj}",
            term=lambda out, exp, n: rf"-{exp} \ln {out}",
            derivative=lambda out, exp, n: rf"-\frac{{{exp}}}{{{out}}}",
        ),
        sympy_terms=lambda y, exp: [-e * sympy.log(a) for a, e in _pairs(y, exp)],
        numpy_form=lambda y, exp: -np.sum(np.where(exp != 0, exp * np.log(y), 0.0), axis=0),
        numpy_derivative=lambda y, exp: _ratio(-exp, y, exp != 0),
        numpy_from_inputs={
            "softmax": lambda i, y, exp: -np.sum(exp * _log_softmax(i), axis=0),
            "sigmoid": lambda i, y, exp: -np.sum(exp * _log_sigmoid(i), axis=0),
        },
        mpmath_form=lambda y, exp: -mpmath.fsum(b * _ln(a) for a, b in _pairs(y, exp) if b),
        mpmath_derivative=lambda o, exp, n: _over(-exp, o),
        logarithm_of=("softmax", "sigmoid"),
    ),
    Cost(
        name="binary_cross_entropy",  # −Σ [exp ln y + (1 − exp) ln(1 − y)]
        latex=CostLatex(
            words="the binary cross-entropy",
            formula=r"${C} = -\sum_{j} \bigl[${expj} \ln ${yj} + (1 - ${expj}) "
                    r"\ln (1 - ${yj})\bigr]",
            term=lambda out, exp, n: rf"-\bigl[{exp} \ln {out} + (1 - {exp}) \ln (1 - {out})\bigr]",
            derivative=lambda out, exp, n: rf"\frac{{{out} - {exp}}}{{{out} \cdot (1 - {out})}}",
        ),
        sympy_terms=lambda y, exp: [-(e * sympy.log(a) + (1 - e) * sympy.log(1 - a))
                                    for a, e in _pairs(y, exp)],
        numpy_form=lambda y, exp: -np.sum(
            np.where(exp != 0, exp * np.log(y), 0.0)
            + np.where(exp != 1, (1 - exp) * np.log1p(-y), 0.0), axis=0),
        # (y − exp) / (y (1 − y)), written as its two terms so that a term whose
        # target share is 0 is 0 even where y rounds to 0 or 1
        numpy_derivative=lambda y, exp: _ratio(-exp, y, exp != 0) + _ratio(1 - exp, 1 - y, exp != 1),
        # 1 − σ(i) = σ(−i), so ln(1 − y) = ln σ(−i)
        numpy_from_inputs={
            "sigmoid": lambda i, y, exp: -np.sum(exp * _log_sigmoid(i) + (1 - exp) * _log_sigmoid(-i), axis=0),
        },
        # the same two terms with 1 − y = σ(−i)
        numpy_derivative_from_inputs={
            "sigmoid": lambda i, y, exp: (_ratio(-exp, y, exp != 0)
                                          + _ratio(1 - exp, SIGMOID.numpy_form(-i, 0.0), exp != 1)),
        },
        mpmath_form=lambda y, exp: -mpmath.fsum(
            (b * _ln(a) if b else 0) + ((1 - b) * _ln(1 - a) if b != 1 else 0) for a, b in _pairs(y, exp)),
        mpmath_derivative=lambda o, exp, n: _over(-exp, o) + _over(1 - exp, 1 - o),
        logarithm_of=("sigmoid",),
    ),
)}
