"""The symbols a walkthrough writes: the seed article's i/o notation, as LaTeX.

A neuron named h1 has input i_{h_1} and output o_{h_1}; weights and biases are
w_{5}, b_{3}; the expected value for output neuron L_j is exp_j. The formulas for
each activation and cost (σ′ as the reader computes it by hand, ∂C/∂o) live here
too, as text to display: the numbers always come from the engines.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


def neuron(name: str) -> str:
    """h1 → h_{1}; h1_2 (layer 1, neuron 2 of several hidden layers) → h_{1,2}."""
    m = re.fullmatch(r"([a-zA-Z]+)(\d+)(?:_(\d+))?", name)
    if not m:
        return name
    letter, first, second = m.groups()
    return f"{letter}_{{{first},{second}}}" if second else f"{letter}_{{{first}}}"


def i(name: str) -> str:
    """The input of a neuron, i_{h_1}."""
    return f"i_{{{neuron(name)}}}"


def o(name: str) -> str:
    """The output of a neuron, o_{h_1}; an input neuron's output is its value x_1."""
    return neuron(name) if name.startswith("x") else f"o_{{{neuron(name)}}}"


def delta(name: str) -> str:
    return rf"\delta_{{{neuron(name)}}}"


def param(label: str) -> str:
    """w5 → w_{5}."""
    return f"{label[0]}_{{{label[1:]}}}"


def updated(label: str) -> str:
    """w5 → w^{+}_{5}, the value after the step."""
    return f"{label[0]}^{{+}}_{{{label[1:]}}}"


def expected(j: int) -> str:
    """The expected value for output neuron j (1-based): exp_{1}."""
    return rf"\mathrm{{exp}}_{{{j}}}"


def vector(name: str, entries: list[str]) -> str:
    """A named column vector, e.g. x = (2, 3) written as a pmatrix."""
    rows = r" \\ ".join(entries)
    return rf"{name} = \begin{{pmatrix}} {rows} \end{{pmatrix}}"


def partial(top: str, bottom: str) -> str:
    return rf"\frac{{\partial {top}}}{{\partial {bottom}}}"


@dataclass(frozen=True)
class ActivationNotation:
    """How an activation is written: its name, σ(i), and σ′.

    `derivative_of(o)` writes σ′ with the neuron's output o (given as LaTeX, a
    symbol or a number), the way one computes it by hand; None where σ′ is a
    piecewise choice that o alone does not show (ReLU), or a Jacobian (softmax).
    """

    words: str
    formula: str  # σ(i) = …, with i as the variable
    derivative: str  # σ′(i) = …
    derivative_of: Callable[[str], str] | None
    vector: bool = False


ACTIVATIONS = {
    "sigmoid": ActivationNotation(
        words="the sigmoid (logistic) function",
        formula=r"\sigma(i) = \frac{1}{1 + e^{-i}}",
        derivative=r"\sigma'(i) = \sigma(i)\bigl(1 - \sigma(i)\bigr) = o\,(1 - o)",
        derivative_of=lambda out: rf"{out} \cdot (1 - {out})",
    ),
    "tanh": ActivationNotation(
        words="the hyperbolic tangent",
        formula=r"\sigma(i) = \tanh(i) = \frac{e^{i} - e^{-i}}{e^{i} + e^{-i}}",
        derivative=r"\sigma'(i) = 1 - \tanh^{2}(i) = 1 - o^{2}",
        derivative_of=lambda out: rf"1 - {out}^{{2}}",
    ),
    "relu": ActivationNotation(
        words="the rectified linear unit (ReLU)",
        formula=r"\sigma(i) = \max(0, i)",
        derivative=r"\sigma'(i) = 1 \text{ for } i > 0,\ 0 \text{ otherwise (we take } 0 "
                   r"\text{ at } i = 0)",
        derivative_of=None,
    ),
    "leaky_relu": ActivationNotation(
        words="the leaky ReLU",
        formula=r"\sigma(i) = i \text{ for } i > 0,\ a\, i \text{ otherwise}",
        derivative=r"\sigma'(i) = 1 \text{ for } i > 0,\ a \text{ otherwise (we take } a "
                   r"\text{ at } i = 0)",
        derivative_of=None,
    ),
    "linear": ActivationNotation(
        words="the identity (a linear neuron)",
        formula=r"\sigma(i) = i",
        derivative=r"\sigma'(i) = 1",
        derivative_of=lambda out: "1",
    ),
    "softmax": ActivationNotation(
        words="softmax, which turns the layer's inputs into probabilities",
        formula=r"o_{j} = \frac{e^{i_{j}}}{\sum_{k} e^{i_{k}}}",
        derivative=r"\frac{\partial o_{k}}{\partial i_{j}} = o_{k}\,\bigl([k = j] - o_{j}\bigr)",
        derivative_of=lambda out: rf"{out} \cdot (1 - {out})",  # the diagonal, k = j
        vector=True,
    ),
}


