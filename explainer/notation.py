"""The symbols a walkthrough writes: the seed article's i/o notation, as LaTeX.

A neuron named h1 has input i_{h_1} and output o_{h_1}; weights and biases are
w_{5}, b_{3}; the expected value for output neuron L_j is exp_j. The formulas for
each activation and cost (σ′ as the reader computes it by hand, ∂C/∂o) live here
too, as text to display: the numbers always come from the engines.
"""

from __future__ import annotations

import re
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
    """How an activation is written: its name, σ(i), and σ′ in terms of the output o."""

    words: str
    formula: str  # σ(i) = …, with i as the variable
    derivative: str  # σ′(i) = … in terms of o = σ(i)
    derivative_of: callable  # (o LaTeX) -> σ′ written with that output, e.g. o(1 − o)


ACTIVATIONS = {
    "sigmoid": ActivationNotation(
        words="the sigmoid (logistic) function",
        formula=r"\sigma(i) = \frac{1}{1 + e^{-i}}",
        derivative=r"\sigma'(i) = \sigma(i)\bigl(1 - \sigma(i)\bigr) = o\,(1 - o)",
        derivative_of=lambda out: rf"{out} \cdot (1 - {out})",
    ),
}


@dataclass(frozen=True)
class CostNotation:
    """How a cost is written: the sum, one term, and ∂C/∂o_j of a last-layer neuron."""

    words: str
    formula: str  # C = …, with y_j and exp_j
    term: callable  # (o LaTeX, exp LaTeX) -> the term of output j
    derivative: callable  # (o LaTeX, exp LaTeX) -> ∂C/∂o_j


COSTS = {
    "sum_squared": CostNotation(
        words="the sum of squared errors",
        formula=r"C = \sum_{j} \bigl(y_{j} - \mathrm{exp}_{j}\bigr)^{2}",
        term=lambda out, exp: rf"\bigl({out} - {exp}\bigr)^{{2}}",
        derivative=lambda out, exp: rf"2\,\bigl({out} - {exp}\bigr)",
    ),
}
