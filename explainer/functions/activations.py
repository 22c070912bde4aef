"""The activations: o = σ(i), each written once in every form the project needs.

An activation maps a neuron's input i to its output o = σ(i). Each one is
defined here with all of its forms side by side, as micrograd keeps an
operation's derivative beside its forward computation:

* `sympy_form`: σ as a SymPy expression, which the symbolic engine differentiates;
* `numpy_form` and `numpy_derivative`: σ and σ′ written by hand for the numeric
  core (never generated from the SymPy form: the engines agreeing is only
  evidence when neither was derived from the other);
* `mpmath_form` and `mpmath_derivative`: σ and σ′ as a person computes them on
  paper (σ′ from the output where that is how it is done by hand, o(1 − o)), for
  the checker's recomputation of a person's step;
* `latex`: how the walkthrough writes it.

Most activations act on each neuron alone; softmax mixes the whole layer, so its
derivative is a Jacobian ∂o_k/∂i_j (`vector=True`, with `sympy_vector_form`,
`numpy_jacobian` and `mpmath_vector_form`).

The NumPy forms take a layer's inputs as a vector, or as a matrix with one column
per sample (a batch), and keep the digits a saturated neuron's slope is made of:
σ′ is computed from the input i, never as o(1 − o) from a rounded o. At i = 700,
o rounds to 1 in float64 and o(1 − o) would be 0, while σ′(700) = e^-700 ≈ 10^-304
is an ordinary float64 number. `saturation` says how fast an output approaches its
bound: 1 − |o| ≈ e^(−saturation·|i|) (sigmoid 1, tanh 2, softmax at most 2 for the
largest |i| of the layer; 0 for activations without a bound to approach).

Conventions where the calculus leaves a choice: ReLU′(0) = 0 and leaky ReLU′(0)
= the leak slope (every form takes the left derivative at the kink).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import mpmath
import numpy as np
import sympy

Expr = sympy.Expr
mpf = mpmath.mpf


@dataclass(frozen=True)
class ActivationLatex:
    """How the walkthrough writes an activation.

    `formula` and `derivative` are templates for `Notation.fill`: ${i} and ${o}
    stand for a preset's input and output symbols (i and o in the seed's).
    `applied` writes σ applied to ${x}, a symbol or a number, as the forward pass
    shows it. `derivative_of(o)` writes σ′ with the neuron's output o (LaTeX: a
    symbol or a number), the way one computes it by hand; None where σ′ is a
    piecewise choice that o alone does not show (ReLU), or a Jacobian (softmax).
    """

    words: str
    formula: str  # σ(i) = …, with i as the variable
    derivative: str  # σ′(i) = …
    derivative_of: Callable[[str], str] | None
    applied: str = ""  # σ(${x}) as the forward pass writes it (sigmoid and softmax: see sections.forward)


@dataclass(frozen=True)
class Activation:
    """o = σ(i) in every form (see the module docstring).

    `curved`: σ′ differs from point to point away from any kink, so σ′ taken at o
    instead of i gives another number (for ReLU-like functions and the identity,
    o and i lie on the same side of the kink, and that slip changes nothing).
    `piecewise_linear`: σ′ takes only exact values (0, 1, the leak), so a slope a person
    writes is right exactly or not at all.
    """

    name: str
    latex: ActivationLatex
    sympy_form: Callable[[Expr, Expr], Expr] | None
    numpy_form: Callable[[np.ndarray, float], np.ndarray]
    numpy_derivative: Callable[[np.ndarray, np.ndarray, float], np.ndarray] | None
    mpmath_form: Callable[[mpf, mpf], mpf] | None
    mpmath_derivative: Callable[[mpf, mpf, mpf], mpf]  # σ′ from (i, o, slope); softmax: the diagonal
    curved: bool = False
    piecewise_linear: bool = False
    vector: bool = False
    saturation: int = 0
    # σ and σ′ at once, sharing what they have in common, for a training loop's batches
    # (both within float64's range: see the sigmoid's); None where the two forms above do.
    numpy_with_derivative: Callable[[np.ndarray, float], tuple[np.ndarray, np.ndarray]] | None = None
    sympy_vector_form: Callable[[Sequence[Expr]], list[Expr]] | None = None
    numpy_jacobian: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None
    mpmath_vector_form: Callable[[Sequence[mpf]], list[mpf]] | None = None


def squared(symbol: str) -> str:
    """symbol², in parentheses when it already has a superscript (a^{3}_{1})."""
    return rf"\bigl({symbol}\bigr)^{{2}}" if "^" in symbol else f"{symbol}^{{2}}"


def _sigmoid_numpy(i: np.ndarray, slope: float = 0.0) -> np.ndarray:
    # Two branches so that exp never overflows: for i < 0 use e^i / (1 + e^i).
    e = np.exp(-np.abs(i))
    return np.where(i >= 0, 1.0, e) / (1.0 + e)


def sigmoid_slope(i: np.ndarray) -> np.ndarray:
    """σ′(i) = σ(i) σ(−i) = e^−|i| / (1 + e^−|i|)², from i: as precise far out as near 0."""
    e = np.exp(-np.abs(i))
    return e / (1.0 + e) ** 2


def _sigmoid_with_slope(i: np.ndarray, slope: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """σ(i) and σ′(i) = σ(i) σ(−i), with σ(−i) = e^−i σ(i): both to a few ulps wherever
    they are float64 numbers. e^−i overflows only below i ≈ −709.8, where σ(i) itself
    is below float64's smallest normal number (a training loop runs with NumPy raising
    there: see `explainer.engines.dry_run`)."""
    t = np.exp(-i)
    o = 1.0 / (1.0 + t)
    return o, (t * o) * o


def _softmax_numpy(i: np.ndarray, slope: float = 0.0) -> np.ndarray:
    # Subtracting the largest input changes nothing mathematically and keeps exp finite.
    e = np.exp(i - np.max(i, axis=0))
    return e / np.sum(e, axis=0)


def softmax_rest(i: np.ndarray) -> np.ndarray:
    """1 − o_k for every output of a softmax layer: the share of the other outputs,
    Σ_(m≠k) e^(i_m) / Σ e^i, added up without ever subtracting from 1 (which would
    leave nothing of a confident output's 1 − o_k = 10^-20)."""
    e = np.exp(i - np.max(i, axis=0))
    others = 1 - np.eye(len(i), dtype=e.dtype)  # row k adds every output but the k-th
    return (others @ e) / np.sum(e, axis=0)


def _softmax_jacobian(i: np.ndarray, o: np.ndarray) -> np.ndarray:
    """∂o_k/∂i_j = o_k ([k = j] − o_j), indexed [k, j] (and [k, j, sample] for a batch);
    the diagonal o_k (1 − o_k) with 1 − o_k from the inputs (see `softmax_rest`)."""
    jacobian = -o[:, None] * o[None, :]
    k = np.arange(len(o))
    jacobian[k, k] = o * softmax_rest(i)
    return jacobian


def _softmax_sympy(inputs: Sequence[Expr]) -> list[Expr]:
    total = sympy.Add(*[sympy.exp(i) for i in inputs])
    return [sympy.exp(i) / total for i in inputs]


def _softmax_mpmath(inputs: Sequence[mpf]) -> list[mpf]:
    top = max(inputs)
    e = [mpmath.exp(v - top) for v in inputs]
    total = mpmath.fsum(e)
    # A person's own rounded numbers can make every term 0: the outputs are then undefined.
    return [v / total if total != 0 else mpmath.nan for v in e]


def _one(*_: object) -> mpf:
    return mpmath.mpf(1)


SIGMOID = Activation(
    name="sigmoid",
    latex=ActivationLatex(
        words="the sigmoid (logistic) function",
        formula=r"\sigma(${i}) = \frac{1}{1 + e^{-${i}}}",
        derivative=r"\sigma'(${i}) = \sigma(${i})\bigl(1 - \sigma(${i})\bigr) = ${o}\,(1 - ${o})",
        derivative_of=lambda out: rf"{out} \cdot (1 - {out})",
    ),
    sympy_form=lambda i, slope: 1 / (1 + sympy.exp(-i)),
    numpy_form=_sigmoid_numpy,
    numpy_derivative=lambda i, o, slope: sigmoid_slope(i),
    mpmath_form=lambda i, slope: 1 / (1 + mpmath.exp(-i)),
    mpmath_derivative=lambda i, o, slope: o * (1 - o),
    curved=True,
    saturation=1,
    numpy_with_derivative=_sigmoid_with_slope,
)
TANH = Activation(
    name="tanh",
    latex=ActivationLatex(
        words="the hyperbolic tangent",
        formula=r"\sigma(${i}) = \tanh(${i}) = \frac{e^{${i}} - e^{-${i}}}{e^{${i}} + e^{-${i}}}",
        derivative=r"\sigma'(${i}) = 1 - \tanh^{2}(${i}) = 1 - ${o}^{2}",
        # In parentheses: it is one factor of a product (x · (1 − o²) · …).
        derivative_of=lambda out: rf"\bigl(1 - {squared(out)}\bigr)",
        applied=r"\tanh(${x})",
    ),
    sympy_form=lambda i, slope: sympy.tanh(i),
    numpy_form=lambda i, slope: np.tanh(i),
    numpy_derivative=lambda i, o, slope: 4 * sigmoid_slope(2 * i),  # 1 − tanh²(i) = 4 σ′(2i)
    mpmath_form=lambda i, slope: mpmath.tanh(i),
    mpmath_derivative=lambda i, o, slope: 1 - o * o,
    curved=True,
    saturation=2,
)
RELU = Activation(
    name="relu",
    latex=ActivationLatex(
        words="the rectified linear unit (ReLU)",
        formula=r"\sigma(${i}) = \max(0, ${i})",
        derivative=r"\sigma'(${i}) = 1 \text{ for } ${i} > 0,\ 0 \text{ otherwise (we take } 0 "
                   r"\text{ at } ${i} = 0)",
        derivative_of=None,
        applied=r"\max(0, ${x})",
    ),
    sympy_form=lambda i, slope: sympy.Piecewise((i, i > 0), (0, True)),
    numpy_form=lambda i, slope: np.where(i > 0, i, 0.0),
    numpy_derivative=lambda i, o, slope: np.where(i > 0, 1.0, 0.0),
    mpmath_form=lambda i, slope: i if i > 0 else mpmath.mpf(0),
    mpmath_derivative=lambda i, o, slope: mpmath.mpf(1) if i > 0 else mpmath.mpf(0),
    piecewise_linear=True,
)
LEAKY_RELU = Activation(
    name="leaky_relu",
    latex=ActivationLatex(
        words="the leaky ReLU",
        formula=r"\sigma(${i}) = ${i} \text{ for } ${i} > 0,\ ${slope}\, ${i} \text{ otherwise}",
        derivative=r"\sigma'(${i}) = 1 \text{ for } ${i} > 0,\ ${slope} \text{ otherwise (we take } "
                   r"${slope} \text{ at } ${i} = 0)",
        derivative_of=None,
        applied=r"\sigma(${x})",
    ),
    sympy_form=lambda i, slope: sympy.Piecewise((i, i > 0), (slope * i, True)),
    numpy_form=lambda i, slope: np.where(i > 0, i, slope * i),
    numpy_derivative=lambda i, o, slope: np.where(i > 0, 1.0, slope),
    mpmath_form=lambda i, slope: i if i > 0 else slope * i,
    mpmath_derivative=lambda i, o, slope: mpmath.mpf(1) if i > 0 else slope,
    piecewise_linear=True,
)
LINEAR = Activation(
    name="linear",
    latex=ActivationLatex(
        words="the identity (a linear neuron)",
        formula=r"\sigma(${i}) = ${i}",
        derivative=r"\sigma'(${i}) = 1",
        derivative_of=lambda out: "1",
        applied="${x}",
    ),
    sympy_form=lambda i, slope: i,
    numpy_form=lambda i, slope: np.array(i, copy=True),  # keeps long double for finite differences
    numpy_derivative=lambda i, o, slope: np.ones_like(i),
    mpmath_form=lambda i, slope: i,
    mpmath_derivative=_one,
    piecewise_linear=True,
)
SOFTMAX = Activation(
    name="softmax",
    latex=ActivationLatex(
        words="softmax, which turns the layer's inputs into probabilities",
        formula=r"${oj} = \frac{e^{${ij}}}{\sum_{k} e^{${ik}}}",
        derivative=r"\frac{\partial ${ok}}{\partial ${ij}} = ${ok}\,\bigl([k = j] - ${oj}\bigr)",
        derivative_of=lambda out: rf"{out} \cdot (1 - {out})",  # the diagonal, k = j
    ),
    sympy_form=None,
    numpy_form=_softmax_numpy,
    numpy_derivative=None,
    mpmath_form=None,
    mpmath_derivative=lambda i, o, slope: o * (1 - o),  # ∂o_j/∂i_j, the Jacobian's diagonal
    vector=True,
    saturation=2,
    sympy_vector_form=_softmax_sympy,
    numpy_jacobian=_softmax_jacobian,
    mpmath_vector_form=_softmax_mpmath,
)

ACTIVATIONS: dict[str, Activation] = {
    a.name: a for a in (SIGMOID, TANH, RELU, LEAKY_RELU, LINEAR, SOFTMAX)
}