@dataclass(frozen=True)
class CostNotation:
    """How a cost is written: the sum, one term, and ∂C/∂o_j of a last-layer neuron.

    `term` and `derivative` take the output and the expected value as LaTeX, and
    n, the number of output neurons (only the mean squared error uses it).
    """

    words: str
    formula: str  # C = …, with y_j and exp_j
    term: Callable[[str, str, int], str]
    derivative: Callable[[str, str, int], str]
    squared: bool = False  # a sum of squared differences (the walkthrough shows the differences)


COSTS = {
    "sum_squared": CostNotation(
        words="the sum of squared errors",
        formula=r"C = \sum_{j} \bigl(y_{j} - \mathrm{exp}_{j}\bigr)^{2}",
        term=lambda out, exp, n: rf"\bigl({out} - {exp}\bigr)^{{2}}",
        derivative=lambda out, exp, n: rf"2\,\bigl({out} - {exp}\bigr)",
        squared=True,
    ),
    "half_sum_squared": CostNotation(
        words="half the sum of squared errors",
        formula=r"C = \frac{1}{2} \sum_{j} \bigl(y_{j} - \mathrm{exp}_{j}\bigr)^{2}",
        term=lambda out, exp, n: rf"\tfrac{{1}}{{2}}\bigl({out} - {exp}\bigr)^{{2}}",
        derivative=lambda out, exp, n: rf"{out} - {exp}",
        squared=True,
    ),
    "mean_squared": CostNotation(
        words="the mean squared error over the output neurons",
        formula=r"C = \frac{1}{n} \sum_{j} \bigl(y_{j} - \mathrm{exp}_{j}\bigr)^{2}",
        term=lambda out, exp, n: rf"\tfrac{{1}}{{{n}}}\bigl({out} - {exp}\bigr)^{{2}}",
        derivative=lambda out, exp, n: rf"\tfrac{{2}}{{{n}}}\bigl({out} - {exp}\bigr)",
        squared=True,
    ),
    "cross_entropy": CostNotation(
        words="the cross-entropy",
        formula=r"C = -\sum_{j} \mathrm{exp}_{j} \ln y_{j}",
        term=lambda out, exp, n: rf"-{exp} \ln {out}",
        derivative=lambda out, exp, n: rf"-\frac{{{exp}}}{{{out}}}",
    ),
    "binary_cross_entropy": CostNotation(
        words="the binary cross-entropy",
        formula=r"C = -\sum_{j} \bigl[\mathrm{exp}_{j} \ln y_{j} + (1 - \mathrm{exp}_{j}) "
                r"\ln (1 - y_{j})\bigr]",
        term=lambda out, exp, n: rf"-\bigl[{exp} \ln {out} + (1 - {exp}) \ln (1 - {out})\bigr]",
        derivative=lambda out, exp, n: rf"\frac{{{out} - {exp}}}{{{out} \cdot (1 - {out})}}",
    ),
}
